"""Where each preset's convention puts a domain's layers and the shared code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .data import repository_module
from .http import dependencies_module, exceptions_module, router_module
from .models import enums_module, models_module
from .schemas import schemas_module
from .service import service_module
from .shared import (
    aggregator_module,
    config_module,
    db_module,
    errors_module,
    logging_module,
    pagination_module,
    security_module,
)
from .source import Core, Domain, Modules, Source, Style


@dataclass(frozen=True, slots=True)
class Convention:
    preset: str
    style: Style
    core: Core
    root: str  # the folder holding the top package
    package: str  # the top package every module name starts with
    modules: Callable[[str, str], Modules]  # (singular, plural) -> the domain's module names
    has_guard_rule: bool  # RTR004 is on: guard clauses in routes are findings
    domain_files: Callable[[Domain], dict[str, Source]]
    shared_files: Callable[[list[Domain]], dict[str, Source]]


def path_of(module: str, root: str, package: str) -> str:
    """The file of a dotted module name whose top package ``package`` sits in ``root``."""
    assert module.split(".")[0] == package, module
    path = f"{module.replace('.', '/')}.py"
    return path if root == "." else f"{root}/{path}"


def _empty() -> Source:
    return Source()


def _core_files(core: Core, root: str, package: str, http_errors: bool, app_name: str) -> dict[str, Source]:
    files = {
        core.config: config_module(app_name),
        core.db: db_module(core),
        core.errors: errors_module(http_errors),
        core.security: security_module(core),
        core.pagination: pagination_module(),
        core.logging: logging_module(),
    }
    return {path_of(m, root, package): s for m, s in files.items()}


LAYER_MODULES = ("models", "schemas", "service", "router", "repository")


def layer_modules(d: Domain) -> list[str]:
    """The dotted names of the domain's layer modules (the long ones: models, schemas, data
    layer, service, router)."""
    found = [getattr(d.modules, name) for name in LAYER_MODULES]
    return [m for m in found if m is not None]


def _layer_files(d: Domain, root: str, package: str, separate_enums: bool) -> dict[str, Source]:
    m = d.modules
    files = {
        m.models: models_module(d, separate_enums),
        m.schemas: schemas_module(d),
        m.service: service_module(d),
        m.router: router_module(d),
    }
    if separate_enums:
        files[m.enums] = enums_module(d)
    if m.repository is not None:
        files[m.repository] = repository_module(d)
    if d.style.exceptions_module:
        files[m.exceptions] = exceptions_module(d)
    if m.dependencies != m.router:
        files[m.dependencies] = dependencies_module(d)
    return {path_of(mod, root, package): s for mod, s in files.items()}


def layered_v1() -> Convention:
    root, pkg = "backend", "src"
    core = Core(
        db="src.core.db",
        errors="src.core.errors",
        security="src.core.security",
        pagination="src.schemas.pagination",
        logging="src.core.logging",
        config="src.core.config",
    )

    def modules(singular: str, plural: str) -> Modules:
        base = f"src.v1.{plural}"
        return Modules(
            models=f"src.models.{plural}",
            enums=f"src.models.{plural}",
            schemas=f"{base}.schemas",
            repository=f"{base}.repository",
            service=f"{base}.service",
            exceptions=f"{base}.exceptions",
            dependencies=f"{base}.dependencies",
            router=f"{base}.router",
        )

    def domain_files(d: Domain) -> dict[str, Source]:
        files = _layer_files(d, root, pkg, separate_enums=False)
        files[f"{root}/src/v1/{d.plural}/__init__.py"] = _empty()
        return files

    def shared_files(domains: list[Domain]) -> dict[str, Source]:
        files = _core_files(core, root, pkg, False, "layered-api")
        mounts = [(d.modules.router, f"{d.plural}_router") for d in domains]
        for package in ("core", "models", "schemas", "v1"):
            files[f"{root}/src/{package}/__init__.py"] = _empty()
        files[f"{root}/src/v1/router.py"] = aggregator_module("Version 1 of the API.", mounts, None, "/v1")
        files[f"{root}/src/app.py"] = aggregator_module(
            "ASGI entry point: `uvicorn src.app:app`.",
            [("src.v1.router", "v1_router")],
            core,
            "/api",
            errors=True,
        )
        return files

    style = Style(
        has_repository=True,
        guards_in_routes=True,
        http_domain_errors=False,
        exceptions_module=True,
        cross_domain=True,
    )
    return Convention("layered-v1", style, core, root, pkg, modules, False, domain_files, shared_files)


def best_practices() -> Convention:
    root, pkg = ".", "src"
    core = Core(
        db="src.database",
        errors="src.exceptions",
        security="src.core.security",
        pagination="src.pagination",
        logging="src.core.logging",
        config="src.config",
    )

    def modules(singular: str, plural: str) -> Modules:
        base = f"src.{plural}"
        return Modules(
            models=f"{base}.models",
            enums=f"{base}.models",
            schemas=f"{base}.schemas",
            repository=None,
            service=f"{base}.service",
            exceptions=f"{base}.exceptions",
            dependencies=f"{base}.dependencies",
            router=f"{base}.router",
        )

    def domain_files(d: Domain) -> dict[str, Source]:
        files = _layer_files(d, root, pkg, separate_enums=False)
        files[f"src/{d.plural}/__init__.py"] = _empty()
        return files

    def shared_files(domains: list[Domain]) -> dict[str, Source]:
        files = _core_files(core, root, pkg, True, "best-practices-api")
        files["src/__init__.py"] = _empty()
        files["src/core/__init__.py"] = _empty()
        mounts = [(d.modules.router, f"{d.plural}_router") for d in domains]
        files["src/main.py"] = aggregator_module(
            "ASGI entry point: `uvicorn src.main:app`.", mounts, core, "/api"
        )
        return files

    style = Style(
        has_repository=False,
        guards_in_routes=True,
        http_domain_errors=True,
        exceptions_module=True,
        cross_domain=True,
    )
    return Convention("best-practices", style, core, root, pkg, modules, False, domain_files, shared_files)


def modular_monolith() -> Convention:
    root, pkg = ".", "app"
    core = Core(
        db="app.core.database",
        errors="app.core.exceptions",
        security="app.core.security",
        pagination="app.core.pagination",
        logging="app.core.logging",
        config="app.core.settings",
    )

    def modules(singular: str, plural: str) -> Modules:
        base = f"app.{plural}"
        return Modules(
            models=f"{base}.models.{singular}",
            enums=f"{base}.enums",
            schemas=f"{base}.schemas.{singular}",
            repository=f"{base}.crud.{plural}",
            service=f"{base}.services.{plural}",
            exceptions=f"{base}.exceptions",
            dependencies=f"{base}.dependencies",
            router=f"{base}.routes.{plural}",
        )

    def domain_files(d: Domain) -> dict[str, Source]:
        files = _layer_files(d, root, pkg, separate_enums=True)
        for package in ("", "/models", "/schemas", "/crud", "/services", "/routes"):
            files[f"app/{d.plural}{package}/__init__.py"] = _empty()
        return files

    def shared_files(domains: list[Domain]) -> dict[str, Source]:
        files = _core_files(core, root, pkg, False, "modular-monolith")
        for package in ("app", "app/core", "app/apis"):
            files[f"{package}/__init__.py"] = _empty()
        mounts = [(d.modules.router, f"{d.plural}_router") for d in domains]
        files["app/apis/v1.py"] = aggregator_module(
            "Version 1 of the API: every module's routes.", mounts, None, "/v1"
        )
        files["app/main.py"] = aggregator_module(
            "ASGI entry point: `uvicorn app.main:app`.",
            [("app.apis.v1", "v1_router")],
            core,
            "/api",
            errors=True,
        )
        return files

    style = Style(
        has_repository=True,
        guards_in_routes=False,
        http_domain_errors=False,
        exceptions_module=True,
        cross_domain=True,
    )
    return Convention("modular-monolith", style, core, root, pkg, modules, True, domain_files, shared_files)


def domain_routers() -> Convention:
    root, pkg = "backend", "package"
    core = Core(
        db="package.core.db",
        errors="package.core.errors",
        security="package.core.auth_middleware",
        pagination="package.core.pagination",
        logging="package.core.logging",
        config="package.core.config",
    )

    def modules(singular: str, plural: str) -> Modules:
        base = f"package.routers.{plural}"
        return Modules(
            models=f"package.core.models.{plural}",
            enums=f"package.core.models.{plural}",
            schemas=f"{base}.interface",
            repository=f"{base}.database",
            service=f"{base}.services",
            exceptions=f"{base}.services",
            dependencies=f"{base}.endpoint",
            router=f"{base}.endpoint",
        )

    def domain_files(d: Domain) -> dict[str, Source]:
        files = _layer_files(d, root, pkg, separate_enums=False)
        files[f"{root}/package/routers/{d.plural}/__init__.py"] = _empty()
        return files

    def shared_files(domains: list[Domain]) -> dict[str, Source]:
        files = _core_files(core, root, pkg, False, "domain-routers-api")
        for package in ("package", "package/core", "package/core/models", "package/routers"):
            files[f"{root}/{package}/__init__.py"] = _empty()
        mounts = [(d.modules.router, f"{d.plural}_router") for d in domains]
        files[f"{root}/main.py"] = aggregator_module(
            "Application entry point: `uvicorn main:app` from backend/.", mounts, core, "/api", errors=True
        )
        return files

    style = Style(
        has_repository=True,
        guards_in_routes=True,
        http_domain_errors=False,
        exceptions_module=False,
        cross_domain=False,
    )
    return Convention("domain-routers", style, core, root, pkg, modules, False, domain_files, shared_files)


CONVENTIONS: dict[str, Callable[[], Convention]] = {
    "layered-v1": layered_v1,
    "best-practices": best_practices,
    "modular-monolith": modular_monolith,
    "domain-routers": domain_routers,
}
