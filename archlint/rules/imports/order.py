"""IMP001 and IMP002: the layer order inside a domain, and routers kept off the data layer."""

from __future__ import annotations

from archlint.core import ALL_PRESETS, invalid_sources, valid_sources
from archlint.rules.imports.base import ContractRule, ProjectImports, type_only, via
from archlint.rules.imports.contracts import Chain
from archlint.rules.imports.layers import LAYER_ORDER

_ORDER = " > ".join(role.value for role in LAYER_ORDER)
_V1 = "backend/src/v1/orders/"
_MM = "app/orders/"


class LayerOrderBroken(ContractRule):
    """
    ## What it does
    Flags an import that runs against the layer order inside a domain: a lower layer importing
    a higher one, directly or through other modules. The order is router > dependencies >
    service > repository > models, spelled the way the layout spells each layer (`router.py`,
    `routes/`, `endpoint.py`; `crud/`, `database.py` ...), and the house spelling of a detected
    layout. It is enforced as import-linter `layers` contracts with one container per domain;
    `archlint explain IMP001 --contracts` prints them. The finding is at the import statement
    in the importing file and, for an indirect import, shows the chain
    (`orders.repository -> orders.helpers -> orders.service`). Imports inside functions count;
    imports under `if TYPE_CHECKING:` do not, unless `include-type-checking` is set.

    ## Why is this bad?
    A service that imports its router, or a repository that imports its service, ties the
    inner layers to the outer ones: the service can no longer be used from a task or a CLI
    without the HTTP layer, and an import cycle is one edit away.

    ## Example
    ```python
    # orders/service.py
    from app.orders.router import ORDER_LIMIT  # the service reaches up into the router
    ```

    Use instead:
    ```python
    # orders/constants.py holds ORDER_LIMIT; router and service both import it from there
    from app.orders.constants import ORDER_LIMIT
    ```

    ## Options
    None of its own. `[tool.archlint.imports] include-type-checking = true` counts the imports
    under `if TYPE_CHECKING:` too.

    ## Fix
    Move what the lower layer needs down (into the lower layer, `constants.py`, `schemas.py`
    or shared code), or pass it in as an argument; never import upwards.
    """

    code = "IMP001"
    name = "layer-order-broken"
    summary = "a lower layer imports a higher one inside a domain (router > service > repository ...)"
    presets = ALL_PRESETS
    tree_cases = (
        invalid_sources(
            "layered-v1",
            {
                _V1 + "router.py": "from src.v1.orders import service\n",
                _V1 + "service.py": "import os\nfrom src.v1.orders.router import router\n",
                _V1 + "repository.py": "",
            },
            (_V1 + "service.py", 2, 1),
        ),
        # Indirect, lazy and relative: the repository reaches the service through a helper.
        invalid_sources(
            "layered-v1",
            {
                _V1 + "router.py": "",
                _V1 + "service.py": "",
                _V1 + "helpers.py": "from .service import place_order\n",
                _V1 + "repository.py": "def load():\n    from . import helpers\n",
            },
            (_V1 + "repository.py", 2, 5),
        ),
        invalid_sources(
            "modular-monolith",
            {
                _MM + "routes/__init__.py": "",
                _MM + "routes/orders.py": "",
                _MM + "services/__init__.py": "",
                _MM + "services/orders.py": "",
                _MM + "crud/__init__.py": "",
                _MM + "crud/orders.py": "from app.orders.services import orders as order_services\n",
            },
            (_MM + "crud/orders.py", 1, 1),
        ),
        # Type-only imports count once the project asks for them.
        invalid_sources(
            "layered-v1",
            {
                "pyproject.toml": "[tool.archlint.imports]\ninclude-type-checking = true\n",
                _V1 + "router.py": "",
                _V1 + "service.py": type_only("from src.v1.orders import router"),
            },
            (_V1 + "service.py", 4, 5),
        ),
        valid_sources(
            "layered-v1",
            {
                _V1 + "router.py": "from src.v1.orders import dependencies, service\n",
                _V1 + "dependencies.py": "from src.v1.orders.service import OrderService\n",
                _V1 + "service.py": "from src.v1.orders import repository, schemas\n",
                _V1 + "repository.py": "from src.v1.orders.schemas import Order\n",
                _V1 + "schemas.py": "",
            },
        ),
        # A type-only import is no dependency at run time.
        valid_sources(
            "layered-v1",
            {
                _V1 + "router.py": "",
                _V1 + "service.py": type_only("from src.v1.orders import router"),
            },
        ),
        # Another domain's router is IMP004's business (domains), not the layer order.
        valid_sources(
            None,
            {
                "src/orders/routes.py": "",
                "src/orders/service.py": "",
                "src/orders/repository.py": "",
                "src/users/routes.py": "",
                "src/users/service.py": "from src.orders.routes import router\n",
                "src/users/repository.py": "",
            },
        ),
    )

    def describe(self, chain: Chain, imports: ProjectImports) -> str | None:
        layering = imports.layering
        lower, higher = layering.unit_of(chain[0]), layering.unit_of(chain[-1])
        if lower is None or higher is None:
            return None
        domain = lower.domain or "the project"
        return (
            f"{lower.role.value} '{chain[0]}' imports {higher.role.value} '{chain[-1]}'{via(chain)}: "
            f"in {domain} a lower layer must not depend on a higher one ({_ORDER})"
        )


class RouterImportsDataLayer(ContractRule):
    """
    ## What it does
    Flags a router that imports the data layer (repositories, crud modules, `database.py`,
    models) directly, instead of going through a service or a dependency. Enforced as an
    import-linter `forbidden` contract with indirect imports allowed: a router may import a
    service that imports the repository, but not the repository itself. The finding is at the
    import statement in the router.

    ## Why is this bad?
    A router that reaches the data layer itself skips the service, where the use case, its
    rules and its transaction belong; the next change to that use case has to be made in two
    places, and the router cannot be tested without a database.

    ## Example
    ```python
    # orders/router.py
    from app.orders.repository import OrderRepository
    ```

    Use instead:
    ```python
    # orders/router.py
    from app.orders.service import OrderService  # the service owns the repository
    ```

    ## Options
    None of its own; see IMP001 for `include-type-checking`.

    ## Fix
    Call a service (injected with `Depends`) that uses the repository, and return schemas, not
    ORM models, from the route.
    """

    code = "IMP002"
    name = "router-imports-data-layer"
    summary = "router imports the data layer (repository, crud, database, models) directly"
    presets = frozenset({"layered-v1", "modular-monolith", "domain-routers"})
    tree_cases = (
        invalid_sources(
            "layered-v1",
            {
                _V1 + "router.py": "from src.v1.orders.repository import OrderRepository as Repo\n",
                _V1 + "service.py": "",
                _V1 + "repository.py": "",
            },
            (_V1 + "router.py", 1, 1),
        ),
        # The shared models package is data layer too.
        invalid_sources(
            "layered-v1",
            {
                _V1 + "router.py": "import fastapi\n\n\ndef read():\n    from src.models import order\n",
                _V1 + "service.py": "",
                "backend/src/models/__init__.py": "",
                "backend/src/models/order.py": "",
            },
            (_V1 + "router.py", 5, 5),
        ),
        invalid_sources(
            "domain-routers",
            {
                "backend/package/routers/users/endpoint.py": "from . import database\n",
                "backend/package/routers/users/services.py": "",
                "backend/package/routers/users/database.py": "",
            },
            ("backend/package/routers/users/endpoint.py", 1, 1),
        ),
        # Through a service is the way.
        valid_sources(
            "layered-v1",
            {
                _V1 + "router.py": "from src.v1.orders.service import OrderService\n",
                _V1 + "service.py": "from src.v1.orders.repository import OrderRepository\n",
                _V1 + "repository.py": "",
            },
        ),
        valid_sources(
            "modular-monolith",
            {
                _MM + "routes/orders.py": "from app.orders.schemas.order import OrderOut\n",
                _MM + "services/orders.py": "from app.orders.models.order import Order\n",
                _MM + "models/order.py": "",
                _MM + "schemas/order.py": "",
            },
        ),
        valid_sources(
            "layered-v1",
            {
                _V1 + "router.py": type_only("from src.v1.orders import repository"),
                _V1 + "service.py": "",
                _V1 + "repository.py": "",
            },
        ),
    )

    def describe(self, chain: Chain, imports: ProjectImports) -> str | None:
        layer = imports.layering.unit_of(chain[-1])
        what = layer.role.value if layer is not None else "data layer"
        return (
            f"router '{chain[0]}' imports the data layer ({what} '{chain[-1]}') directly: "
            "go through a service or a dependency that owns it"
        )
