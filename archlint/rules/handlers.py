"""Business logic in route handlers (RTR003) and HTTP guard clauses (RTR004)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from archlint.core import Role, invalid, valid
from archlint.rules.base import FileRule
from archlint.rules.guards import (
    HandlerBody,
    coerces,
    is_existence_test,
    is_guard_body,
    only_formats,
    reads_only,
)

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

if TYPE_CHECKING:
    from archlint.rules.context import FileContext

ROUTER = Role.ROUTER
# Libraries that build HTML with ``with element(...):`` blocks; a branch inside one chooses
# what to show, which is presentation, like the formatting loops.
MARKUP_LIBRARIES = frozenset({"tagflow", "dominate", "yattag", "airium", "htpy", "fasthtml"})


@dataclass(frozen=True, slots=True)
class BranchOptions:
    """Options of RTR003."""

    max_branches: int = 0


class LogicInRouteHandler(FileRule[BranchOptions]):
    """
    ## What it does
    Flags business logic in a route handler (a function decorated with `@router.get/post/...`
    of an `APIRouter` or `FastAPI` instance): `if`/`elif` chains, `for`, `while`, `match`,
    conditional expressions (`a if c else b`) and comprehensions with an `if` clause.

    Not counted, because they are HTTP wiring: existence guards (an `if` whose test is only
    `x is None`, `x is not None`, `not x` or `x`, a walrus `(x := ...)` counting as the name,
    and whose body only raises or returns an error response: mapping a missing row to 404);
    conditional expressions that only read transport data (`request.client.host if
    request.client else None`); a websocket endpoint's receive loop; a `for` loop or
    comprehension with no condition whose body only builds what the handler returns (CSV
    rows, markup, response items). Every other guard (attributes, comparisons, calls:
    ownership, status, uniqueness, input rules) is business logic and counts. Where RTR004
    runs (modular-monolith), every guard clause is RTR004's instead. Helper functions that
    are not route handlers are not checked, nor are `try`/`with` blocks.

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
    - `max_branches` (int, default `0`): how many such constructs a handler may hold. With
      `0` each construct is reported; above `0` a handler that holds more is reported once,
      at its name, saying how many it holds ("4 branches (max 1)").

    ## Fix
    Move the decision into the service, raise a domain exception there, and map it to an
    HTTP status with an exception handler.
    """

    code = "RTR003"
    name = "logic-in-route-handler"
    summary = "business logic (branches, loops, filtering) in a route handler"
    roles = frozenset({ROUTER})
    triggers = frozenset({"if", "for", "while", "match"})
    options_type = BranchOptions
    cases = (
        valid(
            "from tagflow import tag, text\n"
            "router = APIRouter()\n"
            "@router.get('/{id}')\n"
            "async def page(id: int, customer=Depends(get_customer)):\n"
            "    with tag.div(classes='card'):\n"
            "        if customer.billing_address:\n"
            "            with tag.h3():\n"
            "                text('Billing address' if customer.company else 'Address')\n",
            role=ROUTER,
        ),
        valid(
            "router = APIRouter()\n"
            "@router.get('/')\n"
            "async def search(country: str = '', days: str = '', flag: bool = False):\n"
            "    country = country if country else None\n"
            "    days_int = int(days) if days else None\n"
            "    return await service.search(country, days_int, 'true' if flag else 'false')\n",
            role=ROUTER,
        ),
        invalid(
            "from tagflow import tag\n"
            "router = APIRouter()\n"
            "@router.get('/{id}')\n"
            "async def page(id: int, user=Depends(current_user)):\n"
            "    if user.is_admin:\n"
            "        with tag.div():\n"
            "            pass\n"
            "    limit = 100 if user.plan == 'pro' else 10\n",
            (5, 5),
            (8, 13),
            role=ROUTER,
        ),
        invalid(
            "from fastapi import APIRouter as Router\n"
            "orders = Router()\n"
            "@orders.get('/{id}')\n"
            "def get(id: int, service: S):\n"
            "    def pick(order):\n"
            "        return order if order.visible else None\n"
            "    return pick(service.get(id))\n",
            (6, 16),
            role=ROUTER,
        ),
        invalid(
            "import fastapi as fa\n"
            "items = fa.APIRouter()\n"
            "@items.post('/')\n"
            "async def create(body: ItemIn, service: S):\n"
            "    if body.price > 100:\n"
            "        body.flagged = True\n"
            "    return await service.create(body)\n",
            (5, 5),
            role=ROUTER,
        ),
        valid(
            "import fastapi as fa\n"
            "items = fa.APIRouter()\n"
            "def not_a_route(body):\n"
            "    if body.price > 100:\n"
            "        return 1\n"
            "@items.post('/')\n"
            "async def create(body: ItemIn, service: S):\n"
            "    return await service.create(body)\n",
            role=ROUTER,
        ),
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
            "        await save(item)\n"
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
            "    if x > 1:\n"
            "        return 2\n",
            (2, 5),
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
        valid(
            "@router.get('/{id}')\n"
            "async def get(id: int, service: S):\n"
            "    item = await service.get(id)\n"
            "    if item is None:\n"
            "        raise HTTPException(status_code=404)\n"
            "    if not (user := await service.owner(id)):\n"
            "        return JSONResponse(status_code=404, content={})\n"
            "    return item\n",
            role=ROUTER,
        ),
        invalid(
            "@router.get('/{id}')\n"
            "async def get(id: int, service: S, me: User):\n"
            "    item = await service.get(id)\n"
            "    if item.owner_id != me.id:\n"
            "        raise HTTPException(status_code=403)\n"
            "    if item is None:\n"
            "        log.warning('missing')\n"
            "        raise HTTPException(status_code=404)\n"
            "    return item\n",
            (4, 5),
            (6, 5),
            role=ROUTER,
        ),
        valid(
            "@router.post('/login')\n"
            "async def login(request: Request, service: S):\n"
            "    ip = request.client.host if request.client else None\n"
            "    return await service.login(ip)\n",
            role=ROUTER,
        ),
        invalid(
            "@router.post('/login')\n"
            "async def login(request: Request, service: S, limit: int):\n"
            "    ip = request.client.host if limit > 3 else None\n"
            "    return await service.login(ip)\n",
            (3, 10),
            role=ROUTER,
        ),
        valid(
            "@router.get('/export.csv')\n"
            "async def export(service: S):\n"
            "    buffer = io.StringIO()\n"
            "    writer = csv.writer(buffer)\n"
            "    for row in await service.rows():\n"
            "        writer.writerow([row.id, row.name])\n"
            "    return Response(buffer.getvalue())\n",
            role=ROUTER,
        ),
        invalid(
            "@router.post('/bulk')\n"
            "async def bulk(items: list[Item], service: S):\n"
            "    for item in items:\n"
            "        await service.save(item)\n",
            (3, 5),
            role=ROUTER,
        ),
        invalid(
            "@router.get('/{id}')\n"
            "async def get(id: int):\n"
            "    if id < 0:\n"
            "        return None\n"
            "    for x in range(id):\n"
            "        print(x)\n"
            "    return [i for i in range(id) if i]\n",
            (2, 11),
            role=ROUTER,
            options={"max_branches": 2},
        ),
    )

    def __init__(self, ctx: FileContext, options: BranchOptions) -> None:
        super().__init__(ctx, options)
        self._body = HandlerBody(ctx)
        self._found_in: list[tuple[cst.CSTNode, str]] = []
        self._markup: list[cst.With] = []  # open ``with`` blocks that build HTML elements

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self._body.enter(node):
            self._found_in = []

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self._body.leave(node):
            return
        found, limit = self._found_in, self.options.max_branches
        if len(found) <= limit:
            return
        if limit:
            self.report(
                node.name,
                f"{len(found)} branches (max {limit}) in route handler '{node.name.value}': move "
                "the decisions into the service and keep the handler to HTTP in, service call, HTTP out",
            )
            return
        for construct, what in found:
            self.report(
                construct,
                f"{what} in route handler '{node.name.value}': move the decision into the "
                "service and keep the handler to HTTP in, service call, HTTP out",
            )

    def _found(self, node: cst.CSTNode, what: str) -> None:
        if self._body.in_body() and not self._markup:
            self._found_in.append((node, what))

    def visit_With(self, node: cst.With) -> None:
        if self._body.in_body() and any(self._builds_markup(item.item) for item in node.items):
            self._markup.append(node)

    def leave_With(self, node: cst.With) -> None:
        if self._markup and self._markup[-1] is node:
            self._markup.pop()

    def _builds_markup(self, expr: cst.BaseExpression) -> bool:
        """``with tag.div(...)``: an element of server-rendered HTML from a markup library."""
        while isinstance(expr, cst.Call | cst.Attribute | cst.Subscript):
            expr = expr.func if isinstance(expr, cst.Call) else expr.value
        qualname = self.ctx.qualname(expr)
        return qualname is not None and qualname.split(".")[0] in MARKUP_LIBRARIES

    def visit_If(self, node: cst.If) -> None:
        # An elif chain is reported once, at its ``if``.
        if self.ctx.is_elif(node):
            return
        if is_guard_body(node) and ("RTR004" in self.ctx.codes or is_existence_test(node.test)):
            return  # HTTP wiring, or RTR004's finding where the convention forbids guards
        self._found(node, "`if` statement")

    def visit_For(self, node: cst.For) -> None:
        # ``async for message in websocket.iter_text()`` is the transport, not business logic.
        if self._body.websocket and node.asynchronous:
            return
        if not only_formats(node):
            self._found(node, "`for` loop")

    def visit_While(self, node: cst.While) -> None:
        # A websocket endpoint needs its receive loop.
        if not self._body.websocket:
            self._found(node, "`while` loop")

    def visit_Match(self, node: cst.Match) -> None:
        self._found(node, "`match` statement")

    def visit_IfExp(self, node: cst.IfExp) -> None:
        if not reads_only(node, self._body.transport) and not coerces(node):
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
