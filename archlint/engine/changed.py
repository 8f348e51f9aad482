"""``--diff-base REV``: the Python files changed since a git revision, untracked ones included."""

from __future__ import annotations

import subprocess
from pathlib import Path

from archlint.core import UsageError


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"--diff-base needs git: {exc}") from None
    if done.returncode != 0:
        problem = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "git failed"
        raise UsageError(f"--diff-base: {problem}")
    return done.stdout


def changed_files(start: Path, rev: str) -> tuple[Path, ...]:
    """Python files under the git work tree holding ``start`` that differ from ``rev`` (added,
    copied, modified, renamed) or are untracked and not ignored; deleted files are gone."""
    folder = start if start.is_dir() else start.parent
    top = Path(_git(["rev-parse", "--show-toplevel"], folder).strip())
    diffed = _git(["diff", "--name-only", "--diff-filter=ACMR", rev, "--", "*.py"], top)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "--", "*.py"], top)
    names = sorted({line for line in (*diffed.splitlines(), *untracked.splitlines()) if line})
    return tuple(top / name for name in names if (top / name).is_file())
