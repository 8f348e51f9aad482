"""The project's import graph: grimp's ``ImportGraph`` built from the per-file summaries.

Nothing is imported or executed: every edge is an import statement a summary recorded, resolved
against the modules of the classified tree. ``from a.b import c`` is an import of ``a.b.c`` when
that module exists, else of ``a.b``; ``import a.b.c`` of the longest of its prefixes that exists.
Test modules are nodes without edges: their imports say nothing about the architecture.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import grimp

from archlint.core import FileSummary, ImportFact, ModuleInfo, ProjectTree, Role


@dataclass(frozen=True, slots=True)
class Edge:
    """One import statement's dependency of ``importer`` on ``imported`` (a module of the tree,
    or the top-level name of an external package when ``external``)."""

    importer: str
    imported: str
    fact: ImportFact
    external: bool = False


def ancestors(module: str) -> Iterable[str]:
    """``a.b`` and ``a`` for ``a.b.c``."""
    while "." in module:
        module = module.rpartition(".")[0]
        yield module


def _nameable(module: str) -> bool:
    """A module name grimp can hold: a file name with undecodable bytes makes none."""
    try:
        module.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return bool(module)


def _statement(fact: ImportFact) -> str:
    """The import statement as written, near enough for import-linter's reports."""
    if fact.names:
        return f"from {fact.module} import {', '.join(fact.names)}"
    return f"import {fact.module}"


class ImportIndex:
    """Every import of the project resolved to the modules it names; built once per run."""

    def __init__(self, tree: ProjectTree, summaries: Mapping[str, FileSummary]) -> None:
        self.modules: dict[str, ModuleInfo] = {}
        self._names: dict[str, str] = {}
        for info in tree.modules:
            if not _nameable(info.module):
                continue
            self.modules.setdefault(info.module, info)
            for name in info.names:
                self._alias(name, info.module)
        self.packages = frozenset(p for m in self.modules for p in ancestors(m)) - self.modules.keys()
        self._names.update({name: name for name in (*self.modules, *self.packages)})
        self._longest_memo: dict[str, str | None] = {}
        self.edges: list[Edge] = []
        self._facts: dict[tuple[str, str], list[ImportFact]] = {}
        for info in tree.modules:
            summary = summaries.get(info.path)
            if summary is None or info.role is Role.TESTS or self.modules.get(info.module) is not info:
                continue
            for fact in summary.imports:
                if not _nameable(fact.module):
                    continue
                for imported, external in self._resolve(fact):
                    if imported != info.module:
                        self._add(Edge(info.module, imported, fact, external))

    def _alias(self, name: str, canonical: str) -> None:
        """``name`` (and, for a name that is a suffix of the canonical one, its ancestors) stands
        for ``canonical`` (and its ancestors)."""
        if name == canonical:
            return  # a module and its packages stand for themselves
        self._names.setdefault(name, canonical)
        if canonical.endswith("." + name):
            for alias, real in zip(ancestors(name), ancestors(canonical), strict=False):
                self._names.setdefault(alias, real)

    def lookup(self, name: str) -> str | None:
        """The module of the tree (or package holding its modules) ``name`` refers to."""
        return self._names.get(name)

    def _longest(self, name: str) -> str | None:
        """The module ``name`` names, or the nearest package above it the tree holds."""
        try:
            return self._longest_memo[name]
        except KeyError:
            pass
        found = self._names.get(name)
        if found is None:
            found = next((f for a in ancestors(name) if (f := self._names.get(a)) is not None), None)
        self._longest_memo[name] = found
        return found

    def _resolve(self, fact: ImportFact) -> list[tuple[str, bool]]:
        targets: list[tuple[str, bool]] = []
        base = self._longest(fact.module)
        if base is None:
            return [(fact.module.split(".")[0], True)]
        for name in fact.names:
            module = self.lookup(f"{fact.module}.{name}") if name != "*" else None
            target = (module or base, False)
            if target not in targets:
                targets.append(target)
        return targets or [(base, False)]

    def _add(self, edge: Edge) -> None:
        self.edges.append(edge)
        facts = self._facts.setdefault((edge.importer, edge.imported), [])
        if edge.fact not in facts:
            facts.append(edge.fact)

    def facts(self, importer: str, imported: str) -> list[ImportFact]:
        """The import statements through which ``importer`` imports ``imported``."""
        return self._facts.get((importer, imported), [])

    def graph(
        self,
        *,
        type_checking: bool,
        roots: Collection[str] | None = None,
        externals: bool = False,
    ) -> grimp.ImportGraph:
        """A grimp graph of the modules under ``roots`` (every module when None). Imports under
        ``if TYPE_CHECKING:`` count only with ``type_checking``; imports of modules outside
        the roots are external packages, kept (squashed) only with ``externals``."""

        def inside(module: str) -> bool:
            return roots is None or module.split(".")[0] in roots

        graph = grimp.ImportGraph()
        for module in sorted(self.modules.keys() | self.packages):
            if inside(module):
                graph.add_module(module)
        seen: set[tuple[str, str, int]] = set()
        for edge in self.edges:
            fact = edge.fact
            if (fact.type_checking and not type_checking) or not inside(edge.importer):
                continue
            imported = edge.imported
            if edge.external or not inside(imported):
                if not externals:
                    continue
                imported = imported.split(".")[0]
                if imported not in graph.modules:
                    graph.add_module(imported, is_squashed=True)
            key = (edge.importer, imported, fact.line)
            if key in seen:
                continue
            seen.add(key)
            graph.add_import(
                importer=edge.importer,
                imported=imported,
                line_number=fact.line,
                line_contents=_statement(fact),
                is_lazy=fact.lazy,
            )
        return graph

    @property
    def roots(self) -> tuple[str, ...]:
        """The top-level packages (and modules) of the project."""
        return tuple(sorted({m.split(".")[0] for m in self.modules}))
