"""Where the walk is: function frames and the names they bind, the statement and symbol being
visited, and how a name or attribute chain resolves from there."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from archlint.core import FileSummary, ModuleInfo
from archlint.rules.summary import bind_import

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A type name this file cannot settle (defined in another module); ``by_name`` is the
    verdict of the session-name fallback should the project not define it either."""

    qualname: str
    by_name: bool


SessionState = bool | Unresolved


@dataclass(slots=True)
class Frame:
    """A function scope: the session state of its parameters and of the locals whose binding
    says something (``s = Session(engine)``, ``async with aiohttp.ClientSession() as s``),
    and its local imports. A name here shadows the module's imports."""

    names: dict[str, SessionState] = field(default_factory=dict)
    bindings: dict[str, str] = field(default_factory=dict)
    locals: set[str] = field(default_factory=set)  # other names bound here (see ``bindings``)


def dotted_name(node: cst.BaseExpression | cst.Name | cst.Attribute) -> str:
    """``a.b.c`` for a Name/Attribute chain, "" for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def import_bindings(info: ModuleInfo, node: cst.Import | cst.ImportFrom) -> dict[str, str]:
    """What a (function-local) import statement binds, by the summary's one rule."""
    if isinstance(node, cst.Import):
        return bind_import(info, 0, None, ((dotted_name(a.name), _asname(a)) for a in node.names))
    if isinstance(node.names, cst.ImportStar):
        return {}
    module = dotted_name(node.module) if node.module is not None else ""
    names = ((dotted_name(a.name), _asname(a)) for a in node.names)
    return bind_import(info, len(node.relative), module, names)


def _asname(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None


class Scopes:
    """Name resolution and position in the walk; the base of ``FileContext``."""

    def __init__(self, info: ModuleInfo, summary: FileSummary) -> None:
        self.info = info
        self.bindings: dict[str, str] = dict(summary.bindings)
        self.function_stack: list[cst.FunctionDef] = []
        self._frames: list[Frame] = []
        self._statements: list[cst.CSTNode] = []
        self._scope_names: list[str] = []

    def lookup(self, name: str) -> str | None:
        """The qualified name a bare name refers to here, or None (builtin, local or unknown)."""
        for frame in reversed(self._frames):
            if name in frame.names:
                return None
            if name in frame.bindings:
                return frame.bindings[name]
            if name in frame.locals:
                return None  # a local variable, loop or comprehension target shadows the import
        return self.bindings.get(name)

    def is_local(self, name: str) -> bool:
        """Whether ``name`` is bound in an enclosing function, comprehension or lambda."""
        return any(name in f.names or name in f.bindings or name in f.locals for f in self._frames)

    def qualname(self, expr: cst.BaseExpression) -> str | None:
        """``sqlalchemy.select`` for ``sa.select`` after ``import sqlalchemy as sa``, etc."""
        if isinstance(expr, cst.Name):
            return self.lookup(expr.value)
        if isinstance(expr, cst.Attribute):
            base = self.qualname(expr.value)
            return f"{base}.{expr.attr.value}" if base else None
        return None

    @property
    def statement(self) -> cst.CSTNode | None:
        """The innermost statement being visited (a ``def`` while in its signature)."""
        return self._statements[-1] if self._statements else None

    @property
    def symbol(self) -> str:
        """``Class.method`` or ``function`` for messages; ``module level`` outside any."""
        return ".".join(self._scope_names) or "module level"
