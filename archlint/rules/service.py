"""Service-layer rules: services speak the domain's language, not HTTP's."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from archlint.core import NoOptions, Requirement, Role, invalid, valid
from archlint.rules.base import FileRule

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

if TYPE_CHECKING:
    from archlint.rules.context import FileContext

SERVICE = Role.SERVICE

HTTP_EXCEPTIONS = frozenset(
    {
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "starlette.exceptions.HTTPException",
        "starlette.HTTPException",
    }
)


_CLASS = re.compile(rb"^[ \t]*class[ \t]+(\w+)[ \t]*\(([^)]*)\)", re.MULTILINE)
_ALIAS = re.compile(rb"^(\w+)[ \t]*(?::[^=\n]*)?=[ \t]*([\w.]+)[ \t]*(?:#.*)?$", re.MULTILINE)
_WORD = re.compile(rb"\w+")
_IMPORTED = re.compile(rb"\bimport[ \t]+(\([^)]*\)|[^\n]*)")
_AS = re.compile(rb"(\w+)\s+as\s+(\w+)")


def subclass_words(sources: Sequence[bytes], roots: Iterable[str]) -> frozenset[str]:
    """The short names of every class (module-level alias, import alias) in ``sources`` that
    may derive from one of ``roots`` (qualified names), matched by name alone: a superset of
    the real subclasses, which only the project phase can tell apart. Only the files that
    mention a name found so far are read, round by round."""
    found = {root.rsplit(".", 1)[-1].encode() for root in roots}
    edges: dict[int, list[tuple[bytes, bytes]]] = {}  # file -> (base, derived) pairs
    frontier = set(found)
    while frontier:
        for index, source in enumerate(sources):
            if index not in edges and any(word in source for word in frontier):
                edges[index] = _derivations(source)
        frontier = set()
        for pairs in edges.values():
            for base, name in pairs:
                if base in found and name not in found:
                    found.add(name)
                    frontier.add(name)
    return frozenset(name.decode() for name in found)


def _derivations(source: bytes) -> list[tuple[bytes, bytes]]:
    """(base, derived) name pairs: ``class D(B)``, ``D = m.B``, ``import B as D``."""
    pairs = [(base, m.group(1)) for m in _CLASS.finditer(source) for base in _WORD.findall(m.group(2))]
    pairs.extend((m.group(2).rsplit(b".", 1)[-1], m.group(1)) for m in _ALIAS.finditer(source))
    for imported in _IMPORTED.finditer(source):
        pairs.extend((name, alias) for name, alias in _AS.findall(imported.group(1)))
    return pairs


# What FastAPI fills in per request: a function taking one of these is a dependency.
REQUEST_INPUTS = frozenset(
    {
        *(f"fastapi.{n}" for n in ("Header", "Query", "Cookie", "Path", "Body", "Form", "File")),
        *(f"fastapi.params.{n}" for n in ("Header", "Query", "Cookie", "Path", "Body", "Form")),
        "fastapi.Depends",
        "fastapi.Security",
        "fastapi.params.Depends",
        "fastapi.Request",
        "fastapi.WebSocket",
        "starlette.requests.Request",
    }
)


class HTTPExceptionInService(FileRule[NoOptions]):
    """
    ## What it does
    Flags `HTTPException` raised or constructed in a service: `fastapi.HTTPException`,
    `starlette.exceptions.HTTPException` (imported under any alias or reached as a module
    attribute) and project-defined subclasses of them, resolved across files
    (`PostNotFound(NotFound)` -> `NotFound(DetailedHTTPException)` -> `HTTPException`).
    A function that takes request parameters (`Header()`, `Query()`, `Depends()`,
    `Request` ...) is a FastAPI dependency even in a services module, and raising HTTP
    errors is its job: it is not flagged.

    ## Why is this bad?
    A service that raises HTTP errors can only be called from an HTTP request: a background
    task, a CLI or another service gets a status code instead of a domain error. The mapping
    from domain failures to status codes belongs to the HTTP layer.

    ## Example
    ```python
    async def cancel_order(self, order_id: int) -> Order:
        order = await self.orders.get(order_id)
        if order is None:
            raise HTTPException(status_code=404, detail="order not found")
    ```

    Use instead:
    ```python
    async def cancel_order(self, order_id: int) -> Order:
        order = await self.orders.get(order_id)
        if order is None:
            raise OrderNotFound(order_id)  # mapped to 404 by an exception handler
    ```

    ## Options
    None. On by default in every preset except `best-practices`, whose convention keeps
    HTTP-flavoured exceptions in domain `exceptions.py` modules; enable it there with
    `extend-select = ["SVC001"]`.

    ## Fix
    Define a domain exception in the domain's `exceptions.py`, raise it from the service, and
    translate it to an HTTP response in the router or with `app.exception_handler`.
    """

    code = "SVC001"
    name = "http-exception-in-service"
    summary = "HTTPException (or a project subclass of it) raised in a service"
    roles = frozenset({SERVICE})
    triggers = frozenset[str]()  # only the project words: HTTPException and its subclasses
    presets = frozenset({"layered-v1", "modular-monolith", "domain-routers", "by-layer"})
    cases = (
        invalid(
            "from fastapi import HTTPException\n"
            "async def get(order_id):\n"
            "    raise HTTPException(status_code=404)\n",
            (3, 5),
            role=SERVICE,
        ),
        invalid(
            "import fastapi\n"
            "from starlette.exceptions import HTTPException as StarletteError\n"
            "def check(x):\n"
            "    if x:\n"
            "        raise fastapi.HTTPException(400)\n"
            "    error = StarletteError(409)\n"
            "    raise error\n",
            (5, 9),
            (6, 13),
            role=SERVICE,
        ),
        invalid(
            "from src.posts.exceptions import PostNotFound as Missing\n"
            "def get(post_id):\n"
            "    raise Missing()\n",
            (3, 5),
            role=SERVICE,
            others={
                "src.exceptions": "from fastapi import HTTPException\n"
                "class DetailedHTTPException(HTTPException):\n    pass\n",
                "src.errors": "from src.exceptions import DetailedHTTPException as Base\n"
                "class NotFound(Base):\n    pass\n",
                "src.posts.exceptions": "from src import errors\n"
                "class PostNotFound(errors.NotFound):\n    pass\n",
            },
        ),
        invalid(
            "from src import exceptions as exc\ndef get(post_id):\n    raise exc.NotFound\n",
            (3, 5),
            role=SERVICE,
            others={
                "src.exceptions": "from fastapi.exceptions import HTTPException\n"
                "class NotFound(HTTPException):\n    pass\n",
            },
        ),
        invalid(
            "import starlette.exceptions\n"
            "from starlette import exceptions as se\n"
            "from fastapi import HTTPException as H\n"
            "class Conflict(H):\n"
            "    pass\n"
            "def pay(invoice):\n"
            "    if invoice.paid:\n"
            "        raise Conflict()\n"
            "    if invoice.void:\n"
            "        raise se.HTTPException(410)\n"
            "    raise starlette.exceptions.HTTPException(status_code=400) from None\n",
            (8, 9),
            (10, 9),
            (11, 5),
            role=SERVICE,
        ),
        valid(
            "from src.orders.exceptions import OrderNotFound\n"
            "def get(order_id):\n"
            "    raise OrderNotFound(order_id)\n",
            role=SERVICE,
            others={"src.orders.exceptions": "class OrderNotFound(Exception):\n    pass\n"},
        ),
        valid(
            "from fastapi import HTTPException\n"
            "async def current_user(token: str):\n"
            "    raise HTTPException(status_code=401)\n",
            role=Role.DEPENDENCIES,
        ),
        valid(
            "from app.http import HTTPException\ndef get():\n    raise HTTPException()\n",
            role=SERVICE,
            others={"app.http": "class HTTPException(Exception):\n    pass\n"},
        ),
        valid(
            "def get(x):\n    raise ValueError(x)\n",
            role=SERVICE,
        ),
        valid(
            "from typing import Annotated\n"
            "from fastapi import Header, HTTPException\n"
            "async def current_org(x_api_key: Annotated[str | None, Header()] = None):\n"
            "    if x_api_key is None:\n"
            "        raise HTTPException(401)\n",
            role=SERVICE,
        ),
        invalid(
            "from fastapi import Header, HTTPException\n"
            "async def current_org(key: str):\n"
            "    raise HTTPException(401)\n",
            (3, 5),
            role=SERVICE,
        ),
    )

    @classmethod
    def project_words(cls, sources: Iterable[bytes]) -> frozenset[str]:
        return subclass_words(list(sources), HTTP_EXCEPTIONS)

    def __init__(self, ctx: FileContext, options: NoOptions) -> None:
        super().__init__(ctx, options)
        self._raised: set[int] = set()

    def _http_dependency(self, function: cst.FunctionDef) -> bool:
        """A function taking request parameters (``Header()``, ``Depends()``, ``Request`` ...):
        FastAPI calls it per request, so raising HTTP errors there is its job."""
        params = function.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            pieces = [param.default] if param.default is not None else []
            if param.annotation is not None:
                pieces.append(param.annotation.annotation)
            for piece in pieces:
                if self._names_request_input(piece):
                    return True
        return False

    def _names_request_input(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Call):
            return self._names_request_input(expr.func)
        if isinstance(expr, cst.Subscript):  # Annotated[str, Header()], Optional[Request]
            return any(
                isinstance(e.slice, cst.Index) and self._names_request_input(e.slice.value)
                for e in expr.slice
            )
        if isinstance(expr, cst.BinaryOperation):  # Request | None
            return self._names_request_input(expr.left) or self._names_request_input(expr.right)
        qualname = self.ctx.qualname(expr)
        return qualname is not None and qualname in REQUEST_INPUTS

    def visit_Raise(self, node: cst.Raise) -> None:
        exc = node.exc
        if exc is None:
            return
        target = exc.func if isinstance(exc, cst.Call) else exc
        if isinstance(exc, cst.Call):
            self._raised.add(id(exc))
        self._check(node, target, "raised")

    def visit_Call(self, node: cst.Call) -> None:
        # Only class-like names can be exception constructors; skip plain function calls.
        name = node.func.attr.value if isinstance(node.func, cst.Attribute) else None
        if isinstance(node.func, cst.Name):
            name = node.func.value
        if id(node) not in self._raised and name and name[0].isupper():
            self._check(node, node.func, "constructed")

    def _may_derive(self, qualname: str) -> bool:
        """Whether a class could be an HTTPException subclass, by its name (words not computed:
        anything could)."""
        words = self.ctx.project_words.get(self.code)
        return words is None or qualname.rsplit(".", 1)[-1] in words

    def _check(self, node: cst.CSTNode, target: cst.BaseExpression, verb: str) -> None:
        qualname = self.ctx.qualname(target)
        if qualname is None:
            return
        if any(self._http_dependency(f) for f in self.ctx.function_stack):
            return  # a FastAPI dependency kept in a services module is HTTP code, not service
        shown = self.ctx.source_of(target)
        advice = (
            "raise a domain exception and map it to an HTTP response in the router or an exception handler"
        )
        if qualname in HTTP_EXCEPTIONS:
            self.report(node, f"`{shown}` {verb} in service '{self.ctx.symbol}': {advice}")
        elif not qualname.startswith(("fastapi.", "starlette.", "builtins.")) and self._may_derive(qualname):
            # Reported only if the project phase finds HTTPException among its bases.
            message = f"`{shown}` (an HTTPException subclass) {verb} in service '{self.ctx.symbol}': {advice}"
            self.ctx.report(
                self.code,
                self.name,
                node,
                message,
                requires=Requirement.HTTP_EXCEPTION,
                qualname=qualname,
            )
