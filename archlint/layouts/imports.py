"""The import root: where the project's own absolute imports start, and module names from it.

``from src.orders import service`` in a tree holding ``backend/src/orders/`` means the project
runs with ``backend/`` on ``sys.path``, so ``backend/src/orders/service.py`` is the module
``src.orders.service``, whichever folder archlint was pointed at. Found from the sources with
a cheap scan of import lines (no parse), before any file is analysed.
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

# ``from a.b.c import x`` and ``import a.b.c``: the first two names are all that is needed.
# Each pattern starts with a literal, which the regex engine finds fast; that the keyword
# starts its line (after indentation) is checked by hand, cheaper than a ``^`` per line.
_FROM = re.compile(rb"from[ \t]+([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?[\w.]*[ \t]+import\b")
_IMPORT = re.compile(rb"import[ \t]+([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?")
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))


def imported_heads(source: bytes) -> Counter[tuple[str, str]]:
    """(top-level name, second name or "") of every absolute import in ``source``."""
    heads: Counter[tuple[str, str]] = Counter()
    for pattern in (_FROM, _IMPORT):
        for match in pattern.finditer(source):
            start = match.start()
            line = source.rfind(b"\n", 0, start) + 1
            if line != start and source[line:start].strip(b" \t"):
                continue  # not a statement: ``import`` inside ``from x import y``, or prose
            heads[(match.group(1).decode(), (match.group(2) or b"").decode())] += 1
    return heads


def find_import_roots(files: Sequence[str], sources: Mapping[str, bytes]) -> tuple[str, ...]:
    """Folders (relative to the project root, ``.`` for the root itself) that the project's
    absolute imports start from: for each top-level name the project imports and holds as a
    package or module, the parent of the copy its imports fit best."""
    heads: Counter[tuple[str, str]] = Counter()
    for path in files:
        source = sources.get(path)
        if source:
            heads.update(imported_heads(source))
    # Every package folder and module of the tree, by name, with the names of its children.
    places: dict[str, set[str]] = defaultdict(set)
    children: dict[str, set[str]] = defaultdict(set)
    for path in files:
        parts = path.split("/")
        for i, part in enumerate(parts):
            folder = "/".join(parts[:i])
            name = part.removesuffix(".py") if i == len(parts) - 1 else part
            children[folder].add(name)
            places[name].add(posixpath.join(folder, name) if folder else name)
    wanted: dict[str, Counter[str]] = defaultdict(Counter)
    for (top, second), count in heads.items():
        if top in places and top not in _STDLIB:
            wanted[top][second] += count
    packages = {place for place in children if place}
    # Every copy of an imported name the imports fit, shallowest first: a package inside one
    # already taken (``polar/integrations/github/`` under ``polar/``) is the project's own
    # sub-package, not a second root, however often ``import github`` appears.
    candidates: list[tuple[int, int, str, bool]] = []
    for top, seconds in wanted.items():
        for place in places[top]:
            fit = sum(n for second, n in seconds.items() if not second or second in children[place])
            if fit:
                candidates.append((place.count("/"), -fit, place, place in packages))
    taken: list[str] = []
    roots: set[str] = set()
    for _, _, place, is_package in sorted(candidates):
        if any(place == t or place.startswith(t + "/") for t in taken):
            continue
        parent = posixpath.dirname(place) or "."
        if not is_package and roots and parent not in roots:
            # A bare module (``from config import x``) only counts next to a package root, so
            # ``import redis`` does not make ``core/`` a root because of ``core/redis.py``.
            continue
        if is_package:
            taken.append(place)
        roots.add(parent)
    return tuple(sorted(roots))


def root_of(path: str, roots: Sequence[str]) -> str | None:
    """The deepest import root holding ``path``."""
    best: str | None = None
    for root in roots:
        if (root == "." or path.startswith(root + "/")) and (
            best is None or best == "." or len(root) > len(best)
        ):
            best = root
    return best


def dotted(parts: Sequence[str]) -> tuple[str, bool]:
    """The dotted module name of a file at ``parts``, and whether it is a package."""
    last = parts[-1]
    if last == "__init__.py":
        return ".".join(parts[:-1]), True
    return ".".join([*parts[:-1], last.removesuffix(".py")]), False
