"""``archlint graph``: golden Mermaid and JSON on fixtures, DOT that Graphviz's grammar reads,
and edges marked by exactly the contracts they break."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from archlint.cli import main
from archlint.core import DependencyGraph
from archlint.engine import CheckOptions
from archlint.engine.imports import dependency_graph
from archlint.formatters.graph import as_dot, as_json, as_mermaid

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden" / "graph"


def assert_golden(name: str, text: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("ARCHLINT_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), (
        f"{golden.name} differs; ARCHLINT_UPDATE_GOLDEN=1 rewrites it"
    )


def graph_of(fixture: str, *, layers: bool = False) -> DependencyGraph:
    return dependency_graph(CheckOptions(paths=(FIXTURES / fixture,), use_cache=False), layers=layers)


def test_domain_graph_mermaid_matches_its_golden_file() -> None:
    graph = graph_of("domain-routers/violating")
    text = as_mermaid(graph)
    assert text.startswith("flowchart LR\n")
    assert_golden("domain-routers.mmd", text)
    broken = {(e.source, e.target): e.codes for e in graph.edges if e.codes}
    assert broken == {
        ("package.routers.billing", "package.routers.users"): ("IMP004",),
        ("package.routers.tickets", "package.routers.users"): ("IMP004",),
        ("package.core", "package.routers.users"): ("IMP005",),
    }
    indirect = next(e for e in graph.edges if e.source == "package.routers.tickets" and e.codes)
    assert indirect.imports == 0  # tickets reaches users only through core


def test_layer_graph_json_matches_its_golden_file() -> None:
    graph = graph_of("layered-v1/violating", layers=True)
    text = as_json(graph)
    assert_golden("layered-v1-layers.json", text)
    document = json.loads(text)
    assert document["layers"] is True
    codes = {(e["source"], e["target"]): e["codes"] for e in document["edges"] if e["codes"]}
    assert codes == {
        ("src.v1.projects.service", "src.v1.projects.router"): ["IMP001"],
        ("src.v1.todos.router", "src.v1.todos.repository"): ["IMP002"],
        ("src.v1.users.repository", "src.v1.users.service"): ["IMP001"],
        ("src.v1.users.router", "src.v1.users.repository"): ["IMP002"],
    }


@pytest.mark.parametrize(
    ("fixture", "layers"), [("domain-routers/violating", False), ("layered-v1/violating", True)]
)
def test_dot_output_parses(fixture: str, layers: bool) -> None:
    pydot = pytest.importorskip("pydot")
    graph = graph_of(fixture, layers=layers)
    (parsed,) = pydot.graph_from_dot_data(as_dot(graph))
    edges = parsed.get_edges()
    for subgraph in parsed.get_subgraphs():
        edges += subgraph.get_edges()
    assert len(edges) == len(graph.edges)
    red = [e for e in edges if "d1242f" in str(e.get("color"))]
    assert len(red) == sum(1 for e in graph.edges if e.codes)


def test_a_suppressed_violation_leaves_its_edge_unmarked(tmp_path: Path) -> None:
    files = {
        "backend/package/routers/orders/endpoint.py": "",
        "backend/package/routers/orders/services.py": (
            "from package.routers.users import database  # archlint: ignore[IMP004]\n"
        ),
        "backend/package/routers/users/endpoint.py": "",
        "backend/package/routers/users/database.py": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    options = CheckOptions(paths=(tmp_path,), preset="domain-routers", use_cache=False)
    (edge,) = dependency_graph(options).edges
    assert (edge.source, edge.target, edge.imports, edge.codes) == (
        "package.routers.orders",
        "package.routers.users",
        1,
        (),
    )


def test_graph_command_writes_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["graph", str(FIXTURES / "domain-routers/violating")])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == (GOLDEN / "domain-routers.mmd").read_text(encoding="utf-8")
