"""The dependency graph between domains (or the layers inside them) from the run's import
graph, with the edges that break a contract marked by the rule's code."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping

from archlint.core import (
    DependencyGraph,
    Diagnostic,
    FileSummary,
    GraphEdge,
    GraphNode,
    ProjectContext,
    ProjectTree,
    inside,
)
from archlint.rules.imports.base import ContractRule, project_imports
from archlint.rules.imports.domains import DomainsDependOnEachOther, SharedImportsDomain
from archlint.rules.imports.layers import Layering
from archlint.rules.imports.order import LayerOrderBroken, RouterImportsDataLayer

GRAPH_RULES: tuple[type[ContractRule], ...] = (
    LayerOrderBroken,
    RouterImportsDataLayer,
    DomainsDependOnEachOther,
    SharedImportsDomain,
)


class _Nodes:
    """Which node a module belongs to: its domain (or, with layers, its layer unit), or the
    shared package holding it."""

    def __init__(self, tree: ProjectTree, layering: Layering, layers: bool) -> None:
        self.layering = layering
        self.layers = layers
        self.found: dict[str, GraphNode] = {}
        self.labels = {
            container: inside(domain, tree.source_root) or domain
            for domain, container in layering.containers.items()
            if container
        }
        for unit in layering.units:  # every domain (or layer) is drawn, imports or not
            if unit.domain is not None and unit.container:
                self.of(unit.module)

    def of(self, module: str) -> str | None:
        layering = self.layering
        domain = layering.domain_of(module)
        if domain is not None:
            container = layering.containers[domain]
            label = self.labels.get(container, container)
            if not self.layers:
                return self._add(GraphNode(container, label, "domain"))
            unit = layering.unit_of(module)
            if unit is None or unit.container != container:
                return None
            return self._add(GraphNode(unit.module, unit.tail, "layer", group=label))
        shared = next((s for s in layering.shared if module == s or module.startswith(s + ".")), None)
        return self._add(GraphNode(shared, shared, "shared")) if shared is not None else None

    def _add(self, node: GraphNode) -> str:
        self.found.setdefault(node.id, node)
        return node.id


def dependency_graph(
    tree: ProjectTree,
    summaries: Mapping[str, FileSummary],
    context: ProjectContext,
    codes: Iterable[str],
    *,
    layers: bool = False,
    kept: Callable[[Diagnostic], bool] = lambda d: True,
) -> DependencyGraph:
    """Nodes and edges of the project's import graph at the level of domains (and shared
    packages), or of the layers inside each domain; ``codes`` are the import rules whose
    broken contracts mark the edges, ``kept`` says which findings no suppression hides."""
    imports = project_imports(tree, summaries, context)
    nodes = _Nodes(tree, imports.layering, layers)
    counts: Counter[tuple[str, str]] = Counter()
    for edge in imports.index.edges:
        if edge.external or (edge.fact.type_checking and not imports.type_checking):
            continue
        source, target = nodes.of(edge.importer), nodes.of(edge.imported)
        if source is not None and target is not None and source != target:
            counts[(source, target)] += 1
    broken: dict[tuple[str, str], set[str]] = defaultdict(set)
    chosen = set(codes)
    for rule in GRAPH_RULES:
        if rule.code not in chosen:
            continue
        for chain, found in rule(context).violations(tree, summaries):
            source, target = nodes.of(chain[0]), nodes.of(chain[-1])
            if source is None or target is None or source == target or not any(kept(d) for d in found):
                continue
            broken[(source, target)].add(rule.code)
    pairs = sorted(counts.keys() | broken.keys())
    edges = tuple(
        GraphEdge(s, t, counts.get((s, t), 0), tuple(sorted(broken.get((s, t), ())))) for s, t in pairs
    )
    used = {n for pair in pairs for n in pair}
    listed = sorted((n for n in nodes.found.values() if n.kind != "shared" or n.id in used), key=_order)
    return DependencyGraph(nodes=tuple(listed), edges=edges, layers=layers)


def _order(node: GraphNode) -> tuple[int, str, str]:
    return (node.kind == "shared", node.group, node.id)
