"""The pre-commit hook works for real: pre-commit installs archlint from this repository and
runs it on the files of a commit, reporting only those files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "fixtures" / "layered-v1" / "violating"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pre_commit_hook_reports_only_the_passed_files(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".archlint_cache"))
    git = ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=project, check=True)
    changed = ["backend/src/v1/projects/service.py", "backend/src/v1/users/schemas.py"]
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "archlint", "--files", *changed],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"},
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "backend/src/v1/projects/service.py" in output
    assert "SVC001" in output
    assert "router.py" not in output  # findings elsewhere in the project are not reported
    assert "Traceback" not in output
