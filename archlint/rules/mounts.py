"""Routers in the summary: which module-level names build a router, what each registers, and
what every ``include_router``/``mount`` call includes, followed through local names, loops over
literal lists and module-level sequences. Only ``summary`` calls this (one reader)."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from archlint.core import RouterInclude

ROUTER_FACTORIES = frozenset(
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
_REGISTRATIONS = frozenset({"add_api_route", "add_api_websocket_route", "add_route", "add_websocket_route"})
# Callees whose result names a router archlint cannot know.
_DYNAMIC_CALLEES = frozenset(
    {
        "builtins.getattr",
        "builtins.__import__",
        "builtins.vars",
        "builtins.globals",
        "importlib.import_module",
    }
)
_BUILTINS = frozenset(vars(builtins))
_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def maybe_router_factory(qualname: str | None) -> bool:
    """A callee that may build a router or an app: FastAPI's own, or one whose name says so
    (a project subclass, ``polar.routing.APIRouter``); the project phase settles which."""
    if qualname is None:
        return False
    last = qualname.rpartition(".")[2]
    return qualname in ROUTER_FACTORIES or "Router" in last or "FastAPI" in last


class _Dynamic:
    """A name whose value archlint cannot follow (a parameter, a loop over a call)."""


DYNAMIC = _Dynamic()


@dataclass(slots=True)
class _Found:
    targets: list[str] = field(default_factory=list)
    factories: list[str] = field(default_factory=list)
    sequences: list[str] = field(default_factory=list)
    dynamic: bool = False

    def merge(self, other: _Found) -> None:
        self.targets += other.targets
        self.factories += other.factories
        self.sequences += other.sequences
        self.dynamic = self.dynamic or other.dynamic


# A local name's possible values: expressions (evaluated in the scope that bound them), the
# qualified name of a sequence defined elsewhere, or DYNAMIC.
_Value = list[tuple[ast.expr, "_Env"]] | str | _Dynamic


@dataclass(slots=True)
class _Env:
    names: dict[str, _Value]
    parent: _Env | None = None

    def lookup(self, name: str) -> tuple[_Value, bool]:
        env: _Env | None = self
        while env is not None:
            if name in env.names:
                return env.names[name], True
            env = env.parent
        return DYNAMIC, False


class MountReader:
    """Reads one module's router registrations and include calls."""

    def __init__(
        self,
        module: str,
        qualname: Callable[[ast.expr], str | None],
        module_names: Iterable[str],
        literals: Mapping[str, ast.expr],
    ) -> None:
        self.module = module
        self._qualname = qualname
        self.module_names = frozenset(module_names)  # assigned or defined at module level
        self.literals = literals  # module-level list/tuple literals, by name
        self.includes: list[RouterInclude] = []
        self.included_by: dict[str, int] = {}
        self._lines: frozenset[int] | None = None

    # -- values ---------------------------------------------------------------------------

    def resolve(self, node: ast.expr, env: _Env) -> _Found:
        found = _Found()
        if isinstance(node, ast.Name):
            value, local = env.lookup(node.id)
            if local:
                self._resolve_value(value, found)
            elif node.id in self.module_names:
                found.targets.append(f"{self.module}.{node.id}")
            else:
                qualname = self._qualname(node)
                if qualname is None:
                    found.dynamic = True
                else:
                    found.targets.append(qualname)
        elif isinstance(node, ast.Attribute):
            base = self.resolve(node.value, env)
            found.targets = [f"{t}.{node.attr}" for t in base.targets]
            # An attribute of a sequence element or of a built object cannot be followed.
            found.dynamic = base.dynamic or bool(base.sequences or base.factories)
        elif isinstance(node, ast.Call):
            callee = self._callee(node.func, env)
            if callee is None or callee in _DYNAMIC_CALLEES:
                found.dynamic = True
            else:
                found.factories.append(callee)
        else:
            found.dynamic = True
        return found

    def sequence(self, literal: ast.expr) -> tuple[str, ...]:
        """The qualified names a module-level list or tuple holds, if every element is one."""
        elements = self._elements(literal, _Env({}))
        if not isinstance(elements, list):
            return ()
        found = _Found()
        for expr, scope in elements:
            if not isinstance(expr, ast.Name | ast.Attribute):
                return ()
            found.merge(self.resolve(expr, scope))
        return () if found.dynamic else tuple(found.targets)

    def _resolve_value(self, value: _Value, found: _Found) -> None:
        if isinstance(value, _Dynamic):
            found.dynamic = True
        elif isinstance(value, str):
            found.sequences.append(value)
        else:
            for expr, scope in value:
                found.merge(self.resolve(expr, scope))

    def _callee(self, func: ast.expr, env: _Env) -> str | None:
        """The called function's qualified name (``builtins.getattr``, ``app.users.make``,
        ``app.auth.router.fastapi_users.get_auth_router`` for a module-level object's method)."""
        parts: list[str] = []
        root = func
        while isinstance(root, ast.Attribute):
            parts.append(root.attr)
            root = root.value
        if not isinstance(root, ast.Name):
            return None
        dotted = ".".join([root.id, *reversed(parts)])
        if env.lookup(root.id)[1]:
            return None  # a local function or a parameter
        if root.id in self.module_names:
            return f"{self.module}.{dotted}"
        if not parts and root.id in _BUILTINS and self._qualname(root) is None:
            return f"builtins.{root.id}"
        return self._qualname(func)

    def _elements(self, node: ast.expr, env: _Env) -> _Value:
        """What a loop over ``node`` binds its variable to."""
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                return DYNAMIC
            return [(e, env) for e in node.elts]
        if isinstance(node, ast.Name):
            value, local = env.lookup(node.id)
            if local:
                if isinstance(value, list) and len(value) == 1:
                    return self._elements(*value[0])
                return DYNAMIC
            literal = self.literals.get(node.id)
            if literal is not None:
                return self._elements(literal, _Env({}))
            qualname = self._qualname(node)
            return qualname if qualname is not None else DYNAMIC
        return DYNAMIC

    def bind_loop(self, target: ast.expr, iterable: ast.expr, env: _Env) -> dict[str, _Value]:
        elements = self._elements(iterable, env)
        if isinstance(target, ast.Name):
            return {target.id: elements}
        names = [e.id if isinstance(e, ast.Name) else None for e in getattr(target, "elts", ())]
        bound: dict[str, _Value] = {n: DYNAMIC for n in _assigned(target)}
        if not names or None in names or not isinstance(elements, list):
            return bound
        columns: list[list[tuple[ast.expr, _Env]]] = [[] for _ in names]
        for expr, scope in elements:
            if not isinstance(expr, ast.Tuple | ast.List) or len(expr.elts) != len(names):
                return bound
            for i, element in enumerate(expr.elts):
                columns[i].append((element, scope))
        return {n: c for n, c in zip(names, columns, strict=True) if n is not None}

    # -- the walk -------------------------------------------------------------------------

    def read(self, body: Sequence[ast.stmt], lines: frozenset[int] | None = None) -> None:
        """Read the include calls of a module body; ``lines`` (when known) are the only lines
        that may hold one: a statement spanning none of them is skipped whole."""
        self._lines = lines
        self._block(body, _Env({}), top=True)

    def _block(self, body: Sequence[ast.stmt], env: _Env, *, top: bool) -> None:
        for stmt in body:
            if self._lines is None or self._spans_marked(stmt):
                self._statement(stmt, env, top=top)
            elif not top and isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
                self._assign_local(stmt, env)  # a later include may name it

    def _spans_marked(self, stmt: ast.stmt) -> bool:
        assert self._lines is not None
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
        last = stmt.end_lineno or stmt.lineno
        return any(first <= line <= last for line in self._lines)

    def _statement(self, stmt: ast.stmt, env: _Env, *, top: bool) -> None:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in stmt.decorator_list:
                self._calls(decorator, env)
            params: dict[str, _Value] = {a.arg: DYNAMIC for a in _parameters(stmt.args)}
            self._block(stmt.body, _Env(params, env), top=False)
            return
        if isinstance(stmt, ast.ClassDef):
            for expr in (*stmt.decorator_list, *stmt.bases):
                self._calls(expr, env)
            self._block(stmt.body, env, top=top)
            return
        for expr in _own_expressions(stmt):
            self._calls(expr, env)
        if isinstance(stmt, ast.For | ast.AsyncFor):
            loop = _Env(self.bind_loop(stmt.target, stmt.iter, env), env)
            self._block(stmt.body, loop, top=False)
            self._block(stmt.orelse, env, top=top)
            return
        for block in _blocks(stmt):
            self._block(block, env, top=top)
        if not top and isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
            self._assign_local(stmt, env)

    def _assign_local(self, stmt: ast.Assign | ast.AnnAssign | ast.AugAssign, env: _Env) -> None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        value = stmt.value
        for target in targets:
            if isinstance(target, ast.Name) and value is not None and not isinstance(stmt, ast.AugAssign):
                env.names[target.id] = [(value, env)]
            else:
                env.names.update((n, DYNAMIC) for n in _assigned(target))

    def _calls(self, expr: ast.expr, env: _Env) -> None:
        for node in _walk(expr):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            method = node.func.attr
            if method == "include_router":
                argument = _argument(node, 0, "router")
            elif method == "mount":
                argument = _argument(node, 1, "app")
            else:
                continue
            receiver = node.func.value
            if (
                isinstance(receiver, ast.Name)
                and not env.lookup(receiver.id)[1]
                and method == "include_router"
            ):
                self.included_by[receiver.id] = self.included_by.get(receiver.id, 0) + 1
            found = self.resolve(argument, env) if argument is not None else _Found(dynamic=True)
            self.includes.append(
                RouterInclude(
                    line=node.lineno,
                    column=node.col_offset + 1,
                    targets=tuple(found.targets),
                    factories=tuple(found.factories),
                    sequences=tuple(found.sequences),
                    # An app mounted on a path is a sub-application, not a router of ours.
                    dynamic=found.dynamic and method == "include_router",
                )
            )


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    if len(positional) != len(call.args):
        return None
    return positional[position] if len(positional) > position else None


def _parameters(args: ast.arguments) -> Iterator[ast.arg]:
    yield from args.posonlyargs
    yield from args.args
    yield from args.kwonlyargs
    if args.vararg:
        yield args.vararg
    if args.kwarg:
        yield args.kwarg


def _assigned(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _assigned(element)
    elif isinstance(target, ast.Starred):
        yield from _assigned(target.value)


def _blocks(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement blocks nested in a compound statement (``except`` and ``case`` bodies too)."""
    for name in _BLOCK_FIELDS:
        inner = getattr(stmt, name, None)
        if not isinstance(inner, list):
            continue
        if name in ("handlers", "cases"):
            for item in inner:
                yield item.body
        else:
            yield inner


def _own_expressions(stmt: ast.stmt) -> Iterator[ast.expr]:
    """A statement's expressions, without the statements nested in it."""
    for name, value in ast.iter_fields(stmt):
        if name in _BLOCK_FIELDS:
            continue
        if isinstance(value, ast.expr):
            yield value
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, ast.expr):
                    yield item
                elif isinstance(item, ast.withitem):
                    yield item.context_expr


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under ``node``, without recursion (expressions can nest deeply)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(ast.iter_child_nodes(current))


def registrations(statements: Iterable[ast.stmt], names: Iterable[str]) -> dict[str, int]:
    """Endpoints each router name gets in the module: route decorators on functions and
    methods (``@router.get(...)``) and ``router.add_api_route(...)`` calls."""
    wanted = frozenset(names)
    counts: dict[str, int] = {}
    stack = list(statements)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, ast.ClassDef):
            stack.extend(stmt.body)
            decorators: list[ast.expr] = list(stmt.decorator_list)
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            decorators = list(stmt.decorator_list)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            func = stmt.value.func
            if isinstance(func, ast.Attribute) and func.attr in _REGISTRATIONS:
                owner = func.value
                if isinstance(owner, ast.Name) and owner.id in wanted:
                    counts[owner.id] = counts.get(owner.id, 0) + 1
            continue
        else:
            continue
        for decorator in decorators:
            func = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(func, ast.Attribute) and func.attr in ROUTE_METHODS:
                owner = func.value
                if isinstance(owner, ast.Name) and owner.id in wanted:
                    counts[owner.id] = counts.get(owner.id, 0) + 1
    return counts
