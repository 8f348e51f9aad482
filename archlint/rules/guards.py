"""What in a route handler is HTTP wiring rather than business logic (guard clauses, existence
guards, reads of transport data, loops that only format the response), and which handler
the walk is in."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

if TYPE_CHECKING:
    from archlint.rules.context import FileContext

# Calls that only shape output: rows into a CSV writer, items into a list, markup into a buffer.
_FORMATTING_METHODS = frozenset(
    {"append", "extend", "add", "update", "write", "writerow", "writerows", "writelines", "join"}
)


def _name(expr: cst.BaseExpression) -> bool:
    """A bare name, or a walrus binding one (``(user := await service.get(id))``)."""
    if isinstance(expr, cst.NamedExpr):
        return isinstance(expr.target, cst.Name)
    return isinstance(expr, cst.Name)


def is_existence_test(test: cst.BaseExpression) -> bool:
    """``x is None``, ``x is not None``, ``not x`` or ``x``: whether a row exists, nothing
    about what it holds."""
    if _name(test):
        return True
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _name(test.expression)
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        return (
            _name(test.left)
            and isinstance(target.operator, (cst.Is, cst.IsNot))
            and isinstance(target.comparator, cst.Name)
            and target.comparator.value == "None"
        )
    return False


def _callee(expr: cst.BaseExpression) -> str:
    if isinstance(expr, cst.Call):
        func = expr.func
        if isinstance(func, cst.Name):
            return func.value
        if isinstance(func, cst.Attribute):
            return func.attr.value
    return ""


def is_guard_body(node: cst.If) -> bool:
    """An ``if`` with no ``else`` whose body only raises, or returns an error response
    (``return JSONResponse(status_code=404, ...)``)."""
    if node.orelse is not None:
        return False
    body = node.body
    statements = body.body if isinstance(body, cst.IndentedBlock) else ()
    if isinstance(body, cst.SimpleStatementSuite):
        statements = (cst.SimpleStatementLine(body=body.body),)
    if len(statements) != 1 or not isinstance(statements[0], cst.SimpleStatementLine):
        return False
    small = statements[0].body
    if len(small) != 1:
        return False
    statement = small[0]
    if isinstance(statement, cst.Raise):
        return statement.exc is not None
    if isinstance(statement, cst.Return) and statement.value is not None:
        return _callee(statement.value).endswith("Response")
    return False


def reads_only(expr: cst.BaseExpression, names: frozenset[str]) -> bool:
    """Whether ``expr`` only reads attributes of ``names`` (the request, the websocket) and
    constants: ``request.client.host if request.client else None``."""
    if isinstance(expr, cst.Name):
        return expr.value in names or expr.value in ("None", "True", "False")
    if isinstance(expr, (cst.SimpleString, cst.Integer, cst.Float, cst.ConcatenatedString)):
        return True
    if isinstance(expr, cst.Attribute):
        return reads_only(expr.value, names)
    if isinstance(expr, cst.Subscript):
        return reads_only(expr.value, names)
    if isinstance(expr, cst.Call):
        return isinstance(expr.func, cst.Attribute) and reads_only(expr.func.value, names)
    if isinstance(expr, cst.IfExp):
        return all(reads_only(e, names) for e in (expr.test, expr.body, expr.orelse))
    if isinstance(expr, cst.UnaryOperation):
        return reads_only(expr.expression, names)
    if isinstance(expr, cst.BooleanOperation):
        return reads_only(expr.left, names) and reads_only(expr.right, names)
    if isinstance(expr, cst.Comparison):  # request.method == "POST"
        return reads_only(expr.left, names) and all(reads_only(c.comparator, names) for c in expr.comparisons)
    return False


def _tested_name(test: cst.BaseExpression) -> str | None:
    while isinstance(test, cst.UnaryOperation | cst.Comparison | cst.NamedExpr):
        test = (
            test.expression
            if isinstance(test, cst.UnaryOperation)
            else (test.target if isinstance(test, cst.NamedExpr) else test.left)
        )
    return test.value if isinstance(test, cst.Name) else None


def _plain(expr: cst.BaseExpression, tested: str | None) -> bool:
    """A constant, a name, or a conversion of the tested name: ``None``, ``"x"``, ``q``, ``int(q)``."""
    if isinstance(expr, (cst.Name, cst.SimpleString, cst.Integer, cst.Float, cst.ConcatenatedString)):
        return True
    if isinstance(expr, cst.Call) and isinstance(expr.func, (cst.Name, cst.Attribute)):
        return all(
            not arg.star
            and (
                isinstance(arg.value, cst.SimpleString | cst.Integer | cst.Float)
                or (isinstance(arg.value, cst.Name) and arg.value.value == tested)
            )
            for arg in expr.args
        )
    return False


def coerces(node: cst.IfExp) -> bool:
    """``country if country else None``, ``int(days) if days else None``, ``"true" if value else
    "false"``: a value normalised or spelled out on whether it is set, which decides nothing."""
    if not is_existence_test(node.test):
        return False
    tested = _tested_name(node.test)
    return _plain(node.body, tested) and _plain(node.orelse, tested)


def _formats(node: cst.CSTNode) -> bool:
    """Whether nothing under ``node`` branches, exits early, awaits or calls anything but an
    output-building method. A plain walk: a visitor class would load libcst on import."""
    if isinstance(node, (cst.If, cst.While, cst.Match, cst.IfExp, cst.Await, cst.Raise, cst.Return)):
        return False
    if isinstance(node, (cst.Break, cst.Continue, cst.Try, cst.With)):
        return False
    if isinstance(node, (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
        comp: cst.CompFor | None = node.for_in
        while comp is not None:
            if comp.ifs:
                return False
            comp = comp.inner_for_in
    if isinstance(node, cst.Expr) and isinstance(node.value, cst.Call):
        func = node.value.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in _FORMATTING_METHODS):
            return False
    return all(_formats(child) for child in node.children)


def only_formats(node: cst.For) -> bool:
    """A ``for`` loop with no condition, no early exit and no awaited call, whose statements
    only build what the handler returns (``writer.writerow(...)``, ``items.append(...)``,
    ``html += ...``)."""
    if node.orelse is not None or node.asynchronous is not None:
        return False
    return _formats(node.body)


# Parameters a handler reads the transport from.
_TRANSPORT_TYPES = frozenset(
    {"fastapi.Request", "fastapi.WebSocket", "starlette.requests.Request", "starlette.websockets.WebSocket"}
)
_TRANSPORT_NAMES = frozenset({"request", "websocket", "ws"})


class HandlerBody:
    """Tracks the route handler being walked: constructs count only in its body."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.handler: cst.FunctionDef | None = None
        self.websocket = False
        self.transport: frozenset[str] = frozenset()

    def enter(self, node: cst.FunctionDef) -> bool:
        if self.handler is not None:
            return False
        method = self.ctx.route_method(node)
        if method is None:
            return False
        self.handler = node
        self.websocket = method == "websocket"
        self.transport = self._transport(node)
        return True

    def leave(self, node: cst.FunctionDef) -> bool:
        if self.handler is node:
            self.handler = None
            return True
        return False

    def in_body(self) -> bool:
        # While the handler itself is the innermost statement, the walk is in its decorators,
        # parameters or return annotation.
        return self.handler is not None and self.ctx.statement is not self.handler

    def _transport(self, node: cst.FunctionDef) -> frozenset[str]:
        names = set()
        for param in (*node.params.params, *node.params.kwonly_params, *node.params.posonly_params):
            name = param.name.value
            annotation = param.annotation.annotation if param.annotation else None
            qualname = self.ctx.qualname(annotation) if annotation is not None else None
            if name in _TRANSPORT_NAMES or (qualname is not None and qualname in _TRANSPORT_TYPES):
                names.add(name)
        return frozenset(names)
