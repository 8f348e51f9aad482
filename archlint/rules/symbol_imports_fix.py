"""IMP003's fixer: ``from src.auth.constants import X`` becomes ``from src.auth import
constants as auth_constants`` and every use of ``X`` becomes ``auth_constants.X``, only where
the scope analysis leaves no doubt about what each name refers to."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from archlint.core import Diagnostic, Edit, Fix, import_base
from archlint.rules.fixes import FixTarget

if TYPE_CHECKING:
    import libcst as cst
    from libcst.metadata import Access, BaseAssignment, Scope

    from archlint.rules.symbol_imports import SymbolImport
else:
    from archlint.core.lazy import libcst as cst


class _Unsafe(Exception):
    """The rewrite would not be provably the same program: leave the import alone."""


def _statement_of(target: FixTarget, node: cst.ImportFrom) -> cst.SimpleStatementLine:
    """The module-level line holding ``node`` alone (imports inside blocks are left alone)."""
    for statement in target.module.body:
        if (
            isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
            and statement.body[0] is node
        ):
            return statement
    raise _Unsafe


def _absolute(target: FixTarget, node: cst.ImportFrom) -> str:
    module = target.code(node.module) if node.module is not None else ""
    return import_base(target.info, len(node.relative), module)


def _existing_alias(target: FixTarget, imported: SymbolImport) -> cst.ImportFrom | None:
    """A module-level ``from <package> import <module> [as alias]`` binding the alias."""
    for statement in target.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                continue
            if _absolute(target, small) != imported.package:
                continue
            for alias in small.names:
                local = alias.evaluated_alias or alias.evaluated_name
                if alias.evaluated_name == imported.module_name and local == imported.alias:
                    return small
    return None


def _walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def _exported(module: cst.Module) -> set[str]:
    """Names listed in a module-level ``__all__``."""
    exported: set[str] = set()
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            targets = (
                [t.target for t in small.targets]
                if isinstance(small, cst.Assign)
                else [small.target]
                if isinstance(small, cst.AnnAssign | cst.AugAssign)
                else []
            )
            if any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets):
                exported.update(_strings(small))
    return exported


def _strings(node: cst.CSTNode) -> Iterator[str]:
    for current in _walk(node):
        if isinstance(current, cst.SimpleString) and isinstance(current.evaluated_value, str):
            yield current.evaluated_value


class _Plan:
    """The edits of one imported module's statements, all or nothing."""

    def __init__(self, target: FixTarget, imported: SymbolImport, names_in_module: set[str]) -> None:
        self.target = target
        self.imported = imported
        self.alias = imported.alias
        self.edits: list[Edit] = []
        existing = _existing_alias(target, imported)
        self.reuse: set[BaseAssignment] | None = None
        scope = self._global_scope()
        if existing is not None:
            assignments = set(scope.assignments[self.alias])
            if len(assignments) != 1:
                raise _Unsafe
            self.reuse = assignments
        elif self.alias in names_in_module:
            raise _Unsafe

    def _global_scope(self) -> Scope:
        scope = self.target.scopes.get(self.target.module)
        if scope is None:
            raise _Unsafe
        return scope

    def rewrite(self, node: cst.ImportFrom, first: bool, exported: set[str]) -> int:
        """Plan the statement's edits; the number of uses rewritten."""
        target = self.target
        if isinstance(node.names, cst.ImportStar) or "#" in target.code(node):
            raise _Unsafe  # a comment inside the statement would be lost
        statement = _statement_of(target, node)
        before = len(self.edits)
        scope = target.scopes.get(node)
        if scope is None:
            raise _Unsafe
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                raise _Unsafe
            original = alias.name.value
            local = alias.evaluated_alias or original
            assignments = list(scope.assignments[local])
            if local in exported or len(assignments) != 1:
                raise _Unsafe
            for access in _references(assignments[0]):
                use = access.node
                if not isinstance(use, cst.Name):
                    raise _Unsafe
                try:
                    self._check_alias_visible(use)
                    self.edits.append(target.replace(use, f"{self.alias}.{original}"))
                except KeyError as missing:  # a name inside a string annotation
                    raise _Unsafe from missing
        uses = len(self.edits) - before
        if first and self.reuse is None:
            self.edits.append(target.replace(node, self._new_import(node)))
        else:
            removed = target.remove_line(statement)
            if removed is None:
                raise _Unsafe
            self.edits.append(removed)
        return uses

    def _check_alias_visible(self, use: cst.Name) -> None:
        """At ``use``, the alias must mean the module import: free, or that import."""
        scope = self.target.scopes.get(use)
        if scope is None:
            raise _Unsafe
        visible = set(scope[self.alias])
        if visible != (self.reuse or set()):
            raise _Unsafe

    def _new_import(self, node: cst.ImportFrom) -> str:
        module = self.target.code(node.module) if node.module is not None else ""
        dots = "." * len(node.relative)
        package, _, name = module.rpartition(".")
        if not name or (not package and not dots):
            raise _Unsafe
        tail = "" if self.alias == name else f" as {self.alias}"
        return f"from {dots}{package} import {name}{tail}"


def _references(assignment: BaseAssignment) -> list[Access]:
    return list(assignment.references)


def fix_symbol_imports(
    target: FixTarget, imports: Sequence[SymbolImport], found: Sequence[Diagnostic]
) -> Iterator[Fix]:
    """One fix per imported module: its statements rewritten together."""
    if any(
        isinstance(n, cst.ImportFrom) and isinstance(n.names, cst.ImportStar) for n in _walk(target.module)
    ):
        return  # a star import makes every name's origin uncertain
    wanted = {(d.line, d.column): d for d in found if d.line is not None}
    by_module: dict[str, list[tuple[SymbolImport, Diagnostic]]] = {}
    for imported in imports:
        diagnostic = wanted.get((imported.fact.line, imported.fact.column))
        if diagnostic is not None and not imported.fact.lazy:
            by_module.setdefault(imported.fact.module, []).append((imported, diagnostic))
    if not by_module:
        return
    names_in_module = {n.value for n in _walk(target.module) if isinstance(n, cst.Name)}
    exported = _exported(target.module)
    for statements in by_module.values():
        first = statements[0][0]
        uses = 0
        try:
            plan = _Plan(target, first, names_in_module)
            for index, (_, diagnostic) in enumerate(statements):
                node = target.find(cst.ImportFrom, diagnostic.line or 0, diagnostic.column or 0)
                if node is None:
                    raise _Unsafe
                uses += plan.rewrite(node, index == 0, exported)
        except _Unsafe:
            continue
        yield Fix(
            tuple(d for _, d in statements),
            tuple(plan.edits),
            f"imported {first.fact.module} as a module ('{first.suggestion}') and rewrote "
            f"{uses} use{'s' if uses != 1 else ''} to '{first.alias}.<name>'",
        )
