"""``archlint rules`` and ``archlint explain``: the rule catalogue."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from archlint.cli.app import (
    app,
    fail,
)
from archlint.core import ALL_PRESETS, ArchlintError
from archlint.engine import CheckOptions, rules_by_code
from archlint.engine.imports import contracts_for
from archlint.formatters.contracts import as_ini, as_toml


@app.command("rules")
def rules_command(
    output_format: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    """List every rule with its code, roles and default presets."""
    registry = rules_by_code()
    if output_format == "json":
        import json

        rows = [
            {
                "code": r.code,
                "name": r.name,
                "summary": r.summary,
                "roles": sorted(role.value for role in r.roles),
                "presets": sorted(r.presets),
                "fixable": r.fixable,
            }
            for r in registry.values()
        ]
        print(json.dumps(rows, indent=2))
        return
    if output_format != "text":
        fail(f"unknown format {output_format!r} for rules (expected text or json)")
    table = Table("code", "name", "roles", "on by default in", "summary", box=None)
    for rule in registry.values():
        roles = ", ".join(sorted(r.value for r in rule.roles)) or "project"
        presets = "all" if rule.presets >= ALL_PRESETS else ", ".join(sorted(rule.presets))
        summary = f"{rule.summary} (autofix)" if rule.fixable else rule.summary
        table.add_row(rule.code, rule.name, roles, presets, summary)
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=200, no_color=True)
    console.print(table)


@app.command("explain")
def explain_command(
    code: Annotated[str, typer.Argument(help="A rule code, e.g. RTR001.")],
    path: Annotated[
        Path, typer.Argument(help="With --contracts: the project, or a folder in it.", metavar="[PATH]")
    ] = Path("."),
    contracts: Annotated[
        bool,
        typer.Option("--contracts", help="Print the import-linter contracts the rule enforces on PATH."),
    ] = False,
    output_format: Annotated[
        str, typer.Option("--format", help="With --contracts: toml (pyproject.toml) or ini (.importlinter).")
    ] = "toml",
) -> None:
    """Show a rule's documentation (or, with --contracts, the contracts it checks)."""
    rule = rules_by_code().get(code.strip().upper())
    if rule is None:
        fail(f"unknown rule code {code!r} (see `archlint rules`)")
    if contracts:
        _print_contracts(rule.code, path, output_format)
        return
    console = Console(highlight=False)
    text = f"# {rule.code} ({rule.name})\n\n{rule.summary}\n\n{rule.doc()}\n"
    if console.is_terminal and not os.environ.get("NO_COLOR"):
        console.print(Markdown(text))
    else:
        sys.stdout.write(text)


def _print_contracts(code: str, path: Path, output_format: str) -> None:
    if output_format not in ("toml", "ini"):
        fail(f"unknown format {output_format!r} for contracts (expected toml or ini)")
    try:
        session, specs = contracts_for(CheckOptions(paths=(path,)), (code,))
    except ArchlintError as exc:
        fail(str(exc))
    if not specs:
        print(f"# {code} generates no import-linter contract for this project", file=sys.stderr)
        return
    sys.stdout.write(as_toml(session, specs) if output_format == "toml" else as_ini(session, specs))
