"""What rules know about the module being walked: the file's summary, scopes, session-like
receivers (``receivers``), route handlers, and the reports rules raise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archlint.core import FileSummary, ModuleInfo, Requirement
from archlint.rules.bindings import binding_types, bound_names, scope_names, scope_types
from archlint.rules.mounts import ROUTE_METHODS, ROUTER_FACTORIES
from archlint.rules.receivers import Receivers, all_params
from archlint.rules.scopes import Frame, SessionState, Unresolved, import_bindings
from archlint.rules.sessions import DEFAULT_SESSION_NAMES

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

_FALLBACK_ROUTER_NAMES = frozenset({"router", "app", "api", "api_router"})


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


class FileContext(Receivers):
    """Shared state for the rules walking one module.

    The engine visits it before the rules on the way down and after them on the way up, so a
    rule always sees the scopes and imports in force at the node it is looking at.
    """

    def __init__(
        self,
        info: ModuleInfo,
        module: cst.Module,
        summary: FileSummary,
        session_names: Sequence[str] = DEFAULT_SESSION_NAMES,
        codes: frozenset[str] = frozenset(),
        project_words: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        super().__init__(info, module, summary, session_names)
        self.codes = codes  # the rules running on this file, for rules that defer to another
        # Each rule's ``project_words`` (absent: not computed, so a rule must not rely on them).
        self.project_words: Mapping[str, frozenset[str]] = project_words or {}
        self.router_names = {n for r in summary.routers if r.factory in ROUTER_FACTORIES for n in r.names}
        self.reports: list[Report] = []
        self._elifs: set[int] = set()
        self._binding_types = binding_types()
        self._scope_types = scope_types()

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
        if self._frames and kind in self._binding_types:
            self._frames[-1].locals.update(bound_names(node))
        if kind is cst.FunctionDef:
            assert isinstance(node, cst.FunctionDef)
            if self._frames:
                self._frames[-1].locals.add(node.name.value)
            params = {p.name.value: self.param_state(p) for p in all_params(node.params)}
            self._frames.append(Frame(names=params))
            self.function_stack.append(node)
            self._scope_names.append(node.name.value)
        elif kind is cst.ClassDef:
            assert isinstance(node, cst.ClassDef)
            self.class_stack.append(self.class_attributes(node))
            self._scope_names.append(node.name.value)
        elif kind in self._scope_types:
            self._frames.append(Frame(locals=scope_names(node)))
        elif not self._frames:
            return
        elif kind is cst.Import or kind is cst.ImportFrom:
            assert isinstance(node, cst.Import | cst.ImportFrom)
            self._frames[-1].bindings.update(import_bindings(self.info, node))
        elif kind is cst.Assign:
            assert isinstance(node, cst.Assign)
            state = self.bound_state(node.value)
            for target in node.targets:
                self.bind_local(target.target, state)
        elif kind is cst.AnnAssign:
            assert isinstance(node, cst.AnnAssign)
            self.bind_local(node.target, self.annotation_state(node.annotation.annotation))
        elif kind is cst.WithItem:
            assert isinstance(node, cst.WithItem)
            if node.asname is not None:
                self.bind_local(node.asname.name, self.bound_state(node.item))

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
        elif kind in self._scope_types:
            self._frames.pop()

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


__all__ = ["DEFAULT_SESSION_NAMES", "FileContext", "Report", "SessionState", "Unresolved"]
