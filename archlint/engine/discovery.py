"""Discovery: the project's Python files, with excludes and migrations pruned, and their bytes.

Nothing is skipped without a word: folders that cannot be listed and links leading out of the
project are returned with the files (``discover_all``), for the run to report.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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


@dataclass(frozen=True, slots=True)
class Discovery:
    """What discovery found under a project root.

    ``files`` are the Python files to lint (sorted POSIX paths relative to the root);
    ``unreadable_folders`` the folders it could not list (``"."`` for the root itself) with
    the error, so a run never passes a tree it could only partly read; ``outside_links`` the
    symbolic links (to a Python file or a folder) it skipped because they lead out of the
    project, whose files are not the project's to lint or to show.
    """

    files: list[str]
    unreadable_folders: Mapping[str, OSError] = field(default_factory=dict)
    outside_links: tuple[str, ...] = ()


def discover(root: Path, excludes: Sequence[str]) -> list[str]:
    """Python files under ``root`` as sorted POSIX paths relative to it, excludes pruned.

    Alembic migrations are skipped wherever they live: ``alembic/``, ``migrations/``,
    ``revisions/``, and a ``versions/`` folder next to an ``env.py``. See ``discover_all``
    for the folders that could not be read and the links that were skipped.
    """
    return discover_all(root, excludes).files


def _inside(target: str, root: str) -> bool:
    try:
        return os.path.commonpath([target, root]) == root
    except ValueError:  # another drive
        return False


def discover_all(root: Path, excludes: Sequence[str]) -> Discovery:
    """``discover``'s files, plus what it could not read or would not follow.

    Links to folders are never walked (as ``os.walk`` does not); a link to a Python file is
    linted as the project's own when it resolves inside the project, and skipped and listed
    in ``outside_links`` when it resolves outside (or to a folder outside).
    """
    real_root = os.path.realpath(root)
    found: list[str] = []
    unreadable: dict[str, OSError] = {}
    outside: list[str] = []
    pending = [""]
    while pending:
        rel_dir = pending.pop()
        try:
            with os.scandir(os.path.join(root, rel_dir) if rel_dir else root) as listing:
                entries = list(listing)
        except OSError as exc:
            unreadable[rel_dir.rstrip("/") or "."] = exc
            continue
        names: list[tuple[str, bool, bool]] = []  # (name, is a folder, is a link)
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            try:
                is_link = entry.is_symlink()
            except OSError:
                is_link = False
            names.append((entry.name, is_dir, is_link))
        migrations = any(name == "env.py" and not is_dir for name, is_dir, _ in names)
        for name, is_dir, is_link in names:
            rel = rel_dir + name
            if is_dir:
                if (migrations and name == "versions") or excluded(rel, excludes):
                    continue
            elif not name.endswith(".py") or excluded(rel, excludes):
                continue
            if is_link and not _inside(os.path.realpath(os.path.join(root, rel)), real_root):
                outside.append(rel)
            elif is_dir and not is_link:
                pending.append(rel + "/")
            elif not is_dir:
                found.append(rel)
    return Discovery(sorted(found), dict(sorted(unreadable.items())), tuple(sorted(outside)))


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def _read(path: Path) -> bytes:
    """A regular file's bytes; a FIFO or device named ``*.py`` is an error, never a hang."""
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return f.read()


def read_sources(root: Path, files: Sequence[str]) -> tuple[dict[str, bytes], dict[str, OSError]]:
    """Every file's bytes, read once for the whole run; files that cannot be read apart."""
    sources: dict[str, bytes] = {}
    errors: dict[str, OSError] = {}
    for path in files:
        try:
            sources[path] = _read(root / path)
        except OSError as exc:
            errors[path] = exc
    return sources, errors
