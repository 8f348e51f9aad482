"""The dependency graph ``archlint graph`` draws: domains (or the layers inside them) and the
imports between them, with the edges that break a contract marked by the rule's code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A domain, a shared package, or (with layers) one layer of a domain: ``group`` is the
    domain a layer node belongs to, ``kind`` one of ``domain``, ``shared``, ``layer``."""

    id: str
    label: str
    kind: str
    group: str = ""


@dataclass(frozen=True, slots=True)
class GraphEdge:
    """``imports`` direct import statements from ``source`` to ``target`` (0: the dependency is
    only indirect, through other modules); ``codes`` the rules whose contracts it breaks."""

    source: str
    target: str
    imports: int
    codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DependencyGraph:
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    layers: bool = False
