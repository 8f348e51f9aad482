"""What counts as ORM/SQL work and transaction control, shared by the router, service and data-layer rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archlint.rules.context import FileContext

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

SQL_PACKAGES = frozenset({"sqlalchemy", "sqlmodel"})

STATEMENT_CONSTRUCTORS = frozenset(
    {
        "select",
        "insert",
        "update",
        "delete",
        "text",
        "union",
        "union_all",
        "intersect",
        "intersect_all",
        "except_",
        "except_all",
        "exists",
        "values",
        "lambda_stmt",
    }
)

QUERY_METHODS = frozenset(
    {
        "execute",
        "scalars",
        "scalar",
        "exec",
        "query",
        "get",
        "get_one",
        "add",
        "add_all",
        "delete",
        "merge",
        "refresh",
        "stream",
        "stream_scalars",
        "fetch_all",
        "fetch_one",
        "fetch_val",
        "iterate",
    }
)

TRANSACTION_METHODS = frozenset({"commit", "rollback", "begin", "begin_nested"})


def statement_constructor(ctx: FileContext, call: cst.Call) -> str | None:
    """``select`` if ``call`` builds a SQLAlchemy/SQLModel statement, resolved through imports."""
    qualname = ctx.qualname(call.func)
    if qualname is None:
        return None
    parts = qualname.split(".")
    if parts[0] in SQL_PACKAGES and parts[-1] in STATEMENT_CONSTRUCTORS:
        return parts[-1]
    return None


def method_call(call: cst.Call) -> tuple[cst.BaseExpression, str] | None:
    """``(receiver, method)`` for ``receiver.method(...)``."""
    if isinstance(call.func, cst.Attribute):
        return call.func.value, call.func.attr.value
    return None


def http_shaped(method: str, call: cst.Call) -> bool:
    """``session.get(url)`` of an HTTP client rather than ``session.get(Model, pk)``.

    Without type information a ``session`` may be a requests/aiohttp session passed in as a
    parameter. SQLAlchemy's ``get`` always takes an entity and a key, so a ``get`` with fewer
    than two positional arguments, or a ``get``/``delete`` whose first argument is a string or
    is built from something named like a URL, is an HTTP call.
    """
    if method not in ("get", "delete"):
        return False
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if method == "get" and len(positional) < 2:
        return True
    return bool(positional) and _url_like(positional[0].value)


def _url_like(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.SimpleString | cst.FormattedString | cst.ConcatenatedString):
        return True
    if isinstance(expr, cst.BinaryOperation):
        return _url_like(expr.left) or _url_like(expr.right)
    if isinstance(expr, cst.Call):
        return _url_like(expr.func)
    if isinstance(expr, cst.Attribute):
        return "url" in expr.attr.value.lower()
    return isinstance(expr, cst.Name) and "url" in expr.value.lower()
