"""Session-like receivers: whether the ``x`` of ``x.commit()`` holds a database session, from
parameter annotations, local bindings, ``self`` attributes and the session-name fallback.
What a session type is comes from ``sessions``; this module applies it to libcst nodes."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from archlint.core import FileSummary, ModuleInfo
from archlint.rules.scopes import Frame, Scopes, SessionState, Unresolved
from archlint.rules.sessions import annotation_state, call_state, parse_annotation

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst


def suite_statements(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """The statements of a block, looking inside ``if``/``try``/``with`` blocks."""
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            yield from stmt.body
        elif isinstance(stmt, cst.If):
            yield from suite_statements(stmt.body.body)
            orelse = stmt.orelse
            while orelse is not None:
                yield from suite_statements(orelse.body.body)
                orelse = orelse.orelse if isinstance(orelse, cst.If) else None
        elif isinstance(stmt, cst.Try):
            yield from suite_statements(stmt.body.body)
            for handler in stmt.handlers:
                yield from suite_statements(handler.body.body)
        elif isinstance(stmt, cst.With):
            yield from suite_statements(stmt.body.body)
        else:
            yield stmt


def all_params(params: cst.Parameters) -> Iterator[cst.Param]:
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


class Receivers(Scopes):
    """Scopes plus what each name says about sessions."""

    def __init__(
        self, info: ModuleInfo, module: cst.Module, summary: FileSummary, session_names: Sequence[str]
    ) -> None:
        super().__init__(info, summary)
        self.module = module
        self.session_names = frozenset(session_names)
        prefix = f"{info.module}."
        self.session_aliases = {a.removeprefix(prefix) for a in summary.session_aliases}
        self.class_stack: list[dict[str, SessionState]] = []
        self._module_states: dict[str, SessionState] = {}
        for stmt in suite_statements(module.body):
            if isinstance(stmt, cst.Assign | cst.AnnAssign) and stmt.value is not None:
                state = self.bound_state(stmt.value)
                targets = [t.target for t in stmt.targets] if isinstance(stmt, cst.Assign) else [stmt.target]
                for target in targets:
                    if isinstance(target, cst.Name) and state is not None:
                        self._module_states[target.value] = state

    def _ast_qualname(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.lookup(node.id)
        if isinstance(node, ast.Attribute):
            base = self._ast_qualname(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def annotation_state(self, expr: cst.BaseExpression) -> SessionState:
        """Whether an annotation names a session type: True, False, or Unresolved(qualname)."""
        parsed = parse_annotation(self.module.code_for_node(expr))
        if parsed is None:
            return False
        state = annotation_state(parsed, self._ast_qualname, self.session_aliases)
        return Unresolved(state, by_name=False) if isinstance(state, str) else state

    def param_state(self, param: cst.Param) -> SessionState:
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
        return call_state(self.qualname(value.func))

    def bind_local(self, target: cst.BaseExpression, state: SessionState | None) -> None:
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

    def class_attributes(self, node: cst.ClassDef) -> dict[str, SessionState]:
        """Attributes of ``self`` known to hold a session, from annotations and ``__init__``."""
        attrs: dict[str, SessionState] = {}
        for stmt in suite_statements(node.body.body):
            if isinstance(stmt, cst.AnnAssign) and isinstance(stmt.target, cst.Name):
                attrs[stmt.target.value] = self.annotation_state(stmt.annotation.annotation)
            elif isinstance(stmt, cst.FunctionDef):
                params = {p.name.value: self.param_state(p) for p in all_params(stmt.params)}
                self._frames.append(Frame(names=params))
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
        for stmt in suite_statements(body.body):
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
