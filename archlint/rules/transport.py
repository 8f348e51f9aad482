"""SVC002: HTTP transport objects (requests, responses, websockets, status codes) in a service."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archlint.core import Requirement, Role, invalid, valid
from archlint.rules.base import FileRule
from archlint.rules.http import HTTP_EXCEPTIONS, http_dependency, names_request_input
from archlint.rules.words import subclass_words

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

if TYPE_CHECKING:
    from archlint.rules.context import FileContext

SERVICE = Role.SERVICE

DEFAULT_BANNED_NAMES = (
    "fastapi.Request",
    "fastapi.requests",
    "starlette.requests",
    "fastapi.Response",
    "fastapi.responses",
    "starlette.responses",
    "fastapi.WebSocket",
    "fastapi.WebSocketDisconnect",
    "fastapi.websockets",
    "starlette.websockets",
    "fastapi.status",
    "starlette.status",
)

_RESPONSE_CLASSES = (
    "Response",
    "JSONResponse",
    "HTMLResponse",
    "PlainTextResponse",
    "RedirectResponse",
    "StreamingResponse",
    "FileResponse",
    "ORJSONResponse",
    "UJSONResponse",
)
# The roots a project's own response class is resolved to, across files.
RESPONSE_TYPES = frozenset(
    {
        "fastapi.Response",
        *(f"{m}.{name}" for m in ("fastapi.responses", "starlette.responses") for name in _RESPONSE_CLASSES),
    }
)


@dataclass(frozen=True, slots=True)
class TransportOptions:
    """Options of SVC002."""

    banned_names: tuple[str, ...] = DEFAULT_BANNED_NAMES


class TransportInService(FileRule[TransportOptions]):
    """
    ## What it does
    Flags HTTP transport objects in a service: `Request`, `Response` and its subclasses
    (`JSONResponse`, `RedirectResponse` ..., and your own, resolved across files),
    `WebSocket`, `status` codes, anything from `fastapi.responses`, and starlette's
    `requests`, `responses`, `websockets` and `status` modules. Names are resolved through
    imports, aliases and module attributes (`from fastapi import Request as R`, `import
    fastapi; fastapi.Request`). Each use is reported (an annotation, a call, `status.HTTP_...`),
    at most once per statement; the import itself is not.

    Not flagged: a FastAPI dependency kept in the services module, i.e. a function taking
    `Depends()`, `Header()`, `Query()` ... parameters, or nothing but request objects
    (`get_current_user(request: Request)`): reading the request is its job. A function
    that takes the request next to plain values (`run_task(request, task_id)`) or a method
    is service code. Also not flagged: starlette helpers that are no
    transport (`run_in_threadpool`, `BackgroundTasks`), and status codes passed to an
    `HTTPException`: they are part of the exception, which SVC001 reports.

    ## Why is this bad?
    A service that takes a `Request` or returns a `Response` can only be called from an HTTP
    handler: tasks, CLIs, other services and tests must fake a request to use it, and the
    business rules get tangled with headers, cookies and status codes.

    ## Example
    ```python
    from fastapi import Request, status
    from fastapi.responses import JSONResponse

    class OrderService:
        async def create(self, request: Request) -> JSONResponse:
            body = await request.json()
            order = await self.orders.add(Order(**body))
            return JSONResponse({"id": order.id}, status_code=status.HTTP_201_CREATED)
    ```

    Use instead:
    ```python
    class OrderService:
        async def create(self, data: OrderCreate) -> Order:
            return await self.orders.add(Order(**data.model_dump()))
    # the router parses the body into OrderCreate and picks the status code
    ```

    ## Options
    - `banned_names` (list of strings): qualified names (or module prefixes) that count as
      transport; a name matches an entry equal to it or starting with it and a dot. Default:
      `fastapi.Request`, `fastapi.requests`, `starlette.requests`, `fastapi.Response`,
      `fastapi.responses`, `starlette.responses`, `fastapi.WebSocket`,
      `fastapi.WebSocketDisconnect`, `fastapi.websockets`, `starlette.websockets`,
      `fastapi.status`, `starlette.status`. Add `starlette` to ban all of starlette.

    ## Fix
    Read what the service needs (ids, the parsed body, the client address) in the router or a
    dependency and pass plain values; return domain objects and let the router build the
    response and choose the status code.
    """

    code = "SVC002"
    name = "transport-in-service"
    summary = "HTTP transport object (Request, Response, WebSocket, status) in a service"
    roles = frozenset({SERVICE})
    presets = frozenset({"layered-v1", "modular-monolith", "domain-routers"})
    options_type = TransportOptions
    # A transport name is reached through an import of its package (the first part of a
    # banned name), or is one of the project's own response classes (the project words).
    triggers = frozenset({name.split(".")[0] for name in DEFAULT_BANNED_NAMES})
    cases = (
        invalid(
            "from fastapi import Request as R, status\n"
            "class OrderService:\n"
            "    async def create(self, request: R, data):\n"
            "        ip = request.client.host\n"
            "        return {'code': status.HTTP_201_CREATED}\n",
            (3, 37),
            (5, 25),
            role=SERVICE,
        ),
        invalid(
            "import fastapi\n"
            "import starlette.responses as sr\n"
            "def export(rows):\n"
            "    def render(data) -> fastapi.Response:\n"
            "        return sr.StreamingResponse(data)\n"
            "    return render(rows)\n",
            (4, 25),
            (5, 16),
            role=SERVICE,
        ),
        invalid(
            "from fastapi import responses\n"
            "from app.core.http import ORJSONResponse\n"
            "async def report(orders):\n"
            "    if not orders:\n"
            "        return responses.RedirectResponse('/empty')\n"
            "    return ORJSONResponse([o.id for o in orders])\n",
            (5, 16),
            (6, 12),
            role=SERVICE,
            others={
                "app.core.http": "from fastapi.responses import JSONResponse\n"
                "class ORJSONResponse(JSONResponse):\n    pass\n",
            },
        ),
        invalid(
            "from app.messaging import Inbox\ndef push(inbox: Inbox):\n    inbox.send()\n",
            (2, 17),
            role=SERVICE,
            options={"banned_names": ["app.messaging"]},
        ),
        valid(
            "from typing import Annotated\n"
            "from fastapi import Depends, Header, Request, WebSocket\n"
            "async def current_user(request: Request, token: Annotated[str, Header()]):\n"
            "    return request.state.user\n"
            "def get_service(request: Request, db=Depends(get_db)):\n"
            "    return OrderService(db, request.app.state.cache)\n"
            "def client_ip(request: Request, ws: WebSocket | None = None) -> str:\n"
            "    return request.client.host\n",
            role=SERVICE,
        ),
        invalid(
            "from starlette.requests import Request\n"
            "from starlette import status as codes\n"
            "async def run_task(request: Request, task_id: str):\n"
            "    return codes.HTTP_202_ACCEPTED\n",
            (3, 29),
            (4, 12),
            role=SERVICE,
        ),
        valid(
            "from app.core.http import ORJSONResponse\n"
            "from starlette.concurrency import run_in_threadpool\n"
            "async def report(orders, status):\n"
            "    status = status or 'open'\n"
            "    await run_in_threadpool(compute, orders)\n"
            "    return ORJSONResponse(orders)\n",
            role=SERVICE,
            others={"app.core.http": "class ORJSONResponse:\n    pass\n"},
        ),
        valid(
            "from fastapi import HTTPException, status\n"
            "def get(order_id):\n"
            "    raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)\n",
            role=SERVICE,
            others={},
        ),
        valid(
            "from fastapi import Request\n"
            "async def handler(request: Request):\n"
            "    return await request.json()\n",
            role=Role.ROUTER,
        ),
        valid(
            "import fastapi\n"
            "class Order:\n"
            "    status = 'open'\n"
            "    def close(self, request_id: str):\n"
            "        self.status = 'closed'\n"
            "        return fastapi.__version__, self.request(status='x')\n",
            role=SERVICE,
        ),
    )

    @classmethod
    def trigger_words(cls, options: object) -> frozenset[str] | None:
        if isinstance(options, TransportOptions):
            return frozenset(name.split(".")[0] for name in options.banned_names)
        return cls.triggers

    @classmethod
    def project_words(cls, sources: Iterable[bytes]) -> frozenset[str]:
        return subclass_words(list(sources), RESPONSE_TYPES)

    def __init__(self, ctx: FileContext, options: TransportOptions) -> None:
        super().__init__(ctx, options)
        self._skip: set[int] = set()
        self._reported: set[int] = set()
        self._http_errors: list[cst.Call] = []
        self._importing = False

    def _dependency(self, function: cst.FunctionDef) -> bool:
        """A FastAPI dependency: it takes request inputs other than the transport objects
        (``Depends()``, ``Header()`` ...), or it takes nothing but request inputs
        (``get_current_user(request: Request)``). A function that also takes plain values
        (``run_task(request: Request, task_id: str)``) is a service function."""
        if http_dependency(self.ctx, function, lambda q: not self._banned(q)):
            return True
        params = function.params
        every = (*params.posonly_params, *params.params, *params.kwonly_params)
        return bool(every) and all(
            p.annotation is not None and names_request_input(self.ctx, p.annotation.annotation) for p in every
        )

    def _banned(self, qualname: str) -> bool:
        return any(qualname == b or qualname.startswith(b + ".") for b in self.options.banned_names)

    # -- positions that name something without referring to it ------------------------------

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._skip.add(id(node.attr))
        if id(node) in self._skip:
            self._skip.add(id(node.value))
            return
        self._skip.add(id(node.value))  # the chain is judged whole, at its outermost node
        self._check(node)

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._skip:
            self._check(node)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._skip.add(id(node.keyword))

    def visit_Param(self, node: cst.Param) -> None:
        self._skip.add(id(node.name))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._skip.add(id(node.name))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._skip.add(id(node.name))

    def visit_Import(self, node: cst.Import) -> None:
        self._importing = True

    def leave_Import(self, node: cst.Import) -> None:
        self._importing = False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._importing = True

    def leave_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._importing = False

    def visit_AsName(self, node: cst.AsName) -> None:
        self._skip.add(id(node.name))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._skip.add(id(node.target))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._skip.add(id(node.target))

    def visit_Call(self, node: cst.Call) -> None:
        # `HTTPException(status_code=status.HTTP_404_NOT_FOUND)`: the status code is part of
        # the exception, which is SVC001's concern (and accepted wherever SVC001 is off).
        if self.ctx.qualname(node.func) in HTTP_EXCEPTIONS:
            self._http_errors.append(node)

    def leave_Call(self, node: cst.Call) -> None:
        if self._http_errors and self._http_errors[-1] is node:
            self._http_errors.pop()

    # -- the check ------------------------------------------------------------------------

    def _check(self, node: cst.Name | cst.Attribute) -> None:
        statement = self.ctx.statement
        if self._importing or id(statement) in self._reported:
            return
        qualname = self.ctx.qualname(node)
        if qualname is None or self._http_errors or qualname in HTTP_EXCEPTIONS:
            return
        banned = self._banned(qualname)
        # A project class named like a response may subclass one: the project phase decides.
        words = self.ctx.project_words.get(self.code)
        name = qualname.rpartition(".")[2]
        maybe_response = (
            not banned
            and name.endswith("Response")
            and (words is None or name in words)
            and not qualname.startswith(("fastapi.", "starlette.", "builtins."))
        )
        if not (banned or maybe_response):
            return
        if any(self._dependency(f) for f in self.ctx.function_stack):
            return  # a FastAPI dependency kept in the services module reads the request by design
        self._reported.add(id(statement))
        message = (
            f"`{self.ctx.source_of(node)}` (HTTP transport) in service '{self.ctx.symbol}': pass the "
            "values the service needs and return domain objects; the router reads the request "
            "and builds the response"
        )
        if banned:
            self.report(node, message)
        else:
            self.ctx.report(
                self.code, self.name, node, message, requires=Requirement.RESPONSE_TYPE, qualname=qualname
            )
