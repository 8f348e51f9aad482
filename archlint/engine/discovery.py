"""Discovery: the project's Python files, with excludes and migrations pruned, and their bytes."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from pathlib import Path

DEFAULT_EXCLUDES = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".archlint_cache",
    "site-packages",
    "migrations",
    "alembic",
    "revisions",
)

# The defaults are plain folder names: a set lookup, not a glob match per path component.
_PLAIN_NAMES = frozenset(DEFAULT_EXCLUDES)


def excluded(relpath: str, patterns: Sequence[str]) -> bool:
    parts = relpath.split("/")
    if not _PLAIN_NAMES.isdisjoint(parts):
        return True
    for pattern in patterns:
        if pattern in _PLAIN_NAMES:
            continue
        pattern = pattern.rstrip("/")
        if "/" not in pattern:
            if any(fnmatch.fnmatchcase(p, pattern) for p in parts):
                return True
            continue
        pattern = pattern.removesuffix("/**")
        for i in range(1, len(parts) + 1):
            if fnmatch.fnmatchcase("/".join(parts[:i]), pattern):
                return True
    return False


def discover(root: Path, excludes: Sequence[str]) -> list[str]:
    """Python files under ``root`` as sorted POSIX paths relative to it, excludes pruned.

    Alembic migrations are skipped wherever they live: ``alembic/``, ``migrations/``,
    ``revisions/``, and a ``versions/`` folder next to an ``env.py``.
    """
    found: list[str] = []
    for directory, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(directory, root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        migrations = "env.py" in filenames
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not (migrations and d == "versions") and not excluded(rel_dir + d, excludes)
        )
        found.extend(
            rel_dir + name
            for name in filenames
            if name.endswith(".py") and not excluded(rel_dir + name, excludes)
        )
    return sorted(found)


def read_sources(root: Path, files: Sequence[str]) -> tuple[dict[str, bytes], dict[str, OSError]]:
    """Every file's bytes, read once for the whole run; files that cannot be read apart."""
    sources: dict[str, bytes] = {}
    errors: dict[str, OSError] = {}
    for path in files:
        try:
            sources[path] = (root / path).read_bytes()
        except OSError as exc:
            errors[path] = exc
    return sources, errors
