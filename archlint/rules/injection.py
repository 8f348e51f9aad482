"""RTR005: services and repositories are injected into route handlers, not built inside them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archlint.core import NoOptions, Requirement, Role, invalid, valid
from archlint.rules.base import FileRule
from archlint.rules.context import Unresolved
from archlint.rules.guards import HandlerBody

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

if TYPE_CHECKING:
    from archlint.rules.context import FileContext

ROUTER = Role.ROUTER

LAYER_SUFFIXES = ("Service", "Repository", "Repo")
# Roles whose modules hold the classes RTR005 is about; and roles whose classes it is never
# about, whatever their name (a `CarService` ORM model, a `ServiceRead` schema).
LAYER_CLASS_ROLES = frozenset({Role.SERVICE, Role.REPOSITORY})
DATA_CLASS_ROLES = frozenset({Role.MODELS, Role.SCHEMAS, Role.EXCEPTIONS, Role.CONSTANTS, Role.CONFIG})
_DEPENDS = frozenset({"fastapi.Depends", "fastapi.params.Depends", "fastapi.Security"})


def named_like_layer(name: str) -> bool:
    """``OrderService``, ``UserRepository``, ``TagsRepo``: a prefix, then a layer suffix."""
    return any(name.endswith(s) and len(name) > len(s) for s in LAYER_SUFFIXES)


class ServiceBuiltInHandler(FileRule[NoOptions]):
    """
    ## What it does
    Flags a service or repository constructed inside a route handler (`OrderService(session)`
    in the handler body) instead of being injected with `Depends`. A class counts when its
    name ends in `Service`, `Repository` or `Repo`, or when it is defined in a service or
    data-layer module (resolved across files, through aliases and module attributes) and is
    handed a session-like argument. Not flagged: classes passed to `Depends(...)`, dependency
    (provider) functions, which is where construction belongs, schemas, models and other
    DTOs (a class defined in a models or schemas module never counts, whatever its name),
    exceptions, and a context manager opened by a `with` statement unless it is named like
    a service (`async with UpdateContext(session, ...)` is a scoped resource).

    ## Why is this bad?
    A handler that builds its own service hard-wires the whole object graph into the HTTP
    layer: tests cannot swap the service or its repositories through
    `app.dependency_overrides`, every handler repeats the wiring, and changing a constructor
    means editing every endpoint.

    ## Example
    ```python
    @router.post("/orders")
    async def create_order(body: OrderIn, session: AsyncSession = Depends(get_session)):
        service = OrderService(OrderRepository(session))
        return await service.create(body)
    ```

    Use instead:
    ```python
    def get_order_service(session: AsyncSession = Depends(get_session)) -> OrderService:
        return OrderService(OrderRepository(session))

    @router.post("/orders")
    async def create_order(body: OrderIn, service: OrderService = Depends(get_order_service)):
        return await service.create(body)
    ```

    ## Options
    None.

    ## Fix
    Write a provider function (in the domain's dependencies module) that builds the service,
    and take the service as a handler parameter with `Depends(provider)` (or an `Annotated`
    alias such as `OrderServiceDep`).
    """

    code = "RTR005"
    name = "service-built-in-handler"
    summary = "service or repository constructed in a route handler instead of injected with Depends"
    roles = frozenset({ROUTER})
    # No trigger words: a class counts by its name's suffix or by where it is defined,
    # neither of which a word list can name.
    cases = (
        invalid(
            "from app.orders.service import OrderService as Orders\n"
            "@router.post('/orders')\n"
            "async def create(body: OrderIn, session: AsyncSession = Depends(get_session)):\n"
            "    service = Orders(session)\n"
            "    return await service.create(body)\n",
            (4, 15),
            role=ROUTER,
            others={"app.orders.service": "class OrderService:\n    pass\n"},
            roles={"app.orders.service": Role.SERVICE},
        ),
        invalid(
            "import app.orders.repository as repos\n"
            "@router.get('/orders')\n"
            "def list_orders(db=Depends(get_db)):\n"
            "    return OrderService(repos.OrderRepository(db)).list()\n",
            (4, 12),
            (4, 25),
            role=ROUTER,
        ),
        invalid(
            "from app.billing import services\n"
            "@app.post('/pay')\n"
            "async def pay(body: PayIn, db: Session):\n"
            "    async def charge():\n"
            "        return await services.Ledger(db).charge(body)\n"
            "    return await charge()\n",
            (5, 22),
            role=ROUTER,
            others={"app.billing.services": "class Ledger:\n    pass\n"},
            roles={"app.billing.services": Role.SERVICE},
        ),
        valid(
            "from app.orders.service import OrderService\n"
            "from app.orders.schemas import OrderFilter\n"
            "def get_service(db=Depends(get_db)):\n"
            "    return OrderService(db)\n"
            "@router.get('/orders')\n"
            "async def list_orders(status: str, service: OrderService = Depends(OrderService)):\n"
            "    return await service.list(OrderFilter(status=status))\n",
            role=ROUTER,
        ),
        valid(
            "from app.garage.models import CarService\n"
            "from app.garage.service import ServiceFilter\n"
            "@router.post('/services')\n"
            "async def book(body: BookIn, db: Session, service: GarageService = Depends()):\n"
            "    await service.book(CarService(name=body.name), ServiceFilter(body.day))\n"
            "    if not body.ok:\n"
            "        raise BookingServiceError(body)\n",
            role=ROUTER,
            others={
                "app.garage.models": "class CarService:\n    pass\n",
                "app.garage.service": "class ServiceFilter:\n    pass\n",
            },
            roles={"app.garage.models": Role.MODELS, "app.garage.service": Role.SERVICE},
        ),
        valid(
            "from app.orders.service import OrderService\n"
            "orders = OrderService()\n"
            "@router.get('/orders')\n"
            "async def list_orders(dep=Depends(lambda: OrderService())):\n"
            "    return await orders.list()\n",
            role=ROUTER,
        ),
        valid(
            "async def create(session):\n    return OrderService(session)\n",
            role=Role.SERVICE,
        ),
        valid(
            "from app.billing.service import ChargeContext\n"
            "@router.post('/charge')\n"
            "async def charge(session: AsyncSession, service: S = Depends(get_service)):\n"
            "    async with ChargeContext(session, service) as ctx:\n"
            "        await service.charge(ctx)\n",
            role=ROUTER,
            others={"app.billing.service": "class ChargeContext:\n    pass\n"},
            roles={"app.billing.service": Role.SERVICE},
        ),
    )

    def __init__(self, ctx: FileContext, options: NoOptions) -> None:
        super().__init__(ctx, options)
        self._body = HandlerBody(ctx)
        self._depends: list[cst.Call] = []
        self._raised: set[int] = set()
        self._scoped: set[int] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._body.enter(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._body.leave(node)

    def visit_Raise(self, node: cst.Raise) -> None:
        if isinstance(node.exc, cst.Call):
            self._raised.add(id(node.exc))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if isinstance(node.item, cst.Call):
            self._scoped.add(id(node.item))

    def leave_Call(self, node: cst.Call) -> None:
        if self._depends and self._depends[-1] is node:
            self._depends.pop()

    def visit_Call(self, node: cst.Call) -> None:
        qualname = self.ctx.qualname(node.func)
        if qualname in _DEPENDS:
            self._depends.append(node)  # what is built inside Depends(...) is injected
            return
        if not self._body.in_body() or self._depends or id(node) in self._raised:
            return
        func = node.func
        name = func.value if isinstance(func, cst.Name) else ""
        if isinstance(func, cst.Attribute):
            name = func.attr.value
        if not name[:1].isupper() or name.endswith(("Error", "Exception")):
            return
        named = named_like_layer(name)
        # A context manager opened for one block (`async with UpdateContext(session, ...)`)
        # is a scoped resource, not a service, unless it is named like one.
        if not named and (id(node) in self._scoped or not self._session_argument(node)):
            return
        handler = self._body.handler.name.value if self._body.handler else "?"
        message = (
            f"`{self.ctx.source_of(func)}(...)` constructed in route handler '{handler}': provide it "
            "from a dependency function and inject it with Depends, so it is wired once and "
            "can be overridden in tests"
        )
        if qualname is None:
            if named:
                self.report(node, message)
            return
        # Where the class is defined decides: the project phase knows each module's role.
        self.ctx.report(
            self.code,
            self.name,
            node,
            message,
            requires=Requirement.LAYER_CLASS,
            qualname=qualname,
            fallback=named,
        )

    def _session_argument(self, node: cst.Call) -> bool:
        for arg in node.args:
            state = self.ctx.receiver_state(arg.value)
            if state is True or isinstance(state, Unresolved):
                return True
        return False
