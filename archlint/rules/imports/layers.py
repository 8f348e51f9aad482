"""Layer units: the module or package that plays each layer, per domain, read off the tree.

A unit is the largest package on a module's path (inside its domain) whose modules all play
the same layer: ``orders/crud/`` when every module in it is data layer, but ``api/routes`` and
``api/main`` apart when ``api/deps.py`` is the dependencies layer. The same reading serves
every layout: a preset's own names (``routes/``, ``endpoint.py``), the house spelling of a
detected layout, the vocabulary of a technically layered one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from archlint.core import SHARED_NAMES, ModuleInfo, ProjectTree, Role, inside
from archlint.rules.imports.graph import ancestors

# Higher layers first: a module may import the layers below its own, never those above.
LAYER_ORDER = (Role.ROUTER, Role.DEPENDENCIES, Role.SERVICE, Role.REPOSITORY, Role.MODELS)
DATA_LAYER = frozenset({Role.REPOSITORY, Role.MODELS})
_UNIT_ROLES = frozenset(LAYER_ORDER)

# Top-level names that compose the app rather than share code with it: they mount every
# domain's router, so they import the domains by design.
COMPOSITION = frozenset({"__init__.py", "main.py", "app.py", "apis"})
# A package named ``api/`` holds routes in one app and the clients of other services' APIs
# in the next (``sdk/api/aws.py``): on its name alone it plays no layer in the contracts.
_AMBIGUOUS = frozenset({"api/"})
_NOT_SHARED = COMPOSITION | {"tests", "migrations", "alembic"}


@dataclass(frozen=True, slots=True)
class Unit:
    """A module or package playing one layer; ``container`` is its domain's package ("" for
    code outside any domain, named in full)."""

    module: str
    role: Role
    container: str
    domain: str | None

    @property
    def tail(self) -> str:
        return self.module[len(self.container) + 1 :] if self.container else self.module


def _in_domain_parts(info: ModuleInfo) -> list[str]:
    """The dotted parts of a module's path inside its domain (``["crud", "items"]``)."""
    rest = inside(info.path, info.domain or ".") or info.path
    parts = rest.removesuffix(".py").split("/")
    return parts[:-1] if parts[-1] == "__init__" else parts


class Layering:
    """Every layer unit of the project, and which domain package (container) each domain is."""

    def __init__(self, tree: ProjectTree) -> None:
        self.tree = tree
        self.containers: dict[str, str] = {}  # domain folder -> its package ("" if none)
        kinds: dict[str, set[tuple[str | None, Role]]] = defaultdict(set)
        infos: list[ModuleInfo] = []
        for info in tree.modules:
            if not info.module or info.role is Role.TESTS:
                continue
            infos.append(info)
            for name in (info.module, *ancestors(info.module)):
                kinds[name].add((info.domain, info.role or Role.OTHER))
            if info.domain is not None and info.domain not in self.containers:
                parts = info.module.split(".")
                depth = len(_in_domain_parts(info))
                self.containers[info.domain] = ".".join(parts[: len(parts) - depth])
        units: dict[str, Unit] = {}
        self.composition: frozenset[str] = frozenset(i.module for i in infos if self._composes(i))
        for info in infos:
            if info.role not in _UNIT_ROLES or info.matched in _AMBIGUOUS or self._toolkit(info):
                continue
            container = self.containers.get(info.domain, "") if info.domain is not None else ""
            rest = info.module[len(container) + 1 :] if container else info.module
            parts = rest.split(".")
            for end in range(1, len(parts) + 1):
                name = ".".join(filter(None, (container, *parts[:end])))
                if kinds[name] == {(info.domain, info.role)}:
                    units.setdefault(name, Unit(name, info.role, container, info.domain))
                    break
        self.units = tuple(sorted(units.values(), key=lambda u: u.module))
        self._by_module = units

    def _outside(self, info: ModuleInfo) -> list[str] | None:
        """The path of a module outside any domain, in parts, from the source root."""
        if info.domain is not None:
            return None
        return (inside(info.path, self.tree.source_root) or info.path).split("/")

    def _composes(self, info: ModuleInfo) -> bool:
        """What mounts the domains' routers: the app (``main.py``, ``app.py``, the source root
        package), an ``apis/`` package, an aggregating router outside the domains."""
        parts = self._outside(info)
        return parts is not None and (info.role is Role.ROUTER or parts[0] in COMPOSITION)

    def _toolkit(self, info: ModuleInfo) -> bool:
        """A layer name inside a shared toolkit (``core/dependencies.py``, ``common/service.py``)
        is infrastructure, not the app's layer; its data layer (``db/repositories/``) is."""
        parts = self._outside(info)
        return (
            parts is not None and info.role not in DATA_LAYER and any(p in SHARED_NAMES for p in parts[:-1])
        )

    @cached_property
    def shared(self) -> tuple[str, ...]:
        """The shared code's modules and packages (see ``shared_sources``)."""
        return shared_sources(self.tree)

    def unit_of(self, module: str) -> Unit | None:
        """The unit holding ``module``, if it is in one."""
        for name in (module, *ancestors(module)):
            unit = self._by_module.get(name)
            if unit is not None:
                return unit
        return None

    def domain_of(self, module: str) -> str | None:
        """The domain folder whose package holds ``module`` (the deepest), if any."""
        best: str | None = None
        best_len = -1
        for domain, container in self.containers.items():
            inside_it = module == container or module.startswith(container + ".")
            if container and inside_it and len(container) > best_len:
                best, best_len = domain, len(container)
        return best

    def domain_units(self) -> dict[str, list[Unit]]:
        """Each domain package's units (or, in a tree without domains, the ones outside any,
        under the empty container)."""
        found: dict[str, list[Unit]] = defaultdict(list)
        has_domains = bool(self.tree.domains)
        for unit in self.units:
            if (unit.domain is not None) == has_domains:
                found[unit.container].append(unit)
        return dict(found)

    def outer_domains(self) -> dict[str | None, list[str]]:
        """Domain packages grouped by the domain holding them (None: no other domain does)."""
        groups: dict[str | None, list[str]] = defaultdict(list)
        for domain, container in sorted(self.containers.items()):
            if not container:
                continue
            parent = next(
                (
                    d
                    for d in sorted(self.containers, key=len, reverse=True)
                    if d != domain and inside(domain, d) is not None and self.containers[d]
                ),
                None,
            )
            groups[self.containers[parent] if parent is not None else None].append(container)
        return dict(groups)


def shared_sources(tree: ProjectTree) -> tuple[str, ...]:
    """Shared code: the layout's shared packages and modules (and the usual names of shared
    toolkits: ``core``, ``common``, ``db`` ...) outside any domain, less what composes the app
    (``main.py``, ``app.py``, aggregating routers). A module is shared by the first package (or
    module) on its dotted name, below the root package, named so: ``src.core.db`` by
    ``src.core``, ``shop.db`` by itself."""
    files = {n.rstrip("/") for n in tree.layout.shared if "/" not in n.rstrip("/")} - _NOT_SHARED
    names = {n.removesuffix(".py") for n in files if n.endswith(".py")}
    folders = {n for n in files if not n.endswith(".py")} | SHARED_NAMES
    tops: dict[str, set[str]] = defaultdict(set)  # shared package -> the modules inside it
    mixed: set[str] = set()
    for info in tree.modules:
        if info.domain is not None or not info.module or info.role is Role.TESTS:
            continue
        parts = info.module.split(".")
        last = len(parts) - (0 if info.is_package else 1)
        found = next(
            (i for i in range(1 if len(parts) > 1 else 0, len(parts)) if parts[i] in folders and i < last),
            None,
        )
        if found is None and parts[-1] in names | folders and not info.is_package:
            found = len(parts) - 1
        if found is None:
            continue
        package = ".".join(parts[: found + 1])
        if info.role is Role.ROUTER:
            mixed.add(package)
        else:
            tops[package].add(info.module)
    sources: list[str] = []
    for package, modules in sorted(tops.items()):
        sources.extend(sorted(modules) if package in mixed else [package])
    return tuple(sources)
