"""Router-layer rules: route handlers translate HTTP to service calls and do nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from archlint.core import NoOptions, Role, invalid, valid
from archlint.rules.base import FileRule
from archlint.rules.sql import (
    QUERY_METHODS,
    TRANSACTION_METHODS,
    http_shaped,
    method_call,
    statement_constructor,
)

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

if TYPE_CHECKING:
    from archlint.rules.context import FileContext

ROUTER = Role.ROUTER


class QueryInRouter(FileRule[NoOptions]):
    """
    ## What it does
    Flags ORM/SQL work in a router module: SQLAlchemy/SQLModel statement constructors
    (`select`, `insert`, `update`, `delete`, `text`, `union` ...) and query methods (`execute`,
    `scalars`, `scalar`, `exec`, `query`, `get`, `add`, `add_all`, `delete`, `merge`, `refresh`,
    `fetch_all`, `fetch_one` ...) called on a session-like receiver. Names are resolved through
    imports and aliases, so `sa.select(...)` after `import sqlalchemy as sa` counts and a
    `select` imported from your own helpers does not. A `get` or `delete` shaped like an HTTP
    call (`session.get(url)`: one argument, or a string/URL first argument) is left alone,
    since SQLAlchemy's `get` always takes an entity and a key.

    ## Why is this bad?
    A router's job is HTTP: parse the request, call a service, shape the response. Queries in
    handlers spread the data model over the HTTP layer, cannot be reused by tasks or other
    endpoints, and are tested only through HTTP.

    ## Example
    ```python
    @router.get("/orders/{order_id}")
    async def get_order(order_id: int, session: AsyncSession = Depends(get_session)):
        result = await session.execute(select(Order).where(Order.id == order_id))
        return result.scalar_one()
    ```

    Use instead:
    ```python
    @router.get("/orders/{order_id}")
    async def get_order(order_id: int, service: OrderService = Depends(get_order_service)):
        return await service.get(order_id)
    ```

    ## Options
    None of its own. Session-like receivers are recognised from annotations (`Session`,
    `AsyncSession`, aliases such as `SessionDep`) or, without one, from the top-level
    `session-names` setting.

    ## Fix
    Move the query into the repository (or the service, where the layout has no data layer)
    and call it from the handler through a dependency.
    """

    code = "RTR001"
    name = "query-in-router"
    summary = "ORM/SQL statement or session query in a router"
    roles = frozenset({ROUTER})
    cases = (
        invalid(
            "from sqlalchemy import select\n"
            "from fastapi import APIRouter\n"
            "router = APIRouter()\n"
            "@router.get('/')\n"
            "async def list_orders(session: AsyncSession):\n"
            "    return await session.execute(select(Order))\n",
            (6, 18),
            role=ROUTER,
        ),
        invalid(
            "import sqlalchemy as sa\ndef build_query():\n    return sa.select(Order).where(Order.id == 1)\n",
            (3, 12),
            role=ROUTER,
        ),
        invalid(
            "from sqlalchemy import text as raw_sql\n"
            "from sqlalchemy.orm import Session\n"
            "def purge(s: Session):\n"
            "    s.query(Order).delete()\n"
            "    stmt = raw_sql('VACUUM')\n",
            (4, 5),
            (5, 12),
            role=ROUTER,
        ),
        invalid(
            "from typing import Annotated\n"
            "from sqlalchemy.ext.asyncio import AsyncSession\n"
            "async def show(order_id: int, uow: Annotated[AsyncSession, Depends(get_db)]):\n"
            "    return await uow.scalar(q)\n",
            (4, 18),
            role=ROUTER,
        ),
        invalid(
            "async def show(order_id: int, db=Depends(get_db)):\n    return await db.get(Order, order_id)\n",
            (2, 18),
            role=ROUTER,
        ),
        valid(
            "from app.core.pagination import select\ndef pick(items):\n    return select(items, limit=10)\n",
            role=ROUTER,
        ),
        valid(
            "from redis.asyncio import Redis\n"
            "async def cached(key: str, db: Redis):\n"
            "    return await db.get(key)\n",
            role=ROUTER,
        ),
        valid(
            "async def fetch_rates(session, base_url: str):\n"
            "    page = await session.get(f'{base_url}/rates')\n"
            "    await session.delete(base_url + '/cache')\n"
            "    return await session.get(RATES_URL, timeout=3)\n",
            role=ROUTER,
        ),
        valid(
            "import aiohttp\n"
            "import requests\n"
            "session = requests.Session()\n"
            "@router.get('/rates')\n"
            "async def rates():\n"
            "    legacy = session.get(URL)\n"
            "    async with aiohttp.ClientSession() as session:\n"
            "        return await session.get(URL)\n",
            role=ROUTER,
        ),
        valid(
            "async def list_orders(service: OrderService):\n"
            "    orders = await service.list()\n"
            "    return [o.id for o in orders]\n",
            role=ROUTER,
        ),
        valid(
            "from sqlalchemy import select\n"
            "async def get(session):\n"
            "    return await session.execute(select(Order))\n",
            role=Role.REPOSITORY,
        ),
    )

    def __init__(self, ctx: FileContext, options: NoOptions) -> None:
        super().__init__(ctx, options)
        self._reported_calls: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        target = method_call(node)
        if target is not None and target[1] in QUERY_METHODS and not http_shaped(target[1], node):
            receiver, method = target
            state = self.ctx.receiver_state(receiver)
            if state is not False:
                # One finding per query: statements built inside its arguments are part of it.
                self._reported_calls.append(node)
            self.ctx.report_session(
                self.code,
                self.name,
                node,
                state,
                f"`{self.ctx.source_of(receiver)}.{method}()` in router "
                f"'{self.ctx.symbol}': move the query into a repository or service and "
                "call that from the handler",
            )
            return
        constructor = statement_constructor(self.ctx, node)
        if constructor is not None and not self._reported_calls:
            self._reported_calls.append(node)
            self.report(
                node,
                f"SQL statement `{constructor}()` in router '{self.ctx.symbol}': build and run "
                "queries in a repository or service, not in the HTTP layer",
            )

    def leave_Call(self, node: cst.Call) -> None:
        if self._reported_calls and self._reported_calls[-1] is node:
            self._reported_calls.pop()


class TransactionInRouter(FileRule[NoOptions]):
    """
    ## What it does
    Flags transaction control in a router module: `commit`, `rollback`, `begin`,
    `begin_nested` and `flush` called on a session-like receiver, plain or awaited, including
    `async with session.begin():`.

    ## Why is this bad?
    When handlers commit, a use case's transaction boundary depends on which endpoint ran it:
    the same service call is atomic from one route and half-written from another. The service
    (or a unit of work it controls) should own the transaction.

    ## Example
    ```python
    @router.post("/orders")
    async def create_order(body: OrderIn, session: AsyncSession = Depends(get_session)):
        order = await service.create(session, body)
        await session.commit()
        return order
    ```

    Use instead:
    ```python
    @router.post("/orders")
    async def create_order(body: OrderIn, service: OrderService = Depends(get_order_service)):
        return await service.create(body)  # the service commits
    ```

    ## Options
    None of its own; see `session-names` for how receivers are recognised.

    ## Fix
    Move the commit/rollback into the service method that performs the use case.
    """

    code = "RTR002"
    name = "transaction-in-router"
    summary = "transaction control (commit/rollback/begin/flush) in a router"
    roles = frozenset({ROUTER})
    cases = (
        invalid(
            "async def create(body, session: AsyncSession):\n"
            "    session.add(Order(**body))\n"
            "    await session.commit()\n",
            (3, 11),
            role=ROUTER,
        ),
        invalid(
            "from app.deps import SessionDep\n"
            "async def create(body, s: SessionDep):\n"
            "    async with s.begin():\n"
            "        pass\n",
            (3, 16),
            role=ROUTER,
            others={
                "app.deps": "import typing as t\n"
                "from app.db import Db\n"
                "SessionDep = t.Annotated[Db, Depends(get)]\n",
                "app.db": "from sqlalchemy.orm import Session\nDb = Session\n",
            },
        ),
        invalid(
            "def fail(db: Session):\n    db.rollback()\n    db.flush()\n",
            (2, 5),
            (3, 5),
            role=ROUTER,
        ),
        valid(
            "async def publish(outbox: Outbox):\n    await outbox.commit()\n",
            role=ROUTER,
        ),
        valid(
            "async def publish(repo):\n    await repo.git.commit()\n",
            role=ROUTER,
        ),
        valid(
            "async def create(session: AsyncSession):\n    await session.commit()\n",
            role=Role.SERVICE,
        ),
    )

    methods = TRANSACTION_METHODS | {"flush"}

    def visit_Call(self, node: cst.Call) -> None:
        target = method_call(node)
        if target is None or target[1] not in self.methods:
            return
        receiver, method = target
        self.ctx.report_session(
            self.code,
            self.name,
            node,
            self.ctx.receiver_state(receiver),
            f"`{self.ctx.source_of(receiver)}.{method}()` in router '{self.ctx.symbol}': "
            "let the service own the transaction",
        )


@dataclass(frozen=True, slots=True)
class BranchOptions:
    """Options of RTR003."""

    max_branches: int = 0


class LogicInRouteHandler(FileRule[BranchOptions]):
    """
    ## What it does
    Flags business logic in a route handler (a function decorated with `@router.get/post/...`
    of an `APIRouter` or `FastAPI` instance): `if`/`elif` chains, `for`, `while`, `match`,
    conditional expressions (`a if c else b`) and comprehensions with an `if` clause. Helper
    functions that are not route handlers are not checked, nor are `try`/`with` blocks, nor
    the receive loop of a websocket endpoint (`while True:` / `async for` in a
    `@router.websocket` handler).

    ## Why is this bad?
    Decisions in handlers are business rules hidden in the HTTP layer: they cannot be reused
    by background tasks or other endpoints, and can only be tested through HTTP requests.

    ## Example
    ```python
    @router.post("/orders/{order_id}/cancel")
    async def cancel(order_id: int, service: OrderService = Depends(get_order_service)):
        order = await service.get(order_id)
        if order.status == "shipped":
            raise HTTPException(409, "already shipped")
        return await service.cancel(order)
    ```

    Use instead:
    ```python
    @router.post("/orders/{order_id}/cancel")
    async def cancel(order_id: int, service: OrderService = Depends(get_order_service)):
        return await service.cancel(order_id)  # raises OrderAlreadyShipped
    ```

    ## Options
    - `max_branches` (int, default `0`): how many such constructs a handler may hold before
      each of them is reported.

    ## Fix
    Move the decision into the service, raise a domain exception there, and map it to an
    HTTP status with an exception handler.
    """

    code = "RTR003"
    name = "logic-in-route-handler"
    summary = "business logic (branches, loops, filtering) in a route handler"
    roles = frozenset({ROUTER})
    options_type = BranchOptions
    cases = (
        invalid(
            "router = APIRouter()\n"
            "@router.get('/{id}')\n"
            "async def get(id: int):\n"
            "    if id < 0:\n"
            "        return None\n"
            "    elif id == 0:\n"
            "        return 0\n"
            "    return 'big' if id > 9 else 'small'\n",
            (4, 5),
            (8, 12),
            role=ROUTER,
        ),
        invalid(
            "@router.get('/')\n"
            "async def active(service: S):\n"
            "    return [u for u in await service.all() if u.active]\n",
            (3, 12),
            role=ROUTER,
        ),
        invalid(
            "@app.post('/batch')\n"
            "async def batch(items: list[int]):\n"
            "    for item in items:\n"
            "        pass\n"
            "    while False:\n"
            "        pass\n",
            (3, 5),
            (5, 5),
            role=ROUTER,
        ),
        invalid(
            "@orders_router.get('/')\n"
            "def one(x: int):\n"
            "    match x:\n"
            "        case 1:\n"
            "            return 1\n"
            "    if x:\n"
            "        return 2\n",
            (3, 5),
            (6, 5),
            role=ROUTER,
            options={"max_branches": 1},
        ),
        valid(
            "@router.get('/')\n"
            "async def names(service: S):\n"
            "    return [u.name for u in await service.all()]\n",
            role=ROUTER,
        ),
        valid(
            "def _page_size(limit):\n    if limit > 100:\n        return 100\n    return limit\n",
            role=ROUTER,
        ),
        valid(
            "@router.get('/', response_model=Admin if settings.DEBUG else Public)\n"
            "async def me(limit: int = Query(10 if DEV else 50), ids=[i for i in x if i]):\n"
            "    return await service.me(limit)\n",
            role=ROUTER,
        ),
        valid(
            "@router.get('/')\n"
            "async def get(service: S):\n"
            "    try:\n"
            "        return await service.get()\n"
            "    except NotFound:\n"
            "        raise HTTPException(404)\n",
            role=ROUTER,
        ),
        valid(
            "@router.get('/')\nasync def get(x: int):\n    if x:\n        return 1\n",
            role=ROUTER,
            options={"max_branches": 1},
        ),
        valid(
            "@router.get('/')\nasync def get(x: int):\n    if x:\n        return 1\n",
            role=Role.SERVICE,
        ),
        valid(
            "@router.websocket('/ws')\n"
            "async def feed(websocket: WebSocket, hub: Hub = Depends(get_hub)):\n"
            "    await websocket.accept()\n"
            "    while True:\n"
            "        await hub.publish(await websocket.receive_text())\n",
            role=ROUTER,
        ),
    )

    def __init__(self, ctx: FileContext, options: BranchOptions) -> None:
        super().__init__(ctx, options)
        self._handlers: list[tuple[cst.FunctionDef, list[tuple[cst.CSTNode, str]]]] = []
        self._websocket = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self._handlers:
            method = self.ctx.route_method(node)
            if method is not None:
                self._handlers.append((node, []))
                self._websocket = method == "websocket"

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self._handlers or self._handlers[-1][0] is not node:
            return
        _, found = self._handlers.pop()
        if len(found) <= self.options.max_branches:
            return
        for construct, what in found:
            self.report(
                construct,
                f"{what} in route handler '{node.name.value}': move the decision into the "
                "service and keep the handler to HTTP in, service call, HTTP out",
            )

    def _found(self, node: cst.CSTNode, what: str) -> None:
        # Only the handler's body counts: while the handler itself is the innermost statement
        # the walk is in its decorators, parameters or return annotation.
        if self._handlers and self.ctx.statement is not self._handlers[-1][0]:
            self._handlers[-1][1].append((node, what))

    def visit_If(self, node: cst.If) -> None:
        # An elif chain is reported once, at its ``if``.
        if not self.ctx.is_elif(node):
            self._found(node, "`if` statement")

    def visit_For(self, node: cst.For) -> None:
        # ``async for message in websocket.iter_text()`` is the transport, not business logic.
        if not (self._websocket and node.asynchronous):
            self._found(node, "`for` loop")

    def visit_While(self, node: cst.While) -> None:
        # A websocket endpoint needs its receive loop.
        if not self._websocket:
            self._found(node, "`while` loop")

    def visit_Match(self, node: cst.Match) -> None:
        self._found(node, "`match` statement")

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._found(node, "conditional expression")

    def _comprehension(self, node: cst.BaseComp | cst.DictComp) -> None:
        comp_for: cst.CompFor | None = node.for_in
        while comp_for is not None:
            if comp_for.ifs:
                self._found(node, "filtering comprehension")
                return
            comp_for = comp_for.inner_for_in

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._comprehension(node)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._comprehension(node)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._comprehension(node)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._comprehension(node)
