"""Commands about the project itself: ``layout``, ``config`` and ``init``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from archlint.cli.app import (
    app,
    fail,
)
from archlint.config.write import write_table
from archlint.core import DEFINING_ROLES, ArchlintError
from archlint.engine import CheckOptions, read_layout
from archlint.engine.effective import effective_settings
from archlint.engine.initconfig import plan
from archlint.formatters.concise import printable
from archlint.formatters.layout import layout_document


def _shown(text: object) -> str:
    """A path or name from the tree, safe for rich markup and for the terminal."""
    return escape(printable(str(text)))


def _role_label(entry: dict[str, Any], base: str) -> str:
    path = str(entry["path"])
    name = _shown(path[len(base) + 1 :] if base and path.startswith(base + "/") else path)
    role = entry["role"]
    if entry["matched"]:
        return f"{name}  [bold]{role}[/bold] [dim](matched {_shown(entry['matched'])})[/dim]"
    return f"{name}  [dim]{'no role' if role in ('other', 'shared') else role}[/dim]"


def _layout_tree(document: dict[str, Any]) -> Tree:
    mode = document["mode"]
    head = f"[bold]{document['preset']}[/bold] ({mode})"
    if document["scores"]:
        head += " [dim]scores: " + ", ".join(f"{k} {v}" for k, v in document["scores"].items()) + "[/dim]"
    root = os.path.relpath(str(document["project_root"]))
    tree = Tree(f"{_shown(root if not root.startswith('..') else document['project_root'])}  layout {head}")
    roots = ", ".join(document["import_roots"]) or "none found (names from the source root)"
    tree.add(f"import roots: {roots}")
    tree.add(f"source root: {document['source_root']}")
    domains = tree.add(f"domains ({len(document['domains'])})")
    for domain in document["domains"]:
        branch = domains.add(f"[bold cyan]{_shown(domain['path'])}[/bold cyan]")
        for entry in domain["files"]:
            branch.add(_role_label(entry, domain["path"]))
    outside = tree.add(f"outside any domain ({len(document['outside_domains'])})")
    for entry in document["outside_domains"]:
        outside.add(_role_label(entry, ""))
    return tree


@app.command("layout")
def layout_command(
    path: Annotated[Path, typer.Argument(help="The project, or a folder in it.", metavar="PATH")] = Path("."),
    preset: Annotated[
        str | None, typer.Option(help="Read the tree under this preset.", metavar="NAME")
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="Config file (pyproject.toml or archlint.toml).", metavar="FILE")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="text or json", metavar="NAME")] = "text",
) -> None:
    """Show how archlint reads the project: import roots, domains, each file's role and why."""
    if output_format not in ("text", "json"):
        fail(f"unknown format {output_format!r} for layout (expected text or json)")
    try:
        tree, root = read_layout(CheckOptions(paths=(path,), config_file=config, preset=preset))
    except ArchlintError as exc:
        fail(str(exc))
    document = layout_document(tree, str(root))
    if output_format == "json":
        import json

        print(json.dumps(document, indent=2))
        return
    console = Console(highlight=False)
    if not console.is_terminal or os.environ.get("NO_COLOR"):
        console = Console(highlight=False, width=200, no_color=True)
    console.print(_layout_tree(document))
    if not any(m.role in DEFINING_ROLES for m in tree.modules):
        console.print(
            "note: no file plays a layer role (router, service, data layer): "
            "`archlint check` has nothing to check here"
        )


@app.command("config")
def config_command(
    path: Annotated[Path, typer.Argument(help="The project, or a folder in it.", metavar="PATH")] = Path("."),
    config: Annotated[
        Path | None, typer.Option(help="Config file (pyproject.toml or archlint.toml).", metavar="FILE")
    ] = None,
) -> None:
    """Print the effective settings (preset, root, selected rules, layout) and where each came from."""
    import json

    try:
        settings = effective_settings(CheckOptions(paths=(path,), config_file=config))
    except ArchlintError as exc:
        fail(str(exc))
    print(json.dumps(settings, indent=2))


@app.command("init")
def init_command(
    path: Annotated[Path, typer.Argument(help="The project, or a folder in it.", metavar="PATH")] = Path("."),
    preset: Annotated[
        str | None, typer.Option(help="Read the tree under this preset instead.", metavar="NAME")
    ] = None,
    config_file: Annotated[
        bool, typer.Option("--config-file", help="Write archlint.toml instead of pyproject.toml.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing [tool.archlint].")] = False,
) -> None:
    """Detect the layout, explain it, and write it as [tool.archlint] (comments kept)."""
    try:
        tree, root = read_layout(CheckOptions(paths=(path,), preset=preset))
        chosen = plan(tree)
        target = root / ("archlint.toml" if config_file else "pyproject.toml")
        write_table(target, chosen.table, force=force)
    except ArchlintError as exc:
        fail(str(exc))
    scores = ", ".join(f"{name} {score}" for name, score in sorted(tree.scores.items()))
    print(f"layout: {tree.layout.name} ({tree.mode.value}{'; scores: ' + scores if scores else ''})")
    print(f"import roots: {', '.join(tree.import_roots) or 'none found'}; source root: {tree.source_root}")
    more = " ..." if len(tree.domains) > 12 else ""
    print(f"domains ({len(tree.domains)}): {', '.join(tree.domains[:12])}{more}")
    layout = chosen.table.get("layout")
    if isinstance(layout, dict):
        roles = layout.get("roles", {})
        for role, names in roles.items() if isinstance(roles, dict) else ():
            print(f"  {role}: {', '.join(names)}")
    for note in chosen.notes:
        print(f"note: {note}")
    what = "the config" if config_file else "[tool.archlint]"
    print(f"wrote {what} to {target}; `archlint layout` shows the tree")
