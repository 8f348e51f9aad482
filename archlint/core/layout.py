"""The Layout model: where domains live and which names play which layer role."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from archlint.core.model import ModuleInfo, Role


@dataclass(frozen=True, slots=True)
class Layout:
    """A backend layout, relative to its source root.

    Names in ``roles``, ``required`` and ``shared`` are file names (``router.py``) or package
    names with a trailing slash (``routes/``). ``domains`` are glob patterns of domain folders
    (``v1/*``); a bare ``*`` only counts a folder as a domain when it holds a layer-named module.
    """

    name: str
    roots: tuple[str, ...]
    domains: tuple[str, ...]
    shared: tuple[str, ...]
    roles: Mapping[Role, tuple[str, ...]]
    required: tuple[str, ...] = ()
    exempt_markers: tuple[str, ...] = ()
    shared_roles: Mapping[str, Role] = field(default_factory=dict)
    extra_files: tuple[str, ...] = ()

    def role_of_child(self, child: str) -> Role | None:
        """The role of a domain's direct child (``service.py`` or ``routes/``), if declared."""
        for role, names in self.roles.items():
            if child in names:
                return role
        return None

    def role_of_path(self, parts: Sequence[str]) -> Role | None:
        """The role of a file at ``parts`` inside a domain: the most specific declared name
        wins, so ``api/deps.py`` can be dependencies while the rest of ``api/`` is router."""
        for i in range(len(parts), 0, -1):
            name = "/".join(parts[:i]) + ("/" if i < len(parts) else "")
            role = self.role_of_child(name)
            if role is not None:
                return role
        return None

    @property
    def allowed_children(self) -> frozenset[str]:
        """Direct children a domain may hold: layer names, and the folders of nested ones."""
        names = {"__init__.py"}
        for role_names in self.roles.values():
            for name in role_names:
                head, sep, _ = name.partition("/")
                names.add(head + sep)
        return frozenset(names)


@dataclass(frozen=True, slots=True)
class ProjectTree:
    """The classified project: what layout rules and cross-file resolution look at."""

    layout: Layout
    source_root: str
    modules: tuple[ModuleInfo, ...]
    domains: tuple[str, ...]
    top_level_packages: tuple[str, ...]


# Names teams commonly use for a layer, so a suggestion can name the layout's own word.
LAYER_SYNONYMS: Mapping[str, Role] = {
    **dict.fromkeys(
        ("repository", "repositories", "repo", "repos", "crud", "dal", "database", "db", "dao"),
        Role.REPOSITORY,
    ),
    **dict.fromkeys(
        (
            "router",
            "routers",
            "routes",
            "route",
            "endpoint",
            "endpoints",
            "views",
            "view",
            "api",
            "controllers",
            "controller",
            "handlers",
        ),
        Role.ROUTER,
    ),
    **dict.fromkeys(("service", "services", "use_cases", "usecases", "logic"), Role.SERVICE),
    **dict.fromkeys(("schemas", "schema", "interface", "dto", "dtos", "serializers"), Role.SCHEMAS),
    **dict.fromkeys(("models", "model", "entities", "entity", "tables"), Role.MODELS),
    **dict.fromkeys(("deps", "dependencies", "dependency"), Role.DEPENDENCIES),
    **dict.fromkeys(("exceptions", "errors", "exception"), Role.EXCEPTIONS),
    **dict.fromkeys(("constants", "consts", "enums", "choices"), Role.CONSTANTS),
    **dict.fromkeys(("settings", "conf", "config"), Role.CONFIG),
}
