"""Autofix: ``--fix`` rewrites what IMP003 and LOG001 report, safely, atomically and once;
``--diff`` shows the same change and writes nothing."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from archlint.cli import app
from archlint.engine import CheckOptions
from archlint.engine.fix import fix, plan_fixes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
runner = CliRunner()


def copy_fixture(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "project"
    shutil.copytree(FIXTURES / name, target, ignore=shutil.ignore_patterns(".archlint_cache", "__pycache__"))
    monkeypatch.chdir(target)
    return target


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))}


def invoke(*args: str) -> Result:
    return runner.invoke(app, ["check", *args, "--no-cache"])


def stderr_of(result: Result) -> str:
    try:
        return result.stderr
    except ValueError:  # older click without separate stderr
        return result.output


def write_tree(root: Path, files: dict[str, str]) -> None:
    (root / "pyproject.toml").write_text('[tool.archlint]\npreset = "best-practices"\n')
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


BP_DOMAINS = {
    "src/auth/router.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
    "src/auth/constants.py": "SECRET = 'x'\n\n\nclass ErrorCode:\n    AUTH = 1\n",
    "src/posts/router.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
}


def planned_service(tmp_path: Path, service: str) -> str | None:
    """What the fix makes of ``src/posts/service.py`` (None: left alone)."""
    write_tree(tmp_path, {**BP_DOMAINS, "src/posts/service.py": service})
    plan = plan_fixes(CheckOptions(paths=(tmp_path,), select=("IMP003",), use_cache=False))
    assert plan.result.diagnostics, "the case must have a finding to fix"
    changed = {f.path.name: f.after.decode() for f in plan.files}
    return changed.get("service.py")


def test_diff_prints_the_change_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_fixture("best-practices/violating", tmp_path, monkeypatch)
    before = snapshot(root)
    result = invoke(".", "--diff")
    assert result.exit_code == 1  # the findings are all still there
    assert snapshot(root) == before
    assert result.stdout.startswith("--- a/src/tasks/router.py\n+++ b/src/tasks/router.py\n")
    removed = [
        line for line in result.stdout.splitlines() if line.startswith("-") and not line.startswith("---")
    ]
    added = [
        line for line in result.stdout.splitlines() if line.startswith("+") and not line.startswith("+++")
    ]
    assert removed[0] == "-from src.projects.dependencies import ProjectMember  # expect: IMP003"
    assert added[0] == "+from src.projects import dependencies as projects_dependencies  # expect: IMP003"
    assert len(removed) == len(added) == 8  # the import and the seven uses
    assert all("projects_dependencies.ProjectMember" in line for line in added[1:])
    assert "Would fix 1 finding in 1 file" in stderr_of(result)


def test_fix_rewrites_once_and_reports_what_remains(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_fixture("layered-v1/violating", tmp_path, monkeypatch)
    router = root / "backend/src/v1/todos/dependencies.py"
    os.chmod(router, 0o640)
    result = invoke(".", "--fix", "--format", "concise")
    assert result.exit_code == 1  # other findings remain
    assert "IMP003" not in result.stdout and "LOG001" not in result.stdout
    assert "SUP001" not in result.stdout
    assert "LAY005" in result.stdout
    err = stderr_of(result)
    assert (
        "fixed backend/src/v1/todos/tasks.py: renamed the logger 'todo-reminders' to 'src.v1.todos.tasks'"
        in err
    )
    assert "Fixed 3 findings in 3 files" in err
    assert "    for todo in todos:\n" in (root / "backend/src/v1/todos/router.py").read_text()
    tasks = (root / "backend/src/v1/todos/tasks.py").read_text()
    assert 'logger = get_logger("src.v1.todos.tasks")  # expect: LOG001\n' in tasks
    text = router.read_text()
    assert "from src.v1.users import dependencies as users_dependencies  # expect: IMP003\n" in text
    assert "    user: users_dependencies.CurrentUser,\n" in text
    assert stat.S_IMODE(router.stat().st_mode) == 0o640  # the file's mode survives the rewrite
    assert not list(root.rglob("*.archlint-fix"))  # no temporary file left behind
    after = snapshot(root)
    again = invoke(".", "--fix", "--format", "concise")
    assert "Fixed 0 findings in 0 files" in stderr_of(again)
    assert snapshot(root) == after
    assert again.stdout == result.stdout


def test_fix_exits_zero_when_nothing_remains(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(
        tmp_path,
        {**BP_DOMAINS, "src/posts/service.py": "from src.auth.constants import SECRET\n\nKEY = SECRET\n"},
    )
    assert invoke(".", "--select", "IMP003").exit_code == 1
    result = invoke(".", "--select", "IMP003", "--fix")
    assert result.exit_code == 0, result.stdout
    assert (tmp_path / "src/posts/service.py").read_text() == (
        "from src.auth import constants as auth_constants\n\nKEY = auth_constants.SECRET\n"
    )


def test_a_file_changed_since_it_was_read_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    service = "from src.auth.constants import SECRET\n\nKEY = SECRET\n"
    write_tree(tmp_path, {**BP_DOMAINS, "src/posts/service.py": service})
    options = CheckOptions(paths=(tmp_path,), select=("IMP003",), use_cache=False)
    plan = plan_fixes(options)
    assert [f.path.name for f in plan.files] == ["service.py"]
    edited = service + "EXTRA = 1\n"
    (tmp_path / "src/posts/service.py").write_text(edited)  # a colleague's editor saves meanwhile
    outcome = fix(options, plan)
    assert outcome.written == ()
    assert outcome.skipped == ("src/posts/service.py: not fixed: it changed on disk since archlint read it",)
    assert (tmp_path / "src/posts/service.py").read_text() == edited
    assert [d.code for d in outcome.result.diagnostics] == ["IMP003"]


def test_fixes_of_one_module_are_applied_together(tmp_path: Path) -> None:
    after = planned_service(
        tmp_path,
        "from src.auth.constants import ErrorCode\nfrom src.auth.constants import SECRET as KEY\n\n\n"
        "def check(token: str) -> int:\n    def inner(ErrorCode: int) -> int:\n        return ErrorCode\n\n"
        "    return ErrorCode.AUTH if token != KEY else inner(0)\n",
    )
    assert after == (
        "from src.auth import constants as auth_constants\n\n\n"
        "def check(token: str) -> int:\n    def inner(ErrorCode: int) -> int:\n        return ErrorCode\n\n"
        "    return auth_constants.ErrorCode.AUTH if token != auth_constants.SECRET else inner(0)\n"
    )


def test_an_existing_module_alias_is_reused(tmp_path: Path) -> None:
    after = planned_service(
        tmp_path,
        "from src.auth import constants as auth_constants\nfrom src.auth.constants import SECRET\n\n"
        "KEY = (SECRET, auth_constants.ErrorCode)\n",
    )
    assert (
        after == "from src.auth import constants as auth_constants\n\n"
        "KEY = (auth_constants.SECRET, auth_constants.ErrorCode)\n"
    )


@pytest.mark.parametrize(
    "service",
    [
        # The name is bound again elsewhere.
        "from src.auth.constants import SECRET\n\nif True:\n    SECRET = 'y'\n",
        # A use inside a string annotation.
        "from src.auth.constants import ErrorCode\n\n\ndef f(code: 'ErrorCode') -> None: ...\n",
        # Re-exported through __all__.
        "from src.auth.constants import SECRET\n\n__all__ = ['SECRET']\n",
        # The alias is taken by something else.
        "from src.auth.constants import SECRET\n\nauth_constants = {}\nKEY = SECRET\n",
        # A star import makes every name's origin uncertain.
        "from src.auth.constants import SECRET\nfrom os.path import *\n\nKEY = SECRET\n",
        # An import inside a function.
        "def f() -> str:\n    from src.auth.constants import SECRET\n    return SECRET\n",
        # A comment inside the statement would be lost.
        "from src.auth.constants import (  # the signing key\n    SECRET,\n)\n\nKEY = SECRET\n",
        # A global statement rebinds it from a function.
        "from src.auth.constants import SECRET\n\n\n"
        "def rotate() -> None:\n    global SECRET\n    SECRET = 'z'\n",
    ],
    ids=["rebound", "string-annotation", "all", "alias-taken", "star-import", "lazy", "comment", "global"],
)
def test_ambiguous_imports_are_left_for_a_person(tmp_path: Path, service: str) -> None:
    assert planned_service(tmp_path, service) is None


def test_suppressed_and_unselected_findings_are_not_fixed(tmp_path: Path) -> None:
    service = "from src.auth.constants import SECRET  # archlint: ignore[IMP003]\n\nKEY = SECRET\n"
    write_tree(tmp_path, {**BP_DOMAINS, "src/posts/service.py": service})
    plan = plan_fixes(CheckOptions(paths=(tmp_path,), use_cache=False))
    assert plan.files == ()
    (tmp_path / "src/posts/service.py").write_text("from src.auth.constants import SECRET\n\nKEY = SECRET\n")
    plan = plan_fixes(CheckOptions(paths=(tmp_path,), ignore=("IMP003",), use_cache=False))
    assert plan.files == ()


def test_diff_and_fix_refuse_update_baseline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_fixture("best-practices/violating", tmp_path, monkeypatch)
    result = invoke(".", "--fix", "--update-baseline", "--baseline", "b.json")
    assert result.exit_code == 2
    assert "cannot be combined with --update-baseline" in stderr_of(result)


def test_a_fixer_can_remove_a_comment_trailing_or_alone_on_its_line() -> None:
    """The edit SUP001's fixer needs: an unused suppression comment goes, code stays."""
    import libcst as cst

    from archlint.core import ModuleInfo, ProjectTree
    from archlint.layouts import PRESETS
    from archlint.rules.fixes import FixTarget

    source = b"x = 1  # archlint: ignore[RTR003]\n# archlint: ignore[RTR001]\ny = '#'\n"
    info = ModuleInfo(path="m.py", module="m")
    tree = ProjectTree(PRESETS["layered-v1"], ".", (info,), (), ())
    target = FixTarget(info, source, cst.parse_module(source), tree, {})
    trailing, alone = target.comment_at(1), target.comment_at(2)
    assert trailing is not None and alone is not None and target.comment_at(3) is None
    for comment, expected in (
        (trailing, b"x = 1\n# archlint: ignore[RTR001]\ny = '#'\n"),
        (alone, b"x = 1  # archlint: ignore[RTR003]\ny = '#'\n"),
    ):
        edit = target.remove_comment(comment)
        assert source[: edit.start] + edit.text.encode() + source[edit.end :] == expected


@pytest.mark.parametrize(
    ("written", "fixed"),
    [
        # Every code unused: the comment goes; a trailing one leaves the code as it was.
        ("x = 1  # archlint: ignore[RTR001]\n", "x = 1\n"),
        # A misspelt code goes with the unused one; another comment on the line stays.
        ("x = 1  # noqa: E501  # archlint: ignore[RTR03, SVC001]\n", "x = 1  # noqa: E501\n"),
    ],
)
def test_fix_removes_unused_suppressions(tmp_path: Path, written: str, fixed: str) -> None:
    write_tree(tmp_path, {**BP_DOMAINS, "src/posts/service.py": written})
    plan = plan_fixes(CheckOptions(paths=(tmp_path,), select=("SUP001", "SVC001", "RTR001"), use_cache=False))
    assert [d.code for d in plan.result.diagnostics] == ["SUP001"]
    assert {f.path.name: f.after.decode() for f in plan.files} == {"service.py": fixed}


def test_fix_keeps_the_codes_a_suppression_still_needs(tmp_path: Path) -> None:
    router = (
        "from fastapi import APIRouter\nfrom sqlalchemy import select\n\nrouter = APIRouter()\n\n\n"
        "@router.get('/')\nasync def items(session):\n"
        "    return await session.execute(select(1))  # archlint: ignore[RTR002, RTR001] -- legacy\n"
    )
    write_tree(tmp_path, {**BP_DOMAINS, "src/posts/router.py": router})
    plan = plan_fixes(CheckOptions(paths=(tmp_path,), select=("SUP001", "RTR001", "RTR002"), use_cache=False))
    assert [d.code for d in plan.result.diagnostics] == ["SUP001"]
    (changed,) = plan.files
    assert changed.after.decode().endswith("select(1))  # archlint: ignore[RTR001] -- legacy\n")
