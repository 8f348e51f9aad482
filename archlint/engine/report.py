"""The reporting stage: which findings the paths named may see, each pinned to a file and line
and given its fingerprint.

Folder findings (a domain missing a layer, an ad-hoc package) are pinned to the folder's
``__init__.py`` or its first module, line 1, so editors, SARIF and CI annotations can show
them; and they are reported when any file inside that folder is named, as pre-commit names
files, not only when the folder itself is.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from archlint.core import Diagnostic, RunResult, Severity, inside, make_fingerprint


@dataclass(frozen=True, slots=True)
class Placed:
    """A diagnostic pinned to a file, and the folder it is about when it is a folder finding."""

    diagnostic: Diagnostic
    folder: str | None = None


def pinned_file(path: str, files: Sequence[str], file_set: Collection[str]) -> str | None:
    """The file a folder finding about ``path`` is pinned to: the folder's ``__init__.py``, else
    its first module; None when ``path`` is a file or holds none."""
    if path in file_set:
        return None
    init = f"{path}/__init__.py"
    if init in file_set:
        return init
    return min((f for f in files if inside(f, path) is not None), default=None)


def pin(diagnostics: Iterable[Diagnostic], files: Sequence[str]) -> list[Placed]:
    """Every diagnostic with a file, a line and a fingerprint."""
    file_set = set(files)
    placed: list[Placed] = []
    for d in diagnostics:
        folder = None
        target = pinned_file(d.path, files, file_set)
        if target is not None:
            folder = d.path
            d = replace(d, path=target)
        if d.line is None:
            d = replace(d, line=1, column=1)
        if not d.fingerprint:
            d = replace(d, fingerprint=make_fingerprint(d.code, folder or d.path, d.symbol, d.rule))
        placed.append(Placed(d, folder))
    return placed


def covered(path: str, scopes: Sequence[str]) -> bool:
    """Whether ``path`` is one of the paths named or lies in a folder named."""
    return any(path == scope or inside(path, scope) is not None for scope in scopes)


def in_scope(placed: Placed, scopes: Sequence[str]) -> bool:
    """Whether the paths named see this finding: its file is named or inside a named folder,
    or, for a folder finding, a named path lies inside that folder."""
    folder = placed.folder
    return covered(placed.diagnostic.path, scopes) or (
        folder is not None and any(s == folder or inside(s, folder) is not None for s in scopes)
    )


def _rebase(d: Diagnostic, prefix: str) -> Diagnostic:
    return d if prefix == "." else replace(d, path=posixpath.normpath(posixpath.join(prefix, d.path)))


def merge_runs(runs: Sequence[RunResult], cwd: str) -> RunResult:
    """One result for the projects a run touched (pre-commit naming files of several in a
    monorepo): paths re-rooted at the folder holding every project root."""
    if len(runs) == 1:
        return runs[0]
    root = os.path.commonpath([r.project_root for r in runs])
    prefixes = [os.path.relpath(r.project_root, root).replace(os.sep, "/") for r in runs]
    diagnostics = [_rebase(d, p) for r, p in zip(runs, prefixes, strict=True) for d in r.diagnostics]
    suppressed = [
        replace(s, diagnostic=_rebase(s.diagnostic, p))
        for r, p in zip(runs, prefixes, strict=True)
        for s in r.suppressed_diagnostics
    ]
    first = runs[0]
    return replace(
        first,
        diagnostics=tuple(sorted(diagnostics, key=lambda d: d.sort_key)),
        project_root=root,
        files_checked=sum(r.files_checked for r in runs),
        preset=", ".join(dict.fromkeys(r.preset for r in runs)),
        suppressed=sum(r.suppressed for r in runs),
        baselined=sum(r.baselined for r in runs),
        folders={
            f: posixpath.normpath(posixpath.join(p, folder))
            for r, p in zip(runs, prefixes, strict=True)
            for f, folder in r.folders.items()
        },
        places={
            posixpath.normpath(posixpath.join(p, path)): place
            for r, p in zip(runs, prefixes, strict=True)
            for path, place in r.places.items()
        },
        stale_baseline=tuple(s for r in runs for s in r.stale_baseline),
        suppressed_diagnostics=tuple(sorted(suppressed, key=lambda s: s.diagnostic.sort_key)),
        layout_note=" ".join(dict.fromkeys(r.layout_note for r in runs if r.layout_note)),
        cwd_prefix=RunResult.prefix_for(root, cwd),
        notifications=tuple(n for r in runs for n in r.notifications),
        checked_files=tuple(
            sorted(
                posixpath.normpath(posixpath.join(p, f))
                for r, p in zip(runs, prefixes, strict=True)
                for f in r.checked_files
            )
        ),
    )


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    """A path glob as in ruff's per-file-ignores: ``**`` spans folders, ``*`` stays in one;
    a pattern without a ``/`` matches a file or folder name anywhere."""
    pattern = pattern.strip().removeprefix("./").rstrip("/")
    if "/" not in pattern:
        pattern = "**/" + pattern
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + "(?:/.*)?")


def ignored(placed: Placed, per_file_ignores: Mapping[str, Sequence[str]]) -> bool:
    """Whether ``[tool.archlint.per-file-ignores]`` silences this finding: a pattern matching
    its file, or the folder a folder finding is about, listing its code or a prefix of it."""
    return ignored_code(placed.diagnostic.code, placed.diagnostic.path, per_file_ignores, placed.folder)


def ignored_code(
    code: str, path: str, per_file_ignores: Mapping[str, Sequence[str]], folder: str | None = None
) -> bool:
    """Whether per-file-ignores switch ``code`` off for the file at ``path`` (or ``folder``)."""
    for pattern, codes in per_file_ignores.items():
        if not any(c == "ALL" or code.startswith(c) for c in codes):
            continue
        regex = _glob(pattern)
        if regex.fullmatch(path) or (folder is not None and regex.fullmatch(folder)):
            return True
    return False


def as_warning(d: Diagnostic, warn: Sequence[str]) -> Diagnostic:
    """The finding as a warning when its code is among ``warn`` (codes or prefixes)."""
    if any(w == "ALL" or d.code.startswith(w) for w in warn):
        return replace(d, severity=Severity.WARNING)
    return d
