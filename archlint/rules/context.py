"""What rules know about the module being walked: imports, scopes, session-like names, reports."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from archlint.core import ClassInfo, FileSummary, ModuleInfo, Requirement, import_base

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

SESSION_TYPES = frozenset(
    {
        "sqlalchemy.orm.Session",
        "sqlalchemy.orm.session.Session",
        "sqlalchemy.orm.scoped_session",
        "sqlalchemy.orm.scoping.scoped_session",
        "sqlalchemy.ext.asyncio.AsyncSession",
        "sqlalchemy.ext.asyncio.session.AsyncSession",
        "sqlalchemy.ext.asyncio.async_scoped_session",
        "sqlalchemy.ext.asyncio.AsyncConnection",
        "sqlalchemy.ext.asyncio.engine.AsyncConnection",
        "sqlalchemy.engine.Connection",
        "sqlalchemy.engine.base.Connection",
        "sqlalchemy.Connection",
        "sqlmodel.Session",
        "sqlmodel.orm.session.Session",
        "sqlmodel.ext.asyncio.session.AsyncSession",
        "databases.Database",
    }
)

DEFAULT_SESSION_NAMES = (
    "session",
    "db",
    "db_session",
    "async_session",
    "sess",
    "conn",
    "connection",
    "database",
)

# Libraries whose objects are often called ``session``/``db``/``conn`` but are no database
# session: a name bound from one of their calls is never session-like.
NON_DATABASE_ROOTS = frozenset(
    {
        "aiohttp",
        "requests",
        "httpx",
        "urllib3",
        "boto3",
        "aioboto3",
        "botocore",
        "redis",
        "aioredis",
        "aiosmtplib",
        "smtplib",
        "ftplib",
        "paramiko",
        "websockets",
        "grpc",
        "elasticsearch",
        "opensearchpy",
        "stripe",
    }
)

SESSION_CLASS_NAMES = frozenset({"Session", "AsyncSession", "AsyncConnection"})
ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
UNION = frozenset({"typing.Union", "typing_extensions.Union"})
_ROUTER_FACTORIES = frozenset(
    {
        "fastapi.APIRouter",
        "fastapi.routing.APIRouter",
        "fastapi.FastAPI",
        "fastapi.applications.FastAPI",
    }
)
ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "options", "head", "trace", "api_route", "websocket"}
)
_FALLBACK_ROUTER_NAMES = frozenset({"router", "app", "api", "api_router"})


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A type name this file cannot settle (defined in another module); ``by_name`` is the
    verdict of the session-name fallback should the project not define it either."""

    qualname: str
    by_name: bool


SessionState = bool | Unresolved


@dataclass(slots=True)
class Report:
    """One finding as a rule raised it, before positions are computed."""

    code: str
    rule: str
    node: cst.CSTNode
    statement: cst.CSTNode | None
    message: str
    requires: Requirement | None = None
    qualname: str = ""
    fallback: bool = False
    symbol: str = ""


@dataclass(slots=True)
class _Frame:
    """A function scope: the session state of its parameters and of the locals whose binding
    says something (``s = Session(engine)``, ``async with aiohttp.ClientSession() as s``),
    and its local imports. A name here shadows the module's imports."""

    names: dict[str, SessionState] = field(default_factory=dict)
    bindings: dict[str, str] = field(default_factory=dict)


def dotted_name(node: cst.BaseExpression | cst.Name | cst.Attribute) -> str:
    """``a.b.c`` for a Name/Attribute chain, "" for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def _module_level_statements(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """Top-level statements, looking inside ``if``/``try``/``with`` blocks at module level."""
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            yield from stmt.body
        elif isinstance(stmt, cst.If):
            yield from _module_level_statements(stmt.body.body)
            orelse = stmt.orelse
            while orelse is not None:
                yield from _module_level_statements(orelse.body.body)
                orelse = orelse.orelse if isinstance(orelse, cst.If) else None
        elif isinstance(stmt, cst.Try):
            yield from _module_level_statements(stmt.body.body)
            for handler in stmt.handlers:
                yield from _module_level_statements(handler.body.body)
        elif isinstance(stmt, cst.With):
            yield from _module_level_statements(stmt.body.body)
        else:
            yield stmt


class FileContext:
    """Shared state for the rules walking one module.

    The engine visits it before the rules on the way down and after them on the way up, so a
    rule always sees the scopes and imports in force at the node it is looking at.
    """

    def __init__(
        self,
        info: ModuleInfo,
        module: cst.Module,
        session_names: Sequence[str],
        codes: frozenset[str] = frozenset(),
    ) -> None:
        self.info = info
        self.module = module
        self.session_names = frozenset(session_names)
        self.codes = codes  # the rules running on this file, for rules that defer to another
        self.bindings: dict[str, str] = {}
        self.router_names: set[str] = set()
        self.session_aliases: set[str] = set()
        self.class_infos: list[ClassInfo] = []
        self.reports: list[Report] = []
        self.function_stack: list[cst.FunctionDef] = []
        self.class_stack: list[dict[str, SessionState]] = []
        self._frames: list[_Frame] = []
        self._statements: list[cst.CSTNode] = []
        self._scope_names: list[str] = []
        self._module_states: dict[str, SessionState] = {}
        self._elifs: set[int] = set()
        self._prescan(module)

    # -- module-level facts -------------------------------------------------------------

    def _prescan(self, module: cst.Module) -> None:
        statements = list(_module_level_statements(module.body))
        for stmt in statements:
            if isinstance(stmt, cst.Import | cst.ImportFrom):
                self._bind_import(stmt, self.bindings)
            elif isinstance(stmt, cst.ClassDef):
                self.bindings[stmt.name.value] = f"{self.info.module}.{stmt.name.value}"
        for stmt in statements:
            if isinstance(stmt, cst.ClassDef):
                bases = tuple(q for arg in stmt.bases if (q := self.qualname(arg.value)))
                self.class_infos.append(ClassInfo(f"{self.info.module}.{stmt.name.value}", bases))
            elif isinstance(stmt, cst.Assign | cst.AnnAssign):
                self._prescan_assignment(stmt)
            elif isinstance(stmt, cst.TypeAlias):
                self._record_alias(stmt.name.value, stmt.value)

    def _prescan_assignment(self, stmt: cst.Assign | cst.AnnAssign) -> None:
        if stmt.value is None:
            return
        targets = [t.target for t in stmt.targets] if isinstance(stmt, cst.Assign) else [stmt.target]
        for target in targets:
            if not isinstance(target, cst.Name):
                continue
            value = stmt.value
            if isinstance(value, cst.Call) and self.qualname(value.func) in _ROUTER_FACTORIES:
                self.router_names.add(target.value)
            else:
                self._record_alias(target.value, value)
            state = self.bound_state(value)
            if state is not None:
                self._module_states[target.value] = state

    def _record_alias(self, name: str, value: cst.BaseExpression) -> None:
        """Remember ``SessionDep = Annotated[AsyncSession, ...]``-style aliases of a session type."""
        if not isinstance(value, cst.Subscript | cst.Name | cst.Attribute):
            return
        state = self.annotation_state(value)
        if state is True:
            self.session_aliases.add(name)
        elif isinstance(state, Unresolved):
            # An alias of a name from another module: let the project phase follow the chain.
            self.bindings[name] = state.qualname

    def _bind_import(self, node: cst.Import | cst.ImportFrom, target: dict[str, str]) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                dotted = dotted_name(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    target[alias.asname.name.value] = dotted
                else:
                    first = dotted.split(".")[0]
                    target[first] = first
            return
        if isinstance(node.names, cst.ImportStar):
            return
        module = dotted_name(node.module) if node.module is not None else ""
        base = import_base(self.info, len(node.relative), module)
        for alias in node.names:
            name = dotted_name(alias.name)
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            target[local] = f"{base}.{name}" if base else name

    # -- name resolution ----------------------------------------------------------------

    def lookup(self, name: str) -> str | None:
        """The qualified name a bare name refers to here, or None (builtin, local or unknown)."""
        for frame in reversed(self._frames):
            if name in frame.names:
                return None
            if name in frame.bindings:
                return frame.bindings[name]
        return self.bindings.get(name)

    def qualname(self, expr: cst.BaseExpression) -> str | None:
        """``sqlalchemy.select`` for ``sa.select`` after ``import sqlalchemy as sa``, etc."""
        if isinstance(expr, cst.Name):
            return self.lookup(expr.value)
        if isinstance(expr, cst.Attribute):
            base = self.qualname(expr.value)
            return f"{base}.{expr.attr.value}" if base else None
        return None

    # -- session-like receivers -----------------------------------------------------------

    def annotation_state(self, expr: cst.BaseExpression) -> SessionState:
        """Whether an annotation names a session type: True, False, or Unresolved(qualname)."""
        if isinstance(expr, cst.SimpleString):
            try:
                inner = cst.parse_expression(expr.evaluated_value)  # type: ignore[arg-type]
            except Exception:
                return False
            return self.annotation_state(inner)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            return self._any_state([expr.left, expr.right])
        if isinstance(expr, cst.Subscript):
            base = self.qualname(expr.value)
            elements = [el.slice.value for el in expr.slice if isinstance(el.slice, cst.Index)]
            if not elements:
                return False
            if base in ANNOTATED or base in OPTIONAL:
                return self.annotation_state(elements[0])
            if base in UNION:
                return self._any_state(elements)
            return False
        if isinstance(expr, cst.Name) and expr.value in self.session_aliases:
            return True
        qualname = self.qualname(expr)
        if qualname is None:
            # Unbound (star import, or a snippet): trust the well-known class names.
            return isinstance(expr, cst.Name) and expr.value in SESSION_CLASS_NAMES
        if qualname in SESSION_TYPES:
            return True
        if qualname.split(".")[0] in ("typing", "typing_extensions", "builtins", "sqlalchemy"):
            return False
        return Unresolved(qualname, by_name=False)

    def _any_state(self, exprs: Sequence[cst.BaseExpression]) -> SessionState:
        states = [self.annotation_state(e) for e in exprs]
        if True in states:
            return True
        return next((s for s in states if isinstance(s, Unresolved)), False)

    def _param_state(self, param: cst.Param) -> SessionState:
        by_name = param.name.value in self.session_names
        if param.annotation is None:
            return by_name
        state = self.annotation_state(param.annotation.annotation)
        if isinstance(state, Unresolved):
            return Unresolved(state.qualname, by_name)
        return state

    def _is_session_name(self, name: str) -> bool:
        return name in self.session_names or name.lstrip("_") in self.session_names

    def bound_state(self, value: cst.BaseExpression) -> SessionState | None:
        """What binding a name to ``value`` says about it: a call of a known session class is a
        session, a call into a known non-database client is not; None when it says nothing."""
        if isinstance(value, cst.Await):
            value = value.expression
        if not isinstance(value, cst.Call):
            return None
        qualname = self.qualname(value.func)
        if qualname is None:
            return None
        if qualname in SESSION_TYPES:
            return True
        return False if qualname.split(".")[0] in NON_DATABASE_ROOTS else None

    def _bind_local(self, target: cst.BaseExpression, state: SessionState | None) -> None:
        if state is not None and isinstance(target, cst.Name) and self._frames:
            self._frames[-1].names[target.value] = state

    def receiver_state(self, expr: cst.BaseExpression) -> SessionState:
        """Is ``expr`` (the ``x`` of ``x.commit()``) a session-like receiver?"""
        if isinstance(expr, cst.Name):
            for frame in reversed(self._frames):
                if expr.value in frame.names:
                    return frame.names[expr.value]
            if expr.value in self._module_states:
                return self._module_states[expr.value]
            return expr.value in self.session_names
        if (
            isinstance(expr, cst.Attribute)
            and isinstance(expr.value, cst.Name)
            and expr.value.value in ("self", "cls")
        ):
            attr = expr.attr.value
            if self.class_stack and attr in self.class_stack[-1]:
                return self.class_stack[-1][attr]
            return self._is_session_name(attr)
        return False

    def _class_attributes(self, node: cst.ClassDef) -> dict[str, SessionState]:
        """Attributes of ``self`` known to hold a session, from annotations and ``__init__``."""
        attrs: dict[str, SessionState] = {}
        for stmt in _module_level_statements(node.body.body):
            if isinstance(stmt, cst.AnnAssign) and isinstance(stmt.target, cst.Name):
                attrs[stmt.target.value] = self.annotation_state(stmt.annotation.annotation)
            elif isinstance(stmt, cst.FunctionDef):
                params = {p.name.value: self._param_state(p) for p in _all_params(stmt.params)}
                self._frames.append(_Frame(names=params))
                try:
                    self._assignments_to_self(stmt.body, params, attrs)
                finally:
                    self._frames.pop()
        return attrs

    def _assignments_to_self(
        self,
        body: cst.BaseSuite,
        params: dict[str, SessionState],
        attrs: dict[str, SessionState],
    ) -> None:
        if not isinstance(body, cst.IndentedBlock):
            return
        for stmt in _module_level_statements(body.body):
            if isinstance(stmt, cst.Assign):
                value = stmt.value
                source = params.get(value.value) if isinstance(value, cst.Name) else self.bound_state(value)
                for t in stmt.targets:
                    attr = _self_attribute(t.target)
                    if attr and source is not None:
                        attrs[attr] = source
            elif isinstance(stmt, cst.AnnAssign):
                attr = _self_attribute(stmt.target)
                if attr:
                    attrs[attr] = self.annotation_state(stmt.annotation.annotation)

    # -- route handlers -----------------------------------------------------------------

    def is_route_handler(self, node: cst.FunctionDef) -> bool:
        """Decorated with ``@router.get(...)`` (or another HTTP verb) of an APIRouter/FastAPI."""
        return self.route_method(node) is not None

    def route_method(self, node: cst.FunctionDef) -> str | None:
        """``get``, ``post`` ... ``websocket`` for a route handler, None for any other function."""
        for decorator in node.decorators:
            call = decorator.decorator
            func = call.func if isinstance(call, cst.Call) else call
            if not isinstance(func, cst.Attribute) or func.attr.value not in ROUTE_METHODS:
                continue
            owner = func.value
            if isinstance(owner, cst.Name):
                name = owner.value
                if (
                    name in self.router_names
                    or name in _FALLBACK_ROUTER_NAMES
                    or name.endswith(("router", "_app"))
                ):
                    return func.attr.value
        return None

    # -- traversal hooks (called by the engine around every rule) --------------------------

    def on_visit(self, node: cst.CSTNode) -> None:
        # Exact type checks: isinstance against libcst's ABCMeta classes is slow at this volume.
        kind = type(node)
        if _is_statement(kind):
            self._statements.append(node)
            if kind is cst.If:
                assert isinstance(node, cst.If)
                if isinstance(node.orelse, cst.If):
                    self._elifs.add(id(node.orelse))
        if kind is cst.FunctionDef:
            assert isinstance(node, cst.FunctionDef)
            params = {p.name.value: self._param_state(p) for p in _all_params(node.params)}
            self._frames.append(_Frame(names=params))
            self.function_stack.append(node)
            self._scope_names.append(node.name.value)
        elif kind is cst.ClassDef:
            assert isinstance(node, cst.ClassDef)
            self.class_stack.append(self._class_attributes(node))
            self._scope_names.append(node.name.value)
        elif not self._frames:
            return
        elif kind is cst.Import or kind is cst.ImportFrom:
            assert isinstance(node, cst.Import | cst.ImportFrom)
            self._bind_import(node, self._frames[-1].bindings)
        elif kind is cst.Assign:
            assert isinstance(node, cst.Assign)
            state = self.bound_state(node.value)
            for target in node.targets:
                self._bind_local(target.target, state)
        elif kind is cst.AnnAssign:
            assert isinstance(node, cst.AnnAssign)
            self._bind_local(node.target, self.annotation_state(node.annotation.annotation))
        elif kind is cst.WithItem:
            assert isinstance(node, cst.WithItem)
            if node.asname is not None:
                self._bind_local(node.asname.name, self.bound_state(node.item))

    def is_elif(self, node: cst.If) -> bool:
        """An ``elif`` is the ``orelse`` of the ``if`` before it, and part of its chain."""
        return id(node) in self._elifs

    def on_leave(self, node: cst.CSTNode) -> None:
        kind = type(node)
        if _is_statement(kind):
            self._statements.pop()
        if kind is cst.FunctionDef:
            self._frames.pop()
            self.function_stack.pop()
            self._scope_names.pop()
        elif kind is cst.ClassDef:
            self.class_stack.pop()
            self._scope_names.pop()

    # -- reporting ----------------------------------------------------------------------

    def report(
        self,
        code: str,
        rule: str,
        node: cst.CSTNode,
        message: str,
        *,
        requires: Requirement | None = None,
        qualname: str = "",
        fallback: bool = False,
    ) -> None:
        """Record a finding at ``node``; with ``requires``, only if the project confirms it."""
        self.reports.append(
            Report(code, rule, node, self.statement, message, requires, qualname, fallback, self.symbol)
        )

    def report_session(
        self, code: str, rule: str, node: cst.CSTNode, state: SessionState, message: str
    ) -> None:
        """Report a call on a receiver whose session-ness may only be known project-wide."""
        if state is True:
            self.report(code, rule, node, message)
        elif isinstance(state, Unresolved):
            self.report(
                code,
                rule,
                node,
                message,
                requires=Requirement.SESSION_TYPE,
                qualname=state.qualname,
                fallback=state.by_name,
            )

    def summary(self) -> FileSummary:
        return FileSummary(
            module=self.info.module,
            bindings=dict(self.bindings),
            classes=tuple(self.class_infos),
            session_aliases=tuple(f"{self.info.module}.{n}" for n in sorted(self.session_aliases)),
        )

    @property
    def statement(self) -> cst.CSTNode | None:
        """The innermost statement being visited (a ``def`` while in its signature)."""
        return self._statements[-1] if self._statements else None

    @property
    def symbol(self) -> str:
        """``Class.method`` or ``function`` for messages; ``module level`` outside any."""
        return ".".join(self._scope_names) or "module level"

    def source_of(self, node: cst.CSTNode) -> str:
        """The code of a (small) node, for messages."""
        return self.module.code_for_node(node)


_STATEMENT_TYPES: dict[type, bool] = {}


def _is_statement(kind: type) -> bool:
    """``issubclass(kind, cst.BaseStatement)``, cached: it runs for every node of every tree."""
    known = _STATEMENT_TYPES.get(kind)
    if known is None:
        known = _STATEMENT_TYPES[kind] = issubclass(kind, cst.BaseStatement)
    return known


def _all_params(params: cst.Parameters) -> Iterator[cst.Param]:
    yield from params.posonly_params
    yield from params.params
    if isinstance(params.star_arg, cst.Param):
        yield params.star_arg
    yield from params.kwonly_params
    if params.star_kwarg is not None:
        yield params.star_kwarg


def _self_attribute(target: cst.BaseExpression) -> str | None:
    if (
        isinstance(target, cst.Attribute)
        and isinstance(target.value, cst.Name)
        and target.value.value == "self"
    ):
        return target.attr.value
    return None
