"""`archlint init` writes the layout archlint read, and linting with it finds what is expected."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archlint.cli import app
from archlint.engine import CheckOptions, check

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_fixtures import expected_findings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
runner = CliRunner()
PRESET_FIXTURES = sorted(p.parent for p in FIXTURES.glob("*/*/pyproject.toml") if "shapes" not in p.parts)
SHAPES = sorted(p.parent for p in FIXTURES.glob("shapes/*/*/pyproject.toml"))


def _without_archlint_table(pyproject: Path) -> None:
    text = pyproject.read_text()
    pyproject.write_text(re.sub(r"(?ms)^\[tool\.archlint[^\n]*\n.*?(?=^\[(?!tool\.archlint)|\Z)", "", text))


@pytest.mark.parametrize(
    "fixture", [*PRESET_FIXTURES, *SHAPES], ids=lambda p: p.relative_to(FIXTURES).as_posix()
)
def test_init_writes_a_config_that_finds_exactly_the_expected(tmp_path: Path, fixture: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(fixture, project)
    _without_archlint_table(project / "pyproject.toml")
    result = runner.invoke(app, ["init", str(project)])
    assert result.exit_code == 0, result.output
    table = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["archlint"]
    if fixture.parent.name != "shapes" and fixture.parent.parent.name != "shapes":
        assert table["preset"] == fixture.parent.name  # the right preset for each preset fixture
    found = {
        (d.code, d.path, d.line) for d in check(CheckOptions(paths=(project,), use_cache=False)).diagnostics
    }
    assert found == expected_findings(project)


def test_init_keeps_comments_and_refuses_to_overwrite(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "shapes" / "nested-areas" / "clean", project)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        "# our project, our rules\n" + pyproject.read_text() + "\n[tool.ruff]  # keep me\nline-length = 99\n"
    )
    assert runner.invoke(app, ["init", str(project)]).exit_code == 0
    text = pyproject.read_text()
    assert text.startswith("# our project, our rules\n")
    assert "[tool.ruff]  # keep me\nline-length = 99" in text
    assert tomllib.loads(text)["tool"]["archlint"]["preset"] == "layered-v1"
    again = runner.invoke(app, ["init", str(project)])
    assert again.exit_code == 2 and "already has [tool.archlint]; --force replaces it" in again.output
    assert runner.invoke(app, ["init", str(project), "--force"]).exit_code == 0


def test_init_can_write_archlint_toml(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "shapes" / "template" / "clean", project)
    result = runner.invoke(app, ["init", str(project), "--config-file"])
    assert result.exit_code == 0, result.output
    written = tomllib.loads((project / "archlint.toml").read_text())
    assert written == {"preset": "by-layer", "baseline": ".archlint-baseline.json"}
    assert "[tool.archlint]" not in (project / "pyproject.toml").read_text()
    assert check(CheckOptions(paths=(project,), use_cache=False)).diagnostics == ()
