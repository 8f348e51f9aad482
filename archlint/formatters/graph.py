"""``archlint graph`` renderers: Mermaid (renders on GitHub), Graphviz DOT and JSON.

Edges that break a contract are red and labelled with the rule's code; a dependency that is
only indirect (through other modules) is dashed.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from archlint.core import DependencyGraph, GraphEdge

RED = "#d1242f"


def _label(edge: GraphEdge) -> str:
    count = f"{edge.imports} import{'s' if edge.imports != 1 else ''}" if edge.imports else "indirect"
    return f"{' '.join(edge.codes)}: {count}" if edge.codes else count


def _ids(graph: DependencyGraph) -> dict[str, str]:
    return {node.id: f"n{index}" for index, node in enumerate(graph.nodes)}


def _quoted(text: str) -> str:
    return text.replace('"', "#quot;")


def as_mermaid(graph: DependencyGraph) -> str:
    """A Mermaid flowchart (GitHub renders it in a ```mermaid block)."""
    ids = _ids(graph)
    lines = ["flowchart LR"]
    groups: dict[str, list[str]] = {}
    for node in graph.nodes:
        shape = (
            f'{ids[node.id]}["{_quoted(node.label)}"]'
            if node.kind != "shared"
            else f'{ids[node.id]}[("{_quoted(node.label)}")]'
        )
        groups.setdefault(node.group, []).append(shape)
    for number, (group, shapes) in enumerate(groups.items()):
        if group:
            lines.append(f'    subgraph g{number}["{_quoted(group)}"]')
            lines += [f"        {shape}" for shape in shapes]
            lines.append("    end")
        else:
            lines += [f"    {shape}" for shape in shapes]
    red: list[int] = []
    for index, edge in enumerate(e for e in graph.edges if e.source in ids and e.target in ids):
        arrow = "-->" if edge.imports else "-.->"
        lines.append(f'    {ids[edge.source]} {arrow}|"{_quoted(_label(edge))}"| {ids[edge.target]}')
        if edge.codes:
            red.append(index)
    if red:
        lines.append(f"    linkStyle {','.join(map(str, red))} stroke:{RED},stroke-width:2px,color:{RED}")
    return "\n".join(lines) + "\n"


def _dot_string(text: str) -> str:
    return json.dumps(text)


def as_dot(graph: DependencyGraph) -> str:
    """A Graphviz digraph (``dot -Tsvg``)."""
    ids = _ids(graph)
    lines = ["digraph archlint {", "    rankdir=LR;", '    node [shape=box, fontname="Helvetica"];']
    groups: dict[str, list[str]] = {}
    for node in graph.nodes:
        style = ", shape=cylinder" if node.kind == "shared" else ""
        groups.setdefault(node.group, []).append(f"{ids[node.id]} [label={_dot_string(node.label)}{style}];")
    for number, (group, statements) in enumerate(groups.items()):
        if group:
            lines.append(f"    subgraph cluster_{number} {{")
            lines.append(f"        label={_dot_string(group)};")
            lines += [f"        {statement}" for statement in statements]
            lines.append("    }")
        else:
            lines += [f"    {statement}" for statement in statements]
    for edge in graph.edges:
        if edge.source not in ids or edge.target not in ids:
            continue
        attributes = [f"label={_dot_string(_label(edge))}"]
        if edge.codes:
            attributes += [f'color="{RED}"', f'fontcolor="{RED}"', "penwidth=2"]
        if not edge.imports:
            attributes.append("style=dashed")
        lines.append(f"    {ids[edge.source]} -> {ids[edge.target]} [{', '.join(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def as_json(graph: DependencyGraph) -> str:
    document = {
        "version": 1,
        "layers": graph.layers,
        "nodes": [
            {"id": n.id, "label": n.label, "kind": n.kind, **({"group": n.group} if n.group else {})}
            for n in graph.nodes
        ],
        "edges": [
            {"source": e.source, "target": e.target, "imports": e.imports, "codes": list(e.codes)}
            for e in graph.edges
        ],
    }
    return json.dumps(document, indent=2) + "\n"


RENDERERS: dict[str, Callable[[DependencyGraph], str]] = {
    "mermaid": as_mermaid,
    "dot": as_dot,
    "json": as_json,
}
