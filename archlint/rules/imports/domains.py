"""IMP004 and IMP005: domains independent of each other, shared code independent of them."""

from __future__ import annotations

from archlint.core import invalid_sources, valid_sources
from archlint.rules.imports.base import ContractRule, ProjectImports, type_only, via
from archlint.rules.imports.contracts import Chain

_DR = "backend/package/routers/"


class DomainsDependOnEachOther(ContractRule):
    """
    ## What it does
    Flags an import that makes one domain depend on another, directly or through other
    modules (shared code included). Enforced as an import-linter `independence` contract over
    the domains (and one over the sub-domains of each domain that has some). The finding is at
    the import statement in the importing domain, naming both domains and, for an indirect
    dependency, the chain.

    ## Why is this bad?
    In a layout where each domain is a self-contained router package, a domain importing
    another couples their releases and their tests: a change in `users` breaks `orders`, and
    the two can no longer be split into services.

    ## Example
    ```python
    # routers/orders/services.py
    from package.routers.users.database import get_user
    ```

    Use instead:
    ```python
    # routers/orders/services.py: ask for what orders needs through shared code (core/)
    from package.core.identity import current_user_id
    ```

    ## Options
    None of its own; see IMP001 for `include-type-checking`.

    ## Fix
    Move what both domains need into shared code, or pass it in from the outside (the
    aggregating router, a dependency); if the two are one concept, merge them.
    """

    code = "IMP004"
    name = "domains-depend-on-each-other"
    summary = "a domain imports another domain (directly or indirectly)"
    presets = frozenset({"domain-routers"})
    tree_cases = (
        invalid_sources(
            "domain-routers",
            {
                _DR + "orders/endpoint.py": "",
                _DR + "orders/services.py": "from package.routers.users import database as users_db\n",
                _DR + "users/endpoint.py": "",
                _DR + "users/database.py": "",
            },
            (_DR + "orders/services.py", 1, 1),
        ),
        # Indirect: through shared code.
        invalid_sources(
            "domain-routers",
            {
                _DR + "orders/endpoint.py": "",
                _DR + "orders/services.py": "\n\ndef f():\n    import package.core.glue\n",
                _DR + "users/endpoint.py": "",
                _DR + "users/database.py": "",
                "backend/package/core/glue.py": "from package.routers.users.database import get\n",
            },
            (_DR + "orders/services.py", 4, 5),
        ),
        invalid_sources(
            "domain-routers",
            {
                _DR + "orders/endpoint.py": "",
                _DR + "users/endpoint.py": "from ..orders.endpoint import router\n",
            },
            (_DR + "users/endpoint.py", 1, 1),
        ),
        valid_sources(
            "domain-routers",
            {
                _DR + "orders/endpoint.py": "from package.core.config import settings\n",
                _DR + "users/endpoint.py": "from package.core.config import settings\n",
                "backend/package/core/config.py": "",
            },
        ),
        valid_sources(
            "domain-routers",
            {
                _DR + "orders/endpoint.py": "from . import services\n",
                _DR + "orders/services.py": "",
                _DR + "users/endpoint.py": "",
            },
        ),
        # The app that mounts every domain's router is no domain.
        valid_sources(
            "domain-routers",
            {
                "backend/main.py": "from package.routers import orders, users\n",
                _DR + "orders/endpoint.py": "",
                _DR + "users/endpoint.py": "",
            },
        ),
    )

    def describe(self, chain: Chain, imports: ProjectImports) -> str | None:
        layering = imports.layering
        source, target = layering.domain_of(chain[0]), layering.domain_of(chain[-1])
        if source is None or target is None:
            return None
        return (
            f"domain '{source}' depends on domain '{target}': '{chain[0]}' imports '{chain[-1]}'"
            f"{via(chain)}; domains stay independent (share through shared code)"
        )


class SharedImportsDomain(ContractRule):
    """
    ## What it does
    Flags shared code (the layout's shared packages and modules: `core/`, `database.py`,
    `models/` in layered-v1, and the usual names of shared toolkits: `common/`, `db/`, `lib/`
    ...) that imports a domain, directly or through other modules. What composes the app
    (`main.py`, `app.py`, the aggregating routers that mount each domain's router) is not
    shared code and may import the domains. Enforced as an import-linter `forbidden` contract;
    the finding is at the import statement in the shared module.

    ## Why is this bad?
    Shared code is what every domain builds on. Once it imports a domain, every domain depends
    on that one, cycles follow, and the shared package can no longer be understood (or
    extracted) on its own.

    ## Example
    ```python
    # core/pagination.py
    from app.orders.schemas import OrderOut
    ```

    Use instead:
    ```python
    # core/pagination.py: generic over what it pages
    class Page(BaseModel, Generic[T]): ...
    ```

    ## Options
    None of its own; see IMP001 for `include-type-checking`.

    ## Fix
    Make the shared code generic (a type parameter, a protocol, a registry the domains add
    themselves to), or move the code that needs the domain into that domain.
    """

    code = "IMP005"
    name = "shared-imports-domain"
    summary = "shared code (core/ and other shared packages) imports a domain"
    tree_cases = (
        invalid_sources(
            "best-practices",
            {
                "src/orders/router.py": "",
                "src/orders/schemas.py": "",
                "src/users/router.py": "",
                "src/database.py": "from src.orders.schemas import OrderOut\n",
            },
            ("src/database.py", 1, 1),
        ),
        invalid_sources(
            "modular-monolith",
            {
                "app/orders/routes/orders.py": "",
                "app/orders/models/order.py": "",
                "app/core/__init__.py": "",
                "app/core/database.py": "\n\ndef create_all():\n    from app.orders.models import order\n",
            },
            ("app/core/database.py", 4, 5),
        ),
        # Indirect: core reaches a domain through the app's task module.
        invalid_sources(
            "best-practices",
            {
                "src/orders/router.py": "",
                "src/orders/service.py": "",
                "src/jobs.py": "from src.orders import service\n",
                "src/core/worker.py": "from .. import jobs\n",
            },
            ("src/core/worker.py", 1, 1),
        ),
        valid_sources(
            "best-practices",
            {
                "src/orders/router.py": "from src.database import Session\n",
                "src/database.py": "",
                "src/main.py": "from src.orders.router import router\n",
            },
        ),
        valid_sources(
            "layered-v1",
            {
                "backend/src/v1/orders/router.py": "",
                "backend/src/v1/router.py": "from src.v1.orders.router import router\n",
                "backend/src/app.py": "from src.v1.router import api_router\n",
                "backend/src/core/db.py": "import sqlalchemy\n",
            },
        ),
        valid_sources(
            "modular-monolith",
            {
                "app/orders/routes/orders.py": "",
                "app/apis/v1.py": "from app.orders.routes import orders\n",
                "app/core/database.py": type_only("from app.orders.routes import orders"),
            },
        ),
    )

    def describe(self, chain: Chain, imports: ProjectImports) -> str | None:
        layering = imports.layering
        target = layering.domain_of(chain[-1])
        # A chain through another domain, or through other shared code that imports the
        # domain itself, is a finding of that module, not a second one here.
        sources = layering.shared
        if target is None or any(
            layering.domain_of(m) is not None or any(m == s or m.startswith(s + ".") for s in sources)
            for m in chain[1:-1]
        ):
            return None
        return (
            f"shared '{chain[0]}' imports domain '{target}' ('{chain[-1]}'){via(chain)}: "
            "shared code must not depend on a domain"
        )
