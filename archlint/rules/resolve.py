"""Cross-file names: settle pending findings (HTTPException subclasses, session types) project-wide."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from archlint.core import ClassInfo, FileResult, FileSummary, Finding, ModuleInfo, Pending, Requirement, Role
from archlint.rules.http import HTTP_EXCEPTIONS
from archlint.rules.injection import DATA_CLASS_ROLES, LAYER_CLASS_ROLES
from archlint.rules.schemas import PYDANTIC_MODELS
from archlint.rules.sessions import SESSION_TYPES
from archlint.rules.transport import RESPONSE_TYPES

_MAX_HOPS = 16


class Resolver:
    """Answers "is this qualified name an HTTPException subclass / a session type?" project-wide.

    Every module is indexed under each name it may be imported as (``v1.todos.service``,
    ``src.v1.todos.service`` ...), and re-exports are followed through module-level bindings.
    """

    def __init__(self, results: Iterable[FileResult]) -> None:
        self._bindings: dict[str, dict[str, str]] = {}
        self._classes: dict[str, ClassInfo] = {}
        self._class_roles: dict[str, Role | None] = {}
        self._aliases: set[str] = set()
        self.roots: set[str] = set()
        self.modules: dict[str, str] = {}  # every name a module is known by -> its canonical name
        for result in results:
            if result.summary is not None:
                self._add(result.info, result.summary)

    @classmethod
    def of(cls, modules: Iterable[ModuleInfo], summaries: dict[str, FileSummary]) -> Resolver:
        """The resolver of a classified tree and the summaries of its files (by path)."""
        resolver = cls(())
        for info in modules:
            summary = summaries.get(info.path)
            if summary is not None:
                resolver._add(info, summary)
        return resolver

    def _add(self, info: ModuleInfo, summary: FileSummary) -> None:
        canonical = summary.module
        for name in info.names or (info.module,):
            if not name:
                continue
            self.roots.add(name.split(".")[0])
            self.modules[name] = canonical
            self._bindings[name] = dict(summary.bindings)
            for cls in summary.classes:
                rebased = _rebase(cls.qualname, canonical, name)
                self._classes[rebased] = cls
                self._class_roles[rebased] = info.role
            for alias in summary.session_aliases:
                self._aliases.add(_rebase(alias, canonical, name))

    def canonical(self, qualname: str) -> str:
        """``qualname`` under its module's canonical name (``src.v1.x.y`` for ``v1.x.y``)."""
        module, _, name = qualname.rpartition(".")
        found = self.modules.get(module)
        return f"{found}.{name}" if found is not None and name else qualname

    def follow(self, qualname: str, defined: Callable[[str], bool]) -> str | None:
        """The name ``defined`` accepts behind ``qualname``, through re-exports (module-level
        imports and aliases), or None if the chain ends elsewhere."""
        for _ in range(_MAX_HOPS):
            if defined(qualname):
                return qualname
            module, _, name = qualname.rpartition(".")
            target = self._bindings.get(module, {}).get(name)
            if target is None or target == qualname:
                return None
            qualname = target
        return None

    def defining_module(self, qualname: str) -> str | None:
        """The canonical module defining the name ``qualname`` reaches through re-exports, if
        it is a project module."""

        def defined(name: str) -> bool:
            module, _, attr = name.rpartition(".")
            return module in self.modules and attr not in self._bindings.get(module, {})

        found = self.follow(qualname, defined)
        return self.modules[found.rpartition(".")[0]] if found is not None else None

    def _follow(self, qualname: str) -> str | None:
        """The defining name behind ``qualname`` (through re-exports), or None if unknown."""
        return self.follow(qualname, lambda q: q in self._classes or q in self._aliases)

    def class_info(self, qualname: str) -> ClassInfo | None:
        """The class ``qualname`` names, followed through re-exports."""
        defined = self._follow(qualname)
        return self._classes.get(defined) if defined is not None else None

    def subclass_of(self, qualname: str, roots: frozenset[str]) -> bool:
        """Whether the class ``qualname`` is one of ``roots`` or derives from one, across files."""
        return self._subclass_of(qualname, roots, set())

    def is_known(self, qualname: str) -> bool:
        return self._follow(qualname) is not None

    def _subclass_of(self, qualname: str, roots: frozenset[str], seen: set[str]) -> bool:
        if qualname in roots:
            return True
        if qualname in seen:
            return False
        seen.add(qualname)
        defined = self._follow(qualname)
        if defined is None or defined in roots:
            return defined is not None
        if defined in self._aliases:
            return roots is SESSION_TYPES
        cls = self._classes.get(defined)
        return cls is not None and any(self._subclass_of(b, roots, seen) for b in cls.bases)

    def is_http_exception(self, qualname: str) -> bool:
        return self._subclass_of(qualname, HTTP_EXCEPTIONS, set())

    def is_session_type(self, qualname: str) -> bool:
        return self._subclass_of(qualname, SESSION_TYPES, set())

    def confirm(self, pending: Pending) -> bool:
        """Whether a pending finding stands, now that the whole project is known."""
        if pending.requires is Requirement.HTTP_EXCEPTION:
            return self.is_http_exception(pending.qualname)
        if pending.requires is Requirement.RESPONSE_TYPE:
            return self._subclass_of(pending.qualname, RESPONSE_TYPES, set())
        if pending.requires is Requirement.PYDANTIC_MODEL:
            return self._subclass_of(pending.qualname, PYDANTIC_MODELS, set())
        if pending.requires is Requirement.LAYER_CLASS:
            return self._layer_class(pending.qualname, pending.fallback)
        if pending.requires is Requirement.NOT_SESSION_TYPE:
            return not self._session_like(pending.qualname, pending.fallback)
        return self._session_like(pending.qualname, pending.fallback)

    def _layer_class(self, qualname: str, fallback: bool) -> bool:
        """A class defined in a service or data-layer module; a class defined in a models or
        schemas module never; any other name as ``fallback`` says."""
        defined = self._follow(qualname)
        role = self._class_roles.get(defined) if defined in self._classes else None
        if role in LAYER_CLASS_ROLES:
            return True
        return fallback and role not in DATA_CLASS_ROLES

    def _session_like(self, qualname: str, fallback: bool) -> bool:
        if self.is_session_type(qualname):
            return True
        if self.is_known(qualname):
            return False
        # A project name the project never defines: fall back to the session-name rule.
        # A third-party name that is not a session type is simply not a session.
        return fallback and qualname.split(".")[0] in self.roots


def _rebase(qualname: str, canonical: str, name: str) -> str:
    return name + qualname[len(canonical) :] if canonical else f"{name}.{qualname}"


def confirmed_findings(results: Sequence[FileResult]) -> list[Finding]:
    """Every definite finding plus the pending ones the project confirms."""
    resolver = Resolver(results)
    findings: list[Finding] = []
    for result in results:
        findings.extend(result.findings)
        findings.extend(p.finding for p in result.pending if resolver.confirm(p))
    return findings
