"""The import rules against import-linter itself, and through archlint's run: suppressions,
unparsable files, type-only imports, the project's own contracts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archlint.engine import CheckOptions, check
from archlint.engine.imports import contracts_for
from archlint.formatters.contracts import as_ini

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
_CHAIN_HEAD = re.compile(r"^-\s+(\S+) -> \S+ \(l\.([\d, ]+)\)", re.MULTILINE)


def _lint_imports_pairs(project: Path, import_root: Path, code: str, tmp_path: Path) -> set[tuple[str, int]]:
    """(importer, line) of the first import of each chain lint-imports reports for archlint's
    contracts, run on the fixture's own files in a subprocess."""
    session, specs = contracts_for(CheckOptions(paths=(project,)), (code,))
    config = tmp_path / ".importlinter"
    config.write_text(as_ini(session, specs))
    done = subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        cwd=import_root,
        env={**os.environ, "PYTHONPATH": str(import_root), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return {
        (importer, int(line))
        for importer, lines in _CHAIN_HEAD.findall(done.stdout)
        for line in lines.split(",")
    }


def _archlint_pairs(project: Path, code: str) -> set[tuple[str, int]]:
    result = check(CheckOptions(paths=(project,), select=(code,), use_cache=False))
    pairs = set()
    for d in result.diagnostics:
        if d.code == code:
            match = re.search(r"'([^']+)' imports", d.message)
            assert match and d.line is not None
            pairs.add((match.group(1), d.line))
    return pairs


@pytest.mark.skipif(shutil.which(str(LINT_IMPORTS)) is None, reason="lint-imports is installed with archlint")
@pytest.mark.parametrize(
    ("fixture", "import_root"),
    [
        ("layered-v1/violating", "backend"),
        ("modular-monolith/violating", "."),
        ("shapes/nested-areas/violating", "."),
    ],
)
def test_imp001_reports_what_lint_imports_reports_for_the_same_contracts(
    fixture: str, import_root: str, tmp_path: Path
) -> None:
    project = FIXTURES / fixture
    ours = _archlint_pairs(project, "IMP001")
    theirs = _lint_imports_pairs(project, project / import_root, "IMP001", tmp_path)
    assert ours, "the fixture breaks the layer order somewhere"
    assert ours == theirs


def test_a_broken_own_contract_is_named_and_a_kept_one_is_silent() -> None:
    broken = check(CheckOptions(paths=(FIXTURES / "shapes/own-contracts/violating",), use_cache=False))
    messages = sorted(d.message for d in broken.diagnostics if d.code == "IMP006")
    assert any("'Orders reach the database only through their repository'" in m for m in messages)
    assert any("'Orders and users stay apart'" in m for m in messages)
    kept = check(CheckOptions(paths=(FIXTURES / "shapes/own-contracts/clean",), use_cache=False))
    assert kept.diagnostics == ()


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


V1 = "backend/src/v1/orders/"


def test_an_ignore_comment_on_the_import_line_suppresses_the_finding(tmp_path: Path) -> None:
    project = _tree(
        tmp_path,
        {
            V1 + "router.py": "",
            V1
            + "service.py": "from src.v1.orders.router import PREFIX  # archlint: ignore[IMP001] -- legacy\n",
            V1 + "repository.py": "from src.v1.orders.service import place\n",
        },
    )
    result = check(CheckOptions(paths=(project,), preset="layered-v1", select=("IMP001",)))
    assert [(d.path, d.line) for d in result.diagnostics] == [(V1 + "repository.py", 1)]
    assert result.suppressed == 1


def test_a_file_that_does_not_parse_does_not_stop_the_import_rules(tmp_path: Path) -> None:
    project = _tree(
        tmp_path,
        {
            V1 + "router.py": "def broken(:\n",
            V1 + "service.py": "from src.v1.orders import router\n",
        },
    )
    result = check(CheckOptions(paths=(project,), preset="layered-v1", select=("IMP001",)))
    assert sorted((d.code, d.path, d.line) for d in result.diagnostics) == [
        ("IMP001", V1 + "service.py", 1),
        ("SYN001", V1 + "router.py", 1),
    ]


def test_include_type_checking_is_read_from_the_imports_table(tmp_path: Path) -> None:
    files = {
        V1 + "router.py": "",
        V1 + "service.py": "import typing\nif typing.TYPE_CHECKING:\n    from src.v1.orders import router\n",
    }
    project = _tree(tmp_path, files)
    options = CheckOptions(paths=(project,), preset="layered-v1", select=("IMP001",))
    assert check(options).diagnostics == ()
    (project / "pyproject.toml").write_text("[tool.archlint.imports]\ninclude_type_checking = true\n")
    assert [d.line for d in check(options).diagnostics] == [3]
    (project / "pyproject.toml").write_text('[tool.archlint.imports]\ninclude-type-checking = "yes"\n')
    with pytest.raises(
        Exception, match=r"tool\.archlint\.imports\.include-type-checking: expected a boolean"
    ):
        check(options)
