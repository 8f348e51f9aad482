"""The baseline: findings a team accepted when adopting archlint, recorded by fingerprint.

An entry is a fingerprint (code, path, enclosing symbol, normalised offending source; never a
line number) with a count, so moving code or adding lines above leaves it matched, while a
second identical violation in the same function is new. Updating only ever drops fixed
entries (the baseline shrinks by itself) unless new findings are added explicitly.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from archlint.core import Diagnostic, UsageError

VERSION = 1


@dataclass(frozen=True, slots=True)
class Entry:
    fingerprint: str
    code: str
    path: str
    symbol: str
    count: int
    message: str


def load(path: Path) -> list[Entry]:
    """The entries of a baseline file; a missing file is an empty baseline."""
    if not path.exists():
        return []
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return [
            Entry(
                fingerprint=str(e["fingerprint"]),
                code=str(e["code"]),
                path=str(e["path"]),
                symbol=str(e.get("symbol", "")),
                count=int(e.get("count", 1)),
                message=str(e.get("message", "")),
            )
            for e in document["entries"]
        ]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        problem = f"{path}: not an archlint baseline ({exc}); regenerate it with --update-baseline"
        raise UsageError(problem) from None


@dataclass(frozen=True, slots=True)
class Applied:
    """What the baseline hid, and which of its entries no longer match anything (fixed)."""

    kept: tuple[Diagnostic, ...]
    hidden: int
    stale: tuple[Entry, ...]


def apply(diagnostics: Sequence[Diagnostic], entries: Iterable[Entry], scope: set[str]) -> Applied:
    """Hide each finding while its fingerprint has count left; entries for files in ``scope``
    left unmatched are stale (fixed since the baseline was written)."""
    left: Counter[str] = Counter()
    by_fingerprint: dict[str, Entry] = {}
    for entry in entries:
        left[entry.fingerprint] += entry.count
        by_fingerprint[entry.fingerprint] = entry
    kept: list[Diagnostic] = []
    hidden = 0
    for d in diagnostics:
        if left[d.fingerprint] > 0:
            left[d.fingerprint] -= 1
            hidden += 1
        else:
            kept.append(d)
    stale = tuple(e for f, e in sorted(by_fingerprint.items()) if left[f] > 0 and e.path in scope)
    return Applied(tuple(kept), hidden, stale)


def updated(
    entries: Sequence[Entry], diagnostics: Sequence[Diagnostic], scope: set[str], *, add: bool
) -> list[Entry]:
    """The new baseline: entries for files outside ``scope`` unchanged; inside it, each
    fingerprint's count capped at today's (fixed ones drop), and with ``add`` today's new
    findings recorded too."""
    current: Counter[str] = Counter(d.fingerprint for d in diagnostics)
    first = {d.fingerprint: d for d in reversed(diagnostics)}
    result: dict[str, Entry] = {}
    for entry in entries:
        if entry.path not in scope:
            result[entry.fingerprint] = entry
            continue
        count = min(entry.count, current[entry.fingerprint])
        if count:
            result[entry.fingerprint] = replace(entry, count=count)
    if add:
        for fingerprint, count in current.items():
            d = first[fingerprint]
            result[fingerprint] = Entry(fingerprint, d.code, d.path, d.symbol, count, d.message)
    return sorted(result.values(), key=lambda e: (e.path, e.code, e.symbol, e.fingerprint))


def _fields(entry: Entry) -> dict[str, object]:
    return {name: getattr(entry, name) for name in Entry.__slots__}


def write(path: Path, entries: Sequence[Entry]) -> None:
    """Write the baseline atomically (a temp file renamed over it), as sorted, stable JSON."""
    document = {
        "version": VERSION,
        "tool": "archlint",
        "entries": [_fields(e) for e in entries],
    }
    text = json.dumps(document, indent=2, sort_keys=False) + "\n"
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise UsageError(f"{path}: the baseline must be a regular file")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
