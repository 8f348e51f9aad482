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
