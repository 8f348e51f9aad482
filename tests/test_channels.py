"""Every channel sees what it should: paths that open from where archlint runs, folder
findings for named files, --diff-base, several formats in one run, pre-commit in a monorepo."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archlint.cli import app
from archlint.engine import CheckOptions, check

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
CONCISE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]{3}\d{3}) ")
runner = CliRunner()
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
GIT = ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", "-c", "commit.gpgsign=false"]


def _copy(fixture: str, into: Path) -> Path:
    shutil.copytree(FIXTURES / fixture, into, ignore=shutil.ignore_patterns(".archlint_cache"))
    return into


def _git(repo: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True)


def _concise(*args: str) -> list[re.Match[str]]:
    result = runner.invoke(app, ["check", *args, "--format", "concise", "--no-cache"])
    assert result.exit_code in (0, 1), result.output
    matches = [CONCISE.match(line) for line in result.stdout.splitlines()]
    assert all(matches), result.stdout
    return [m for m in matches if m is not None]


@pytest.mark.parametrize("where", [".", "backend", "backend/src/v1/todos"])
def test_every_printed_path_opens_from_where_archlint_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    project = _copy("layered-v1/layout-drift", tmp_path / "repo")
    monkeypatch.chdir(project / where)
    target = os.path.relpath(project, project / where)
    found = _concise(target)
    assert {m["code"] for m in found} >= {"LAY001", "LAY002", "LAY003", "SYN001"}
    for match in found:
        assert Path(match["path"]).is_file(), match.group(0)


def test_a_named_file_sees_the_findings_about_its_folder(tmp_path: Path) -> None:
    project = _copy("layered-v1/layout-drift", tmp_path / "repo")
    (project / "backend/src/v1/projects/service.py").unlink()
    controller = project / "backend/src/controllers/todos.py"
    router = project / "backend/src/v1/projects/router.py"
    result = check(CheckOptions(paths=(controller, router), use_cache=False))
    folder_findings = {(d.code, d.path, d.line) for d in result.diagnostics if d.code.startswith("LAY")}
    assert folder_findings == {
        ("LAY003", "backend/src/controllers/__init__.py", 1),  # the package, pinned to its init
        ("LAY002", "backend/src/v1/projects/__init__.py", 1),  # service.py was deleted
    }
    assert all(
        d.path.startswith(("backend/src/controllers/", "backend/src/v1/projects/"))
        for d in result.diagnostics
    )


def test_several_formats_in_one_run(tmp_path: Path) -> None:
    project = FIXTURES / "shapes" / "template" / "violating"
    report = tmp_path / "report.json"
    result = runner.invoke(
        app, ["check", str(project), "--format", "concise", "--format", f"json:{report}", "--no-cache"]
    )
    assert result.exit_code == 1, result.output
    printed = [line for line in result.stdout.splitlines() if line]
    written = json.loads(report.read_text())["diagnostics"]
    assert len(printed) == len(written) == 8
    two_on_terminal = runner.invoke(app, ["check", str(project), "--format", "text", "--format", "json"])
    assert two_on_terminal.exit_code == 2
    assert "more than one --format prints to the terminal" in two_on_terminal.output


@needs_git
def test_diff_base_reports_changed_files_and_catches_a_cross_file_violation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _copy("shapes/shop-server/clean", tmp_path / "repo")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "init")
    service = repo / "server/shop/products/service.py"
    text = service.read_text()
    # NotFoundError subclasses HTTPException through ShopHTTPError, in core/errors.py, which
    # this change does not touch: the project phase must still see it.
    text = text.replace(
        'raise EntityNotFound(f"No product {product_id}")', 'raise NotFoundError(f"No product {product_id}")'
    )
    text = text.replace("from shop.core.errors import ", "from shop.core.errors import NotFoundError, ", 1)
    service.write_text(text)
    (repo / "server/shop/products/untracked.py").write_text("X = 1\n")
    monkeypatch.chdir(repo)
    result = check(CheckOptions(paths=(Path("."),), diff_base="HEAD", use_cache=False))
    assert [(d.code, d.path) for d in result.diagnostics] == [("SVC001", "server/shop/products/service.py")]
    assert set(result.checked_files) == {
        "server/shop/products/service.py",
        "server/shop/products/untracked.py",
    }
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "change")
    unchanged = check(CheckOptions(paths=(Path("."),), diff_base="HEAD", use_cache=False))
    assert unchanged.diagnostics == ()
    assert "nothing to check" in unchanged.layout_note


def test_files_of_several_projects_are_each_read_in_their_own_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    _copy("shapes/template/violating", repo / "backend")
    (repo / "tools").mkdir()
    (repo / "tools" / "release.py").write_text("print('release')\n")
    (repo / ".git").mkdir()
    monkeypatch.chdir(repo)
    crud = Path("backend/backend/app/crud.py")
    result = check(CheckOptions(paths=(crud, Path("tools/release.py")), use_cache=False))
    # backend/ has its own pyproject.toml; tools/release.py belongs to the repository, which
    # has no layer: its project is read on its own, without an "outside the project" error.
    assert [(d.code, d.path) for d in result.diagnostics] == [
        ("REP001", "backend/backend/app/crud.py"),
        ("IMP001", "backend/backend/app/crud.py"),
    ]
    assert result.display_path(result.diagnostics[0].path) == str(crud)


@needs_git
def test_pre_commit_in_a_monorepo_reports_the_staged_files(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    repo = tmp_path / "repo"
    # The backend lives in backend/ with its own pyproject.toml (a declared layered-v1).
    _copy("layered-v1/clean", repo / "backend")
    (repo / "README.md").write_text("monorepo\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "init")
    todos = repo / "backend/backend/src/v1/todos"

    def hook(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "archlint", "--files", *files],
            cwd=repo,
            capture_output=True,
            text=True,
            env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"},
            timeout=600,
        )

    clean = hook("backend/backend/src/v1/todos/service.py", "README.md")
    assert clean.returncode == 0, clean.stdout + clean.stderr

    repository = todos / "repository.py"
    flush, commit = "await self.session.flush()", "await self.session.commit()"
    repository.write_text(repository.read_text().replace(flush, commit, 1))
    violating = hook("backend/backend/src/v1/todos/repository.py")
    output = violating.stdout + violating.stderr
    assert violating.returncode == 1, output
    assert "backend/backend/src/v1/todos/repository.py" in output, output  # opens from the root
    assert re.search(r"59:\d+ REP001", output), output
    repository.write_text(repository.read_text().replace(commit, flush, 1))

    (todos / "service.py").unlink()
    missing = hook("backend/backend/src/v1/todos/router.py")
    output = missing.stdout + missing.stderr
    assert missing.returncode == 1, output
    assert "backend/backend/src/v1/todos/__init__.py" in output, output
    assert "1:1 LAY002" in output and "'service.py'" in output, output
