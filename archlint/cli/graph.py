"""``archlint graph``: the dependency graph between domains (or layers), broken contracts in red."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from archlint.cli.app import app, fail, write_report
from archlint.core import ArchlintError
from archlint.engine import CheckOptions
from archlint.engine.imports import dependency_graph
from archlint.formatters.graph import RENDERERS


@app.command("graph")
def graph_command(
    path: Annotated[Path, typer.Argument(help="The project, or a folder in it.", metavar="PATH")] = Path("."),
    output_format: Annotated[
        str, typer.Option("--format", help="mermaid (renders on GitHub), dot or json", metavar="NAME")
    ] = "mermaid",
    layers: Annotated[bool, typer.Option("--layers", help="Draw the layers inside each domain.")] = False,
    config: Annotated[
        Path | None, typer.Option(help="Config file (pyproject.toml or archlint.toml).", metavar="FILE")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE.", metavar="FILE")
    ] = None,
) -> None:
    """Draw the dependencies between domains (and between layers with --layers); edges that
    break an import contract are red and labelled with the rule's code."""
    render = RENDERERS.get(output_format)
    if render is None:
        fail(f"unknown format {output_format!r} for graph (expected {', '.join(RENDERERS)})")
    try:
        graph = dependency_graph(CheckOptions(paths=(path,), config_file=config), layers=layers)
        text = render(graph)
        if output is not None:
            write_report(output, text)
            return
    except ArchlintError as exc:
        fail(str(exc))
    sys.stdout.write(text)
