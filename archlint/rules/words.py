"""Trigger words read from the project's sources: the names under which a project may refer to
its own subclasses of a class a rule looks for (HTTPException, Response)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_CLASS = re.compile(rb"^[ \t]*class[ \t]+(\w+)[ \t]*\(([^)]*)\)", re.MULTILINE)
_ALIAS = re.compile(rb"^(\w+)[ \t]*(?::[^=\n]*)?=[ \t]*([\w.]+)[ \t]*(?:#.*)?$", re.MULTILINE)
_WORD = re.compile(rb"\w+")
_IMPORTED = re.compile(rb"\bimport[ \t]+(\([^)]*\)|[^\n]*)")
_AS = re.compile(rb"(\w+)\s+as\s+(\w+)")


def subclass_words(sources: Sequence[bytes], roots: Iterable[str]) -> frozenset[str]:
    """The short names of every class (module-level alias, import alias) in ``sources`` that
    may derive from one of ``roots`` (qualified names), matched by name alone: a superset of
    the real subclasses, which only the project phase can tell apart. Only the files that
    mention a name found so far are read, round by round."""
    found = {root.rsplit(".", 1)[-1].encode() for root in roots}
    edges: dict[int, list[tuple[bytes, bytes]]] = {}  # file -> (base, derived) pairs
    frontier = set(found)
    while frontier:
        for index, source in enumerate(sources):
            if index not in edges and any(word in source for word in frontier):
                edges[index] = _derivations(source)
        frontier = set()
        for pairs in edges.values():
            for base, name in pairs:
                if base in found and name not in found:
                    found.add(name)
                    frontier.add(name)
    return frozenset(name.decode() for name in found)


def _derivations(source: bytes) -> list[tuple[bytes, bytes]]:
    """(base, derived) name pairs: ``class D(B)``, ``D = m.B``, ``import B as D``."""
    pairs = [(base, m.group(1)) for m in _CLASS.finditer(source) for base in _WORD.findall(m.group(2))]
    pairs.extend((m.group(2).rsplit(b".", 1)[-1], m.group(1)) for m in _ALIAS.finditer(source))
    for imported in _IMPORTED.finditer(source):
        pairs.extend((name, alias) for name, alias in _AS.findall(imported.group(1)))
    return pairs
