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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from archlint.core import Diagnostic, RunResult, inside, make_fingerprint


@dataclass(frozen=True, slots=True)
class Placed:
    """A diagnostic pinned to a file, and the folder it is about when it is a folder finding."""

    diagnostic: Diagnostic
    folder: str | None = None


def pin(diagnostics: Iterable[Diagnostic], files: Sequence[str]) -> list[Placed]:
    """Every diagnostic with a file, a line and a fingerprint."""
    file_set = set(files)
    placed: list[Placed] = []
    for d in diagnostics:
        folder = None
        if d.path not in file_set:
            inner = sorted(f for f in files if inside(f, d.path) is not None)
            if inner:
                folder = d.path
                init = f"{d.path}/__init__.py"
                d = replace(d, path=init if init in file_set else inner[0])
        if d.line is None:
            d = replace(d, line=1, column=1)
        if not d.fingerprint:
            d = replace(d, fingerprint=make_fingerprint(d.code, folder or d.path, d.symbol, d.rule))
        placed.append(Placed(d, folder))
    return placed


def in_scope(placed: Placed, scopes: Sequence[str]) -> bool:
    """Whether the paths named see this finding: its file is named or inside a named folder,
    or, for a folder finding, a named path lies inside that folder."""
    path = placed.diagnostic.path
    for scope in scopes:
        if scope == "" or path == scope or path.startswith(scope + "/"):
            return True
        if placed.folder is not None and (scope == placed.folder or scope.startswith(placed.folder + "/")):
            return True
    return False


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
