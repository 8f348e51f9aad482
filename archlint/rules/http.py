"""What is HTTP in a module below the router: HTTPException and its project subclasses, and the
FastAPI dependencies that may raise them. SVC001 and REP002 are one detection in two layers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar

from archlint.core import NoOptions, Requirement
from archlint.rules.base import FileRule
from archlint.rules.words import subclass_words

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

if TYPE_CHECKING:
    from archlint.rules.context import FileContext

HTTP_EXCEPTIONS = frozenset(
    {
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "starlette.exceptions.HTTPException",
        "starlette.HTTPException",
    }
)

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


def names_request_input(
    ctx: FileContext, expr: cst.BaseExpression, counts: Callable[[str], bool] = lambda _: True
) -> bool:
    """Whether ``expr`` (a default or an annotation) names a request input ``counts`` accepts."""
    if isinstance(expr, cst.Call):
        return names_request_input(ctx, expr.func, counts)
    if isinstance(expr, cst.Subscript):  # Annotated[str, Header()], Optional[Request]
        return any(
            isinstance(e.slice, cst.Index) and names_request_input(ctx, e.slice.value, counts)
            for e in expr.slice
        )
    if isinstance(expr, cst.BinaryOperation):  # Request | None
        return names_request_input(ctx, expr.left, counts) or names_request_input(ctx, expr.right, counts)
    qualname = ctx.qualname(expr)
    return qualname is not None and qualname in REQUEST_INPUTS and counts(qualname)


def http_dependency(
    ctx: FileContext, function: cst.FunctionDef, counts: Callable[[str], bool] = lambda _: True
) -> bool:
    """A function taking request parameters (``Header()``, ``Depends()``, ``Request`` ...):
    FastAPI calls it per request, so HTTP is its job. ``counts`` says which request inputs
    count as evidence (SVC002 does not let ``Request`` vouch for itself)."""
    params = function.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        pieces = [param.default] if param.default is not None else []
        if param.annotation is not None:
            pieces.append(param.annotation.annotation)
        if any(names_request_input(ctx, piece, counts) for piece in pieces):
            return True
    return False


def in_http_dependency(ctx: FileContext) -> bool:
    """Whether the walk is inside (or in the signature of) a FastAPI dependency function."""
    return any(http_dependency(ctx, f) for f in ctx.function_stack)


class HTTPErrorInLayer(FileRule[NoOptions]):
    """``HTTPException`` raised or constructed below the router: ``fastapi``'s and
    ``starlette``'s under any alias or module path, and project subclasses of them, which the
    project phase confirms across files. FastAPI dependencies kept in the module are HTTP code
    and are left alone."""

    layer: ClassVar[str]
    triggers = frozenset[str]()  # only the project words: HTTPException and its subclasses

    @classmethod
    def project_words(cls, sources: Iterable[bytes]) -> frozenset[str]:
        return subclass_words(list(sources), HTTP_EXCEPTIONS)

    def __init__(self, ctx: FileContext, options: NoOptions) -> None:
        super().__init__(ctx, options)
        self._raised: set[int] = set()

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
        if in_http_dependency(self.ctx):
            return  # a FastAPI dependency kept in this module is HTTP code
        shown = self.ctx.source_of(target)
        where = f"in {self.layer} '{self.ctx.symbol}'"
        advice = (
            "raise a domain exception and map it to an HTTP response in the router or an exception handler"
        )
        if qualname in HTTP_EXCEPTIONS:
            self.report(node, f"`{shown}` {verb} {where}: {advice}")
        elif not qualname.startswith(("fastapi.", "starlette.", "builtins.")) and self._may_derive(qualname):
            # Reported only if the project phase finds HTTPException among its bases.
            self.ctx.report(
                self.code,
                self.name,
                node,
                f"`{shown}` (an HTTPException subclass) {verb} {where}: {advice}",
                requires=Requirement.HTTP_EXCEPTION,
                qualname=qualname,
            )
