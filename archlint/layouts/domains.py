"""Which folders are domains: by the layout's globs when declared, by the tree's shape otherwise."""

from __future__ import annotations

import fnmatch
import posixpath
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from archlint.core import DEFINING_ROLES, SHARED_NAMES, Layout, Role, is_test_path

# Under a declared ``*`` a folder holding any of these by the layout's own names is a domain
# (an integration package holding a ``client.py`` included); config.py or utils.py alone are
# what infrastructure packages hold.
_GLOB_DEFINING = DEFINING_ROLES | {Role.MODELS, Role.SCHEMAS, Role.CLIENT}

# Folders whose children are domains by name, even when there is only one of them.
CONTAINERS = frozenset(
    {"v1", "v2", "v3", "routers", "domains", "domain", "modules", "features", "apps", "contexts"}
)

# Roles that say nothing about a folder being a feature: every package may hold them.
_NEUTRAL = frozenset({Role.TESTS, Role.SHARED, Role.OTHER})


class FolderIndex:
    """Every folder of the tree with its direct children (``x.py`` or ``pkg/``); test code and
    hidden or private folders left out."""

    def __init__(self, files: Iterable[str]) -> None:
        self._roles: dict[tuple[int, str], set[Role]] = {}
        self.children: dict[str, set[str]] = defaultdict(set)
        folders: set[str] = set()
        for path in files:
            folder, _, name = path.rpartition("/")
            if folder not in folders and is_test_path(path.split("/")):
                continue
            if name.startswith("test_") or name == "conftest.py" or name.endswith("_test.py"):
                continue
            self.children[folder].add(name)
            folders.add(folder)
        # Each folder's own ancestors once, rather than every component of every file.
        for folder in sorted(folders):
            while folder:
                parent, _, name = folder.rpartition("/")
                kids = self.children[parent]
                if name + "/" in kids:
                    break
                kids.add(name + "/")
                folder = parent

    def reads_alike(self, layout: Layout, other: Layout) -> bool:
        """Whether both layouts give every name in the tree the same role."""
        names = {child for kids in self.children.values() for child in kids}
        return all(
            (a[0] if (a := layout.match_child(n)) else None)
            == (b[0] if (b := other.match_child(n)) else None)
            for n in names
        )

    def folders(self) -> list[str]:
        return sorted(f for f in self.children if f)

    def roles(self, folder: str, layout: Layout) -> set[Role]:
        """The roles the direct children of ``folder`` play by name."""
        key = (id(layout), folder)
        if key in self._roles:
            return self._roles[key]
        roles: set[Role] = set()
        for child in self.children.get(folder, ()):
            found = layout.match_child(child)
            if found is not None:
                roles.add(found[0])
        self._roles[key] = roles - _NEUTRAL
        return self._roles[key]


def _basename(folder: str) -> str:
    return folder.rsplit("/", 1)[-1]


def _role_named(folder: str, layout: Layout) -> bool:
    found = layout.match_child(_basename(folder) + "/")
    return found is not None and found[0] is not Role.TESTS


def _hidden(folder: str) -> bool:
    return any(p.startswith((".", "_")) for p in folder.split("/"))


def _is_candidate(index: FolderIndex, folder: str, layout: Layout) -> bool:
    """A folder holding a router, service or data-layer module next to another layer's.

    A folder named for a layer (``services/``, ``api/``) is that layer's package, unless it
    holds another layer's router, service or data-layer module: ``service/`` holding
    ``views.py``, ``service.py`` and ``models.py`` is a domain named "service".
    """
    if _hidden(folder) or _basename(folder) in SHARED_NAMES:
        return False
    roles = index.roles(folder, layout)
    own = layout.match_child(_basename(folder) + "/")
    if own is not None and own[0] is Role.TESTS:
        return False
    others = roles & DEFINING_ROLES - ({own[0]} if own is not None else set())
    return bool(others) and len(roles) >= 2


def detect_domains(index: FolderIndex, layout: Layout) -> tuple[str, ...]:
    """Domains from the shape of the tree: folders holding layer modules side by side, among
    siblings (or cousins) that do the same; a candidate inside a domain is a sub-domain, and a
    sibling of domains holding any router, service or data-layer module is one too.

    A lone candidate with no such relatives is a technically layered package (``app/`` with
    ``api/``, ``services/``, ``crud.py``): no domain, its files take their roles by name.
    """
    candidates = [f for f in index.folders() if _is_candidate(index, f, layout)]
    candidate_set = set(candidates)
    parents = Counter(posixpath.dirname(c) for c in candidates)
    grandparents = Counter(
        posixpath.dirname(posixpath.dirname(c))
        for c in candidates
        if posixpath.dirname(c) not in candidate_set
    )
    domains: set[str] = set()
    for candidate in candidates:
        parent = posixpath.dirname(candidate)
        if (
            parents[parent] >= 2
            or _basename(parent) in CONTAINERS
            or (parent not in candidate_set and grandparents[posixpath.dirname(parent)] >= 2)
        ):
            domains.add(candidate)
    for candidate in candidates:
        folder = candidate
        while "/" in folder:
            folder = folder.rsplit("/", 1)[0]
            if folder in domains:
                domains.add(candidate)
                break
    containers = Counter(posixpath.dirname(d) for d in domains)
    for container, count in containers.items():
        if count < 2:
            continue
        for child in index.children.get(container, ()):
            folder = posixpath.join(container, child[:-1]) if container else child[:-1]
            if not child.endswith("/") or folder in domains or _hidden(folder):
                continue
            if _basename(folder) in SHARED_NAMES:
                continue
            if not _role_named(folder, layout) and index.roles(folder, layout) & DEFINING_ROLES:
                domains.add(folder)
    return tuple(sorted(domains))


def _glob_match(parts: Sequence[str], pattern: Sequence[str]) -> bool:
    """Folder ``parts`` against glob segments, ``**`` standing for any number of folders."""
    if not pattern:
        return not parts
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_glob_match(parts[i:], rest) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], head) and _glob_match(parts[1:], rest)


def glob_domains(index: FolderIndex, layout: Layout, source_root: str) -> tuple[str, ...]:
    """Domains of a declared layout: folders under the source root matching its globs.

    A pattern starting with a wildcard (``*``, ``**``) only takes folders that hold a router,
    service or data-layer module, so infrastructure packages next to the domains stay shared.
    """
    shared = {name.rstrip("/") for name in layout.shared}
    prefix = "" if source_root == "." else source_root + "/"
    domains: set[str] = set()
    for pattern in layout.domains:
        pattern = pattern.strip("/")
        if pattern in (".", ""):
            # The source root itself is the one domain: a layout layered by technical concern.
            domains.add(source_root)
            continue
        segments = pattern.split("/")
        bare = any(ch in segments[0] for ch in "*?[")
        for folder in index.folders():
            if prefix and not folder.startswith(prefix):
                continue
            rel = folder[len(prefix) :]
            parts = rel.split("/")
            if rel in shared or (bare and parts[0] in shared) or _hidden(rel):
                continue
            if not _glob_match(parts, segments):
                continue
            if bare and not (
                index.roles(folder, layout) & DEFINING_ROLES
                or any(layout.role_of_child(c) in _GLOB_DEFINING for c in index.children[folder])
            ):
                continue
            domains.add(folder)
    return tuple(sorted(domains))
