"""RTR004: HTTP guard clauses in route handlers, for conventions that keep routes straight."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archlint.core import NoOptions, Role, invalid, valid
from archlint.rules.base import FileRule
from archlint.rules.guards import HandlerBody, is_guard_body

if TYPE_CHECKING:
    import libcst as cst

    from archlint.rules.context import FileContext

ROUTER = Role.ROUTER


class GuardClauseInRouteHandler(FileRule[NoOptions]):
    """
    ## What it does
    Flags an HTTP guard clause in a route handler: an `if` with no `else` whose body only
    raises (an `HTTPException`, a subclass, or any error) or returns an error response,
    existence guards (`if item is None: raise HTTPException(404)`) included.

    ## Why is this bad?
    In a convention where routes hold no conditionals at all (modular-monolith), every check
    belongs in the service: the service raises a domain exception (`ItemNotFound`) and one
    exception handler maps it to a status code, so the same rule holds for every caller and
    the handler stays a straight line.

    ## Example
    ```python
    @router.get("/items/{item_id}")
    async def read_item(item_id: int, service: ItemService = Depends(get_item_service)):
        item = await service.get(item_id)
        if item is None:
            raise HTTPException(status_code=404, detail="item not found")
        return item
    ```

    Use instead:
    ```python
    @router.get("/items/{item_id}")
    async def read_item(item_id: int, service: ItemService = Depends(get_item_service)):
        return await service.get(item_id)  # raises ItemNotFound, mapped to 404
    ```

    ## Options
    None. On by default in modular-monolith, where it is reported instead of RTR003 for such
    `if`s; opt-in elsewhere (`extend-select = ["RTR004"]`).

    ## Fix
    Move the check into the service, raise a domain exception there, and translate it with
    `app.exception_handler` (or one `try`/`except` mapping in the router).
    """

    code = "RTR004"
    name = "guard-clause-in-route-handler"
    summary = "HTTP guard clause (if ...: raise HTTPException) in a route handler"
    roles = frozenset({ROUTER})
    triggers = frozenset({"if"})
    presets = frozenset({"modular-monolith"})
    cases = (
        invalid(
            "import fastapi\n"
            "from fastapi import HTTPException as E\n"
            "items = fastapi.APIRouter()\n"
            "@items.get('/{id}')\n"
            "def get(id: int, service: S):\n"
            "    item = service.get(id)\n"
            "    if item is None:\n"
            "        raise fastapi.HTTPException(404)\n"
            "    if not item.public: raise E(403)\n"
            "    return item\n",
            (7, 5),
            (9, 5),
            role=ROUTER,
        ),
        invalid(
            "import fastapi\n"
            "@router.get('/{id}')\n"
            "def get(id: int, service: S):\n"
            "    def check(item):\n"
            "        if item is None:\n"
            "            raise fastapi.HTTPException(404)\n"
            "        return item\n"
            "    return check(service.get(id))\n",
            (5, 9),
            role=ROUTER,
        ),
        valid(
            "import fastapi\n"
            "def check(item):\n"
            "    if item is None:\n"
            "        raise fastapi.HTTPException(404)\n"
            "    return item\n"
            "@router.get('/{id}')\n"
            "def get(id: int, service: S):\n"
            "    try:\n"
            "        return check(service.get(id))\n"
            "    except LookupError:\n"
            "        raise fastapi.HTTPException(404)\n",
            role=ROUTER,
        ),
        invalid(
            "@router.get('/{id}')\n"
            "async def get(id: int, service: S):\n"
            "    item = await service.get(id)\n"
            "    if item is None:\n"
            "        raise HTTPException(status_code=404)\n"
            "    if item.hidden:\n"
            "        return JSONResponse(status_code=403, content={})\n"
            "    return item\n",
            (4, 5),
            (6, 5),
            role=ROUTER,
        ),
        valid(
            "@router.get('/{id}')\n"
            "async def get(id: int, service: S):\n"
            "    item = await service.get(id)\n"
            "    if item is None:\n"
            "        item = default()\n"
            "    return item\n",
            role=ROUTER,
        ),
        valid(
            "def helper(item):\n    if item is None:\n        raise HTTPException(404)\n",
            role=ROUTER,
        ),
        invalid(
            "@router.delete('/{id}')\n"
            "async def delete(id: int, service: S, me: User):\n"
            "    if not me.is_admin: raise Forbidden()\n"
            "    await service.delete(id)\n",
            (3, 5),
            role=ROUTER,
        ),
        invalid(
            "@app.get('/{id}')\n"
            "async def get(id: int, service: S):\n"
            "    if (item := await service.get(id)) is None:\n"
            "        raise HTTPException(404)\n"
            "    elif item.hidden:\n"
            "        raise HTTPException(403)\n"
            "    if item.draft:\n"
            "        raise HTTPException(409)\n"
            "    return item\n",
            (7, 5),
            role=ROUTER,
        ),
        valid(
            "@router.get('/{id}')\n"
            "async def get(id: int, service: S):\n"
            "    if id > 3:\n"
            "        return await service.big(id)\n"
            "    return await service.small(id)\n",
            role=ROUTER,
        ),
    )

    def __init__(self, ctx: FileContext, options: NoOptions) -> None:
        super().__init__(ctx, options)
        self._body = HandlerBody(ctx)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._body.enter(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._body.leave(node)

    def visit_If(self, node: cst.If) -> None:
        if self._body.in_body() and not self.ctx.is_elif(node) and is_guard_body(node):
            handler = self._body.handler.name.value if self._body.handler else "?"
            self.report(
                node,
                f"guard clause in route handler '{handler}': check in the service, raise a domain "
                "exception, and map it to a status code with an exception handler",
            )
