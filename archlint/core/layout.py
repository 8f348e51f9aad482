"""The Layout model: where domains live and which names play which layer role."""

from __future__ import annotations

import enum
import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from archlint.core.model import ModuleInfo, Role
from archlint.core.vocabulary import is_test_path, stem_of, vocabulary_match


class LayoutMode(str, enum.Enum):
    """How the layout was arrived at, which decides what the layout rules may say."""

    DECLARED = "declared"  # a preset named in config or on the command line: canonical names
    DETECTED = "detected"  # a preset recognised in the tree: the house spelling, outliers only
    BY_NAME = "by-name"  # no preset fits: layer rules on files recognised by name, no LAY rules


_LAYER_PACKAGES = frozenset({Role.ROUTER, Role.SERVICE, Role.REPOSITORY, Role.DEPENDENCIES})
_WEAK_FILE_ROLES = frozenset({Role.UTILS, Role.TASKS, Role.CONSTANTS, Role.CONFIG})
# Package names that can only mean one layer; ``api/`` and ``services/`` also hold other
# layers' modules (``api/deps.py``, ``services/orders/repository.py``) and do not outrank them.
_STRONG_PACKAGES = frozenset(
    {"routers", "routes", "endpoints", "controllers", "views", "dependencies", "deps"}
    | {"repositories", "repos", "crud"}
)


@lru_cache(maxsize=4096)
def _name_matches(name: str, component: str) -> bool:
    """Whether a layout name (``router.py``, ``routes/``, ``*_repository.py``, ``crud``) names
    ``component`` (a module ``x.py`` or a package ``x/``)."""
    if name.endswith("/") or name.endswith(".py"):
        if name.endswith("/") != component.endswith("/"):
            return False
        return fnmatch.fnmatchcase(component.removesuffix("/"), name.removesuffix("/"))
    return fnmatch.fnmatchcase(stem_of(component), name)


class _Names:
    """A layout's role names compiled for lookup: one answer per distinct file or folder name."""

    def __init__(self, roles: Mapping[Role, tuple[str, ...]]) -> None:
        self.nested: list[tuple[Role, str, list[str]]] = []
        self.flat: list[tuple[Role, str]] = []
        for role, names in roles.items():
            for name in names:
                segments = name.removesuffix("/").split("/")
                if len(segments) > 1:
                    self.nested.append((role, name, segments))
                else:
                    self.flat.append((role, name))
        self._memo: dict[str, tuple[Role, str] | None] = {}
        self._own: dict[str, Role | None] = {}
        self.folders: dict[tuple[str, ...], tuple[Role, str] | None] = {}

    def own(self, component: str) -> Role | None:
        """The role the layout's own single names give ``component``, without the vocabulary."""
        if component not in self._own:
            self._own[component] = next(
                (role for role, name in self.flat if _name_matches(name, component)), None
            )
        return self._own[component]

    def single(self, component: str) -> tuple[Role, str] | None:
        try:
            return self._memo[component]
        except KeyError:
            pass
        found: tuple[Role, str] | None = None
        for role, name in self.flat:
            if _name_matches(name, component):
                found = (role, name)
                break
        else:
            vocabulary = vocabulary_match(component)
            if vocabulary is not None:
                role, pattern = vocabulary
                found = (role, pattern + ("/" if component.endswith("/") else ".py"))
        self._memo[component] = found
        return found


# Layouts are few per run and immutable: their compiled names live as long as they do.
_COMPILED: dict[int, tuple[Layout, _Names]] = {}


def _compiled(layout: Layout) -> _Names:
    entry = _COMPILED.get(id(layout))
    if entry is None or entry[0] is not layout:
        if len(_COMPILED) > 64:
            _COMPILED.clear()
        entry = (layout, _Names(layout.roles))
        _COMPILED[id(layout)] = entry
    return entry[1]


@dataclass(frozen=True, slots=True)
class Layout:
    """A backend layout, relative to its source root.

    Names in ``roles``, ``required`` and ``shared`` are file names (``router.py``) or package
    names with a trailing slash (``routes/``), globs allowed (``*_repository.py``). ``domains``
    are glob patterns of domain folders (``v1/*``, ``v1/*/*``, ``**``); a pattern starting
    with a wildcard only counts a folder that holds a layer-named module.
    """

    name: str
    roots: tuple[str, ...]
    domains: tuple[str, ...]
    shared: tuple[str, ...]
    roles: Mapping[Role, tuple[str, ...]]
    required: tuple[str, ...] = ()
    exempt_markers: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    extra_files: tuple[str, ...] = ()

    def role_of_child(self, child: str) -> Role | None:
        """The role this layout declares for a single name (``service.py`` or ``routes/``)."""
        return _compiled(self).own(child)

    def match(self, parts: Sequence[str]) -> tuple[Role, str] | None:
        """The role of a file at ``parts`` (inside its domain, or inside its import root) and
        the name that gave it: the nearest role name on the path wins, the layout's own names
        before the common vocabulary, so ``orders/crud/items.py`` is data layer and
        ``api/deps.py`` dependencies while the rest of ``api/`` is router."""
        if is_test_path(parts):
            return Role.TESTS, "tests"
        last = len(parts) - 1
        own = self._at(parts, last)
        enclosing = self._enclosing(tuple(parts[:last]))
        if own is None:
            return enclosing
        if enclosing is not None and enclosing[0] is not own[0]:
            # ``routes/utils.py`` and ``api/v1/tasks.py`` hold routes: a helper's name yields
            # to its layer package; and a package that can only mean one layer
            # (``routers/``, ``dependencies/``, ``crud/``) outranks a file named for another.
            if own[0] in _WEAK_FILE_ROLES and enclosing[0] in _LAYER_PACKAGES:
                return enclosing
            if own[0] in _LAYER_PACKAGES and stem_of(enclosing[1]) in _STRONG_PACKAGES:
                return enclosing
        return own

    def match_child(self, child: str) -> tuple[Role, str] | None:
        """``match`` for a folder's direct child: a module ``x.py`` or a package ``x/`` (read
        through its ``__init__.py``)."""
        return self.match([child[:-1], "__init__.py"] if child.endswith("/") else [child])

    def _enclosing(self, folder: tuple[str, ...]) -> tuple[Role, str] | None:
        """The nearest role-named package on a folder path (memoised: files share folders)."""
        memo = _compiled(self).folders
        if folder not in memo:
            path = [*folder, "__init__.py"]
            memo[folder] = next((m for i in range(len(folder) - 1, -1, -1) if (m := self._at(path, i))), None)
        return memo[folder]

    def _at(self, parts: Sequence[str], i: int) -> tuple[Role, str] | None:
        """The role the name at ``parts[i]`` gives: the layout's own names, then the vocabulary
        (names spanning folders, like ``api/deps.py``, end at ``i``)."""
        component = parts[i] + ("/" if i < len(parts) - 1 else "")
        if component == "__init__.py":
            return None
        names = _compiled(self)
        for role, name, segments in names.nested:
            start = i - len(segments) + 1
            if start >= 0 and list(parts[start:i]) == segments[:-1]:
                tail = segments[-1] + ("/" if name.endswith("/") else "")
                if _name_matches(tail, component):
                    return role, name
        return names.single(component)

    @property
    def allowed_children(self) -> frozenset[str]:
        """Direct children a domain may hold: layer names, the folders of nested ones, and the
        names the layout allows besides (``auth.py`` where every domain has one)."""
        names = {"__init__.py", *self.allow}
        for role_names in self.roles.values():
            for name in role_names:
                head, sep, _ = name.partition("/")
                names.add(head + sep)
        return frozenset(names)

    def allows(self, child: str) -> bool:
        return any(_name_matches(name, child) for name in self.allowed_children)


@dataclass(frozen=True, slots=True)
class ProjectTree:
    """The classified project: what layout rules and cross-file resolution look at.

    ``domains`` and every path are relative to the project root; ``import_roots`` are the
    folders the project's absolute imports start from (``backend`` for ``from app.x`` with
    ``backend/app/``); ``scores`` how well each preset fit, when the layout was detected.
    """

    layout: Layout
    source_root: str
    modules: tuple[ModuleInfo, ...]
    domains: tuple[str, ...]
    top_level_packages: tuple[str, ...]
    mode: LayoutMode = LayoutMode.DECLARED
    import_roots: tuple[str, ...] = ()
    scores: Mapping[str, int] = field(default_factory=dict)

    def domain_children(self) -> dict[str, set[str]]:
        """Each domain's direct children: ``service.py`` for a module, ``routes/`` for a package."""
        children: dict[str, set[str]] = {d: set() for d in self.domains}
        for module in self.modules:
            if module.domain is None:
                continue
            rest = inside(module.path, module.domain)
            if rest is None:
                continue
            parts = rest.split("/")
            children[module.domain].add(parts[0] + ("/" if len(parts) > 1 else ""))
        return children


def inside(path: str, folder: str) -> str | None:
    """``path`` relative to ``folder`` (both relative to the project root), if it is inside."""
    if folder in ("", "."):
        return path
    if path.startswith(folder + "/"):
        return path[len(folder) + 1 :]
    return None
