"""The layouts archlint ships with, and how config extends or replaces them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from archlint.core import Layout, Role

_COMMON_SHARED = ("__init__.py", "main.py", "tests", "migrations", "alembic")

PRESETS: Mapping[str, Layout] = {
    "layered-v1": Layout(
        name="layered-v1",
        roots=("backend/src", "src", "."),
        domains=("v1/*",),
        shared=(
            *_COMMON_SHARED,
            "app.py",
            "core",
            "models",
            "schemas",
            "services",
            "v1/router.py",
            "v1/__init__.py",
        ),
        roles={
            Role.ROUTER: ("router.py",),
            Role.DEPENDENCIES: ("dependencies.py",),
            Role.SERVICE: ("service.py",),
            Role.REPOSITORY: ("repository.py",),
            Role.SCHEMAS: ("schemas.py",),
            Role.TASKS: ("tasks.py",),
            Role.CONSTANTS: ("constants.py",),
            Role.EXCEPTIONS: ("exceptions.py",),
            Role.TESTS: ("tests/",),
        },
        required=("router.py", "service.py"),
    ),
    "best-practices": Layout(
        name="best-practices",
        roots=("src", "backend/src", "."),
        domains=("*",),
        shared=(
            *_COMMON_SHARED,
            "core",
            "config.py",
            "models.py",
            "exceptions.py",
            "pagination.py",
            "database.py",
        ),
        roles={
            Role.ROUTER: ("router.py",),
            Role.SCHEMAS: ("schemas.py",),
            Role.MODELS: ("models.py",),
            Role.DEPENDENCIES: ("dependencies.py",),
            Role.CONFIG: ("config.py",),
            Role.CONSTANTS: ("constants.py",),
            Role.EXCEPTIONS: ("exceptions.py",),
            Role.SERVICE: ("service.py",),
            Role.UTILS: ("utils.py",),
            Role.CLIENT: ("client.py",),
            Role.TESTS: ("tests/",),
        },
        required=("router.py",),
        exempt_markers=("client.py",),
    ),
    "modular-monolith": Layout(
        name="modular-monolith",
        roots=("app", "backend/app", "."),
        domains=("*",),
        shared=(*_COMMON_SHARED, "apis", "core"),
        roles={
            Role.MODELS: ("models/",),
            Role.SCHEMAS: ("schemas/",),
            Role.REPOSITORY: ("crud/",),
            Role.SERVICE: ("services/",),
            Role.ROUTER: ("routes/",),
            Role.DEPENDENCIES: ("dependencies.py",),
            Role.CONSTANTS: ("enums.py",),
            Role.EXCEPTIONS: ("exceptions.py",),
            Role.TASKS: ("tasks.py",),
            Role.TESTS: ("tests/",),
        },
        required=("routes/", "services/"),
    ),
    "domain-routers": Layout(
        name="domain-routers",
        roots=("backend/package", "package", "."),
        domains=("routers/*",),
        shared=("__init__.py", "core", "routers/__init__.py"),
        roles={
            Role.ROUTER: ("endpoint.py",),
            Role.SERVICE: ("services.py",),
            Role.SCHEMAS: ("interface.py",),
            Role.REPOSITORY: ("database.py",),
        },
        required=("endpoint.py", "services.py", "interface.py", "database.py"),
    ),
    # Technically layered apps (the official full-stack template, realworld): no domains;
    # every file takes its role from the vocabulary (api/routes/, services/, crud.py ...).
    "by-layer": Layout(
        name="by-layer",
        roots=("backend/app", "app", "backend/src", "src", "."),
        domains=(),
        shared=(*_COMMON_SHARED, "core", "db"),
        roles={},
    ),
}


def build_layout(
    preset: str,
    *,
    root: str | None = None,
    domains: Sequence[str] | None = None,
    shared: Sequence[str] | None = None,
    roles: Mapping[Role, Sequence[str]] | None = None,
    required: Sequence[str] | None = None,
    allow: Sequence[str] = (),
) -> Layout:
    """The preset with config overrides applied: each given key replaces the preset's value;
    ``roles`` replaces the names of the roles it mentions and keeps the others."""
    layout = PRESETS[preset]
    merged_roles = dict(layout.roles)
    for role, names in (roles or {}).items():
        merged_roles[role] = tuple(names)
    return replace(
        layout,
        roots=(root,) if root is not None else layout.roots,
        domains=tuple(domains) if domains is not None else layout.domains,
        shared=tuple(shared) if shared is not None else layout.shared,
        roles=merged_roles,
        required=tuple(required) if required is not None else layout.required,
        allow=tuple(allow),
    )
