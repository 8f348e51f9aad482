"""The project-phase summary of a module no file rule looks at, read with the stdlib parser.

Most files of a backend (models, schemas, config ...) have no file rule for their role; the
project phase only needs their imports, classes and session aliases. ``ast`` builds those
about ten times faster than libcst, so such files never reach libcst unless the running
interpreter cannot parse them (newer syntax), in which case the caller falls back to libcst.
The semantics mirror ``FileContext``'s module prescan.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence

from archlint.core import ClassInfo, FileSummary, ModuleInfo, import_base
from archlint.rules.context import ANNOTATED, OPTIONAL, SESSION_CLASS_NAMES, SESSION_TYPES, UNION

# ``type X = ...`` statements exist from Python 3.12 on; older interpreters fall back to libcst.
_TYPE_ALIAS = getattr(ast, "TypeAlias", None)


def _statements(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
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


class _Summariser:
    def __init__(self, info: ModuleInfo) -> None:
        self.info = info
        self.bindings: dict[str, str] = {}
        self.aliases: set[str] = set()

    def qualname(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.bindings.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def session_state(self, node: ast.expr) -> bool | str:
        """True for a session type, a qualname when it names another module's symbol, else False."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                return self.session_state(ast.parse(node.value, mode="eval").body)
            except SyntaxError:
                return False
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self._any([node.left, node.right])
        if isinstance(node, ast.Subscript):
            base = self.qualname(node.value)
            elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if base in ANNOTATED or base in OPTIONAL:
                return self.session_state(elements[0])
            return self._any(elements) if base in UNION else False
        if isinstance(node, ast.Name) and node.id in self.aliases:
            return True
        qualname = self.qualname(node)
        if qualname is None:
            return isinstance(node, ast.Name) and node.id in SESSION_CLASS_NAMES
        if qualname in SESSION_TYPES:
            return True
        if qualname.split(".")[0] in ("typing", "typing_extensions", "builtins", "sqlalchemy"):
            return False
        return qualname

    def _any(self, nodes: Sequence[ast.expr]) -> bool | str:
        states = [self.session_state(n) for n in nodes]
        if True in states:
            return True
        return next((s for s in states if isinstance(s, str)), False)

    def alias(self, name: str, value: ast.expr) -> None:
        if not isinstance(value, ast.Subscript | ast.Name | ast.Attribute):
            return
        state = self.session_state(value)
        if state is True:
            self.aliases.add(name)
        elif isinstance(state, str):
            self.bindings[name] = state

    def run(self, tree: ast.Module) -> FileSummary:
        module = self.info.module
        statements = list(_statements(tree.body))
        for stmt in statements:
            if isinstance(stmt, ast.Import):
                for a in stmt.names:
                    if a.asname:
                        self.bindings[a.asname] = a.name
                    else:
                        self.bindings[a.name.split(".")[0]] = a.name.split(".")[0]
            elif isinstance(stmt, ast.ImportFrom):
                base = import_base(self.info, stmt.level, stmt.module or "")
                for a in stmt.names:
                    if a.name != "*":
                        self.bindings[a.asname or a.name] = f"{base}.{a.name}" if base else a.name
            elif isinstance(stmt, ast.ClassDef):
                self.bindings[stmt.name] = f"{module}.{stmt.name}"
        classes: list[ClassInfo] = []
        for stmt in statements:
            if isinstance(stmt, ast.ClassDef):
                bases = tuple(q for b in stmt.bases if (q := self.qualname(b)))
                classes.append(ClassInfo(f"{module}.{stmt.name}", bases))
            elif isinstance(stmt, ast.Assign) and stmt.value is not None:
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        self.alias(target.id, stmt.value)
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                if isinstance(stmt.target, ast.Name):
                    self.alias(stmt.target.id, stmt.value)
            elif _TYPE_ALIAS is not None and isinstance(stmt, _TYPE_ALIAS):
                self.alias(stmt.name.id, stmt.value)
        return FileSummary(
            module=module,
            bindings=self.bindings,
            classes=tuple(classes),
            session_aliases=tuple(f"{module}.{n}" for n in sorted(self.aliases)),
        )


def summarise(source: bytes, info: ModuleInfo) -> FileSummary | None:
    """The module's summary, or None when this interpreter cannot parse it (use libcst then)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return _Summariser(info).run(tree)
