"""The role vocabulary: the spellings teams use for each layer, and how a path takes its role."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence

from archlint.core.model import Role

# Stems (a module ``x.py`` or a package ``x/`` alike), stem globs (modules only) and names
# ending in ``.py`` (modules only: a ``views/`` package holds HTML views more often than
# routes), per role.
VOCABULARY: Mapping[Role, tuple[str, ...]] = {
    Role.ROUTER: (
        "router",
        "routers",
        "routes",
        "route",
        "endpoint",
        "endpoints",
        "views.py",
        "view.py",
        "controllers",
        "controller",
        "api",
    ),
    Role.SERVICE: ("service", "services", "*_service", "*_services", "use_cases", "usecases"),
    Role.REPOSITORY: (
        "repository",
        "repositories",
        "repo",
        "repos",
        "*_repository",
        "*_repositories",
        "*_repo",
        "crud",
        "cruds",
        "*_crud",
        "crud_*",
        "dal",
        "dao",
        "*_dao",
    ),
    Role.DEPENDENCIES: ("dependencies", "dependency", "deps"),
    Role.EXCEPTIONS: ("exceptions", "exception", "errors"),
    Role.SCHEMAS: ("schemas", "schema", "*_schemas", "*_schema"),
    Role.MODELS: ("models", "model", "*_models", "*_model"),
    Role.CONSTANTS: ("constants", "consts", "enums"),
    Role.CONFIG: ("config", "settings"),
    Role.UTILS: ("utils", "util", "helpers"),
    Role.TASKS: ("tasks",),
    Role.CLIENT: ("client", "clients", "*_client"),
}

# Layers whose presence makes a folder a domain: the rest (schemas, constants ...) are what
# infrastructure packages hold too.
DEFINING_ROLES = frozenset({Role.ROUTER, Role.SERVICE, Role.REPOSITORY})

# The roles the layer rules and the import layering are about.
LAYER_ROLES = frozenset(
    {Role.ROUTER, Role.DEPENDENCIES, Role.SERVICE, Role.REPOSITORY, Role.MODELS, Role.SCHEMAS}
)

# Names of shared infrastructure packages: never a domain, whatever they hold (a ``kit/``
# with base services and repositories is a toolkit, not a feature).
SHARED_NAMES = frozenset(
    {
        "core",
        "common",
        "commons",
        "shared",
        "kit",
        "lib",
        "libs",
        "base",
        "infra",
        "infrastructure",
        "db",
        "database",
        "middleware",
        "middlewares",
        "internal",
        "framework",
        "toolkit",
    }
)

TEST_DIRS = frozenset({"tests", "test"})


def _is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


_EXACT: dict[str, tuple[Role, str]] = {
    stem: (role, stem)
    for role, stems in VOCABULARY.items()
    for stem in stems
    if not _is_glob(stem) and not stem.endswith(".py")
}
_MODULES: dict[str, tuple[Role, str]] = {
    stem.removesuffix(".py"): (role, stem.removesuffix(".py"))
    for role, stems in VOCABULARY.items()
    for stem in stems
    if stem.endswith(".py")
}
_GLOBS: tuple[tuple[str, Role], ...] = tuple(
    (stem, role) for role, stems in VOCABULARY.items() for stem in stems if _is_glob(stem)
)


def stem_of(component: str) -> str:
    """``routes`` for ``routes.py`` and for the package ``routes/``."""
    return component.removesuffix("/").removesuffix(".py")


def vocabulary_match(component: str) -> tuple[Role, str] | None:
    """The role a module or package name plays by the vocabulary, and the spelling matched
    (``*_repository`` for ``user_repository.py``). Globs name modules only: a package named
    ``pet_service/`` is usually a whole service of a larger system, not a service layer."""
    stem = stem_of(component)
    found = _EXACT.get(stem)
    if found is not None:
        return found
    if component.endswith("/"):
        return None
    found = _MODULES.get(stem)
    if found is not None:
        return found
    for pattern, role in _GLOBS:
        if fnmatch.fnmatchcase(stem, pattern):
            return role, pattern
    return None


def is_test_path(parts: Sequence[str]) -> bool:
    """Test code: anything under a ``tests/`` folder, ``test_*.py``, ``*_test.py``, ``conftest.py``."""
    if any(p in TEST_DIRS for p in parts[:-1]):
        return True
    name = parts[-1] if parts else ""
    return name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py")
