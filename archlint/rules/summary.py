"""The summary of one module: the facts the project phase and the file rules share.

Every file gets one, read with the stdlib parser (about ten times faster than libcst): its
module-level bindings (imports, classes, aliases of names defined elsewhere), classes and
their bases, session aliases, routers and what includes them (``mounts``), every import
statement with its position, module-level sequences and loggers. It is the only reader of
these facts: ``FileContext`` and the project rules start from it instead of reading them again.
A file with syntax newer than this interpreter is summarised from the statements libcst
splits it into (``summarise_module``); what it had to leave out makes the summary partial.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from archlint.core import (
    ClassInfo,
    FileSummary,
    ImportFact,
    LoggerCall,
    ModuleInfo,
    RouterDef,
    import_base,
)
from archlint.rules.mounts import MountReader, maybe_router_factory, registrations
from archlint.rules.sessions import annotation_state

LOGGER_FACTORIES = frozenset({"getLogger", "get_logger"})
_BUILTIN_NAMES = frozenset(vars(builtins))

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

# ``type X = ...`` statements exist from Python 3.12 on.
_TYPE_ALIAS = getattr(ast, "TypeAlias", None)


def bind_import(
    info: ModuleInfo, level: int, module: str | None, names: Iterable[tuple[str, str | None]]
) -> dict[str, str]:
    """The local names an import statement binds and what they refer to. ``module`` is None
    for ``import a.b``; ``names`` are (dotted name, alias) pairs, ``*`` binds nothing."""
    bound: dict[str, str] = {}
    if module is None and not level:
        for name, alias in names:
            if alias:
                bound[alias] = name
            else:
                first = name.split(".")[0]
                bound[first] = first
        return bound
    base = import_base(info, level, module or "")
    for name, alias in names:
        if name != "*":
            bound[alias or name] = f"{base}.{name}" if base else name
    return bound


def _statements(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, looking inside ``if``/``try``/``with`` blocks."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            yield from _statements(stmt.body)
            yield from _statements(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            yield from _statements(stmt.body)
            for handler in stmt.handlers:
                yield from _statements(handler.body)
        elif isinstance(stmt, ast.With):
            yield from _statements(stmt.body)
        else:
            yield stmt


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


_NEWLINES = re.compile(r"\r\n?|\n")
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _imports(info: ModuleInfo, tree: ast.Module) -> list[ImportFact]:
    """Every import statement, with whether it is type-only or inside a function. Only
    statements hold imports, so the walk goes block by block (never into expressions, which
    can nest deeper than the interpreter's recursion limit)."""
    facts: list[ImportFact] = []
    stack: list[tuple[ast.AST, bool, bool]] = [(s, False, False) for s in reversed(tree.body)]
    while stack:
        node, type_checking, lazy = stack.pop()
        if isinstance(node, ast.Import):
            for alias in node.names:
                facts.append(_fact(node, alias.name, (), type_checking, lazy))
        elif isinstance(node, ast.ImportFrom):
            module = import_base(info, node.level, node.module or "")
            if module:
                facts.append(_fact(node, module, tuple(a.name for a in node.names), type_checking, lazy))
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend((s, type_checking, lazy) for s in reversed(node.orelse))
            stack.extend((s, True, lazy) for s in reversed(node.body))
        else:
            inner = lazy or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            children = [c for field in _BLOCKS for c in getattr(node, field, ())]
            stack.extend((c, type_checking, inner) for c in reversed(children))
    return facts


def _fact(node: ast.stmt, module: str, names: tuple[str, ...], type_checking: bool, lazy: bool) -> ImportFact:
    return ImportFact(module, names, node.lineno, node.col_offset + 1, type_checking, lazy)


def _logger_name(value: ast.expr) -> ast.Constant | ast.Name | None:
    """The literal naming a logger in ``getLogger("x")`` / ``get_logger(name="x")``, or the
    ``__name__`` in ``getLogger(__name__)``."""
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if called not in LOGGER_FACTORIES:
        return None
    argument = (
        value.args[0] if value.args else next((k.value for k in value.keywords if k.arg == "name"), None)
    )
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument
    if isinstance(argument, ast.Name) and argument.id == "__name__":
        return argument
    return None


class _Summariser:
    def __init__(self, info: ModuleInfo) -> None:
        self.info = info
        self.bindings: dict[str, str] = {}
        self.aliases: set[str] = set()
        self.routers: list[RouterDef] = []
        self.loggers: list[LoggerCall] = []
        self.literals: dict[str, ast.expr] = {}

    def qualname(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.bindings.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def base(self, node: ast.expr) -> str | None:
        """A class base: as ``qualname``, and a name the module never binds is a builtin."""
        if isinstance(node, ast.Name) and node.id not in self.bindings and node.id in _BUILTIN_NAMES:
            return f"builtins.{node.id}"
        return self.qualname(node)

    def assign(self, target: ast.Name, value: ast.expr, aliases: tuple[str, ...] = ()) -> None:
        name = target.id
        if isinstance(value, ast.Call):
            factory = self.qualname(value.func)
            if factory is not None and maybe_router_factory(factory):
                self.routers.append(
                    RouterDef(name, factory, target.lineno, target.col_offset + 1, aliases=aliases)
                )
                return
            named = _logger_name(value)
            if named is not None:
                text = named.id if isinstance(named, ast.Name) else str(named.value)
                self.loggers.append(LoggerCall(text, named.lineno, named.col_offset + 1))
            return
        if isinstance(value, ast.List | ast.Tuple):
            self.literals[name] = value
            return
        if isinstance(value, ast.Name):
            for i, router in enumerate(self.routers):
                if value.id in router.names:  # ``api = router``: one router, two names
                    self.routers[i] = replace(router, aliases=(*router.aliases, name))
                    return
        if not isinstance(value, ast.Subscript | ast.Name | ast.Attribute | ast.BinOp):
            return
        state = annotation_state(value, self.qualname, self.aliases)
        if state is True:
            self.aliases.add(name)
        elif isinstance(state, str):
            # An alias of a name from another module: the project phase follows the chain.
            self.bindings[name] = state

    def run(self, tree: ast.Module, mounting: frozenset[int] | None = None) -> FileSummary:
        """The summary; ``mounting`` the lines that may hold an include or mount call (None:
        any line may)."""
        module = self.info.module
        statements = list(_statements(tree.body))
        for stmt in statements:
            if isinstance(stmt, ast.Import):
                self.bindings.update(
                    bind_import(self.info, 0, None, ((a.name, a.asname) for a in stmt.names))
                )
            elif isinstance(stmt, ast.ImportFrom):
                names = ((a.name, a.asname) for a in stmt.names)
                self.bindings.update(bind_import(self.info, stmt.level, stmt.module or "", names))
            elif isinstance(stmt, ast.ClassDef):
                self.bindings[stmt.name] = f"{module}.{stmt.name}"
        classes: list[ClassInfo] = []
        for stmt in statements:
            if isinstance(stmt, ast.ClassDef):
                bases = tuple(q for b in stmt.bases if (q := self.base(b)))
                classes.append(ClassInfo(f"{module}.{stmt.name}", bases, stmt.lineno, stmt.col_offset + 1))
            elif isinstance(stmt, ast.Assign):
                targets = [t for t in stmt.targets if isinstance(t, ast.Name)]
                if targets and isinstance(stmt.value, ast.Call):
                    # ``a = b = f()`` binds one object: summarised once, under every name.
                    self.assign(targets[0], stmt.value, tuple(t.id for t in targets[1:]))
                else:
                    for target in targets:
                        self.assign(target, stmt.value)
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                if isinstance(stmt.target, ast.Name):
                    self.assign(stmt.target, stmt.value)
            elif _TYPE_ALIAS is not None and isinstance(stmt, _TYPE_ALIAS):
                self.assign(stmt.name, stmt.value)
        mounts = MountReader(module, self.qualname, _module_names(statements), self.literals)
        if mounting is None or mounting:
            mounts.read(tree.body, mounting)
        routes = registrations(statements, (n for r in self.routers for n in r.names))
        routers = tuple(
            replace(
                r,
                routes=sum(routes.get(n, 0) for n in r.names),
                includes=sum(mounts.included_by.get(n, 0) for n in r.names),
            )
            for r in self.routers
        )
        sequences = {
            name: elements
            for name, literal in self.literals.items()
            if (elements := mounts.sequence(literal))
        }
        return FileSummary(
            module=module,
            bindings=self.bindings,
            classes=tuple(classes),
            session_aliases=tuple(f"{module}.{n}" for n in sorted(self.aliases)),
            routers=routers,
            imports=tuple(_imports(self.info, tree)),
            includes=tuple(mounts.includes),
            sequences=sequences,
            loggers=tuple(self.loggers),
        )


def _module_names(statements: Iterable[ast.stmt]) -> Iterator[str]:
    """Names the module binds itself (assignments, functions), not by import."""
    for stmt in statements:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            yield stmt.name
        elif isinstance(stmt, ast.Assign):
            yield from (t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            yield stmt.target.id


_MOUNTING = re.compile(rb"include_router|\.mount\(")


def _mounting_lines(source: bytes | str) -> frozenset[int]:
    """Lines that may hold an ``include_router``/``mount`` call: only statements spanning one
    are read for them (most files have none, and a full walk costs a fifth of the parse)."""
    data = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
    if _MOUNTING.search(data) is None:
        return frozenset()
    lines = re.split(rb"\r\n?|\n", data)
    return frozenset(number for number, line in enumerate(lines, start=1) if _MOUNTING.search(line))


def summarise(source: bytes | str, info: ModuleInfo) -> FileSummary | None:
    """The module's summary, or None when this interpreter cannot parse it."""
    try:
        return _Summariser(info).run(ast.parse(source), _mounting_lines(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def summarise_module(module: cst.Module, info: ModuleInfo) -> FileSummary:
    """The summary of a module libcst parses but this interpreter does not (syntax newer than
    it, such as ``except A, B:``): the same summariser, over the top-level statements the
    interpreter can read. A class or function it cannot read keeps its header, without its
    body; any other such statement is left out, and the summary is then ``partial``."""
    body: list[ast.stmt] = []
    partial = False
    line = 1 + len(module.header)  # one EmptyLine per comment or blank line before the body
    for stmt in module.body:
        code = module.code_for_node(stmt)
        tree = _parse_statement(code)
        if tree is None:
            partial = True
            if isinstance(stmt, cst.ClassDef | cst.FunctionDef):
                tree = _parse_statement(module.code_for_node(stmt.with_changes(body=_pass_block())))
        if tree is not None:
            ast.increment_lineno(tree, line - 1)
            body.extend(tree.body)
        line += len(_NEWLINES.findall(code))
    try:
        summary = _Summariser(info).run(ast.Module(body=body, type_ignores=[]))
    except RecursionError:
        return FileSummary(info.module, partial=True)
    return replace(summary, partial=partial)


def _pass_block() -> cst.IndentedBlock:
    return cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[cst.Pass()])])


def _parse_statement(code: str) -> ast.Module | None:
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
