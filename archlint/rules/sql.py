"""What counts as ORM/SQL work and transaction control, shared by the router, service and data-layer rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from archlint.core import NoOptions, Requirement
from archlint.rules.base import FileRule
from archlint.rules.context import FileContext, SessionState, Unresolved

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


class SqlWork(FileRule[NoOptions]):
    """ORM/SQL work in a layer that should leave it to another: statement constructors, and
    query methods on a session-like receiver. RTR001 (router) and SVC003 (service) are this
    one detection with their own words.

    One finding per query: statements built inside a reported query's arguments are part of
    it. When the receiver's type is only known project-wide (``uow: UnitOfWork``), the query
    is reported if it turns out to be a session, and the statement inside it otherwise.
    """

    layer: ClassVar[str]
    query_advice: ClassVar[str]
    statement_advice: ClassVar[str]
    triggers = QUERY_METHODS | STATEMENT_CONSTRUCTORS

    def __init__(self, ctx: FileContext, options: NoOptions) -> None:
        super().__init__(ctx, options)
        self._queries: list[tuple[cst.Call, SessionState]] = []

    def visit_Call(self, node: cst.Call) -> None:
        target = method_call(node)
        if target is not None and target[1] in QUERY_METHODS and not http_shaped(target[1], node):
            receiver, method = target
            state = self.ctx.receiver_state(receiver)
            if state is not False:
                self._queries.append((node, state))
            self.ctx.report_session(
                self.code,
                self.name,
                node,
                state,
                f"`{self.ctx.source_of(receiver)}.{method}()` in {self.layer} '{self.ctx.symbol}': "
                f"{self.query_advice}",
            )
            return
        constructor = statement_constructor(self.ctx, node)
        if constructor is None:
            return
        enclosing = [state for _, state in self._queries]
        if True in enclosing:
            return
        self._queries.append((node, True))
        message = (
            f"SQL statement `{constructor}()` in {self.layer} '{self.ctx.symbol}': {self.statement_advice}"
        )
        unresolved = next((s for s in reversed(enclosing) if isinstance(s, Unresolved)), None)
        if unresolved is None:
            self.report(node, message)
        else:
            self.ctx.report(
                self.code,
                self.name,
                node,
                message,
                requires=Requirement.NOT_SESSION_TYPE,
                qualname=unresolved.qualname,
                fallback=unresolved.by_name,
            )

    def leave_Call(self, node: cst.Call) -> None:
        if self._queries and self._queries[-1][0] is node:
            self._queries.pop()
