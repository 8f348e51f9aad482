"""The command line: parse arguments, call the engine, render with a formatter, pick the exit code."""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TextIO

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table
from rich.tree import Tree

from archlint import __version__
from archlint.config.write import write_table
from archlint.core import ALL_PRESETS, DEFINING_ROLES, ArchlintError, RunResult
from archlint.engine import CheckOptions, check, read_layout, rules_by_code
from archlint.engine.effective import effective_settings
from archlint.engine.initconfig import plan
from archlint.formatters import Formatter, load
from archlint.formatters.layout import layout_document
from archlint.formatters.statistics import statistics
from archlint.formatters.text import TextFormatter

app = typer.Typer(
    name="archlint",
    help="Architecture linter for FastAPI backends. `archlint PATH` is `archlint check PATH`.",
    add_completion=False,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_COMMANDS = ("check", "rules", "explain", "layout", "init", "config")


def _fail(message: str) -> NoReturn:
    print(f"archlint: error: {message}", file=sys.stderr)
    raise typer.Exit(EXIT_ERROR)


def _codes(values: list[str] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    return tuple(c.strip() for v in values for c in v.split(",") if c.strip())


def _use_color(flag: bool | None, stream: TextIO) -> bool:
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _render(result: RunResult, formatter: Formatter, output: Path | None, color: bool | None) -> None:
    if output is None:
        formatter.render(result, sys.stdout, color=_use_color(color, sys.stdout))
        return
    buffer = io.StringIO()
    formatter.render(result, buffer, color=bool(color))
    _write_atomically(output, buffer.getvalue())


# Formats a person reads on the terminal; a progress bar never shows over the others.
_HUMAN = ("text", "concise")


def _progress_bar(quiet: bool) -> Callable[[int, int], None] | None:
    """A progress bar on stderr for runs that take over a second, on a terminal only."""
    if quiet or not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    start = time.monotonic()
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            if time.monotonic() - start < 1.0:
                return
            from rich.progress import Progress

            bar = Progress(console=Console(stderr=True), transient=True)
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("analysing", total=total)
        state["bar"].update(state["task"], completed=done)
        if done >= total:
            state.pop("bar").stop()

    return update


def _print_statistics(result: RunResult, *, as_json: bool) -> None:
    stats = statistics(result)
    if as_json:
        import json

        print(json.dumps(stats, indent=2))
        return
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=200, no_color=True)
    table = Table("count", "code", "summary", box=None)
    for row in stats["by_code"]:  # type: ignore[attr-defined]
        table.add_row(str(row["count"]), row["code"], row["summary"])
    console.print(table)
    for title, key in (("domain", "by_domain"), ("layer", "by_layer")):
        counts = Table("count", title, box=None)
        for name, count in stats[key].items():  # type: ignore[attr-defined]
            counts.add_row(str(count), name)
        console.print(counts)
    files, folders = stats["files"], stats["folders"]
    console.print(f"{stats['findings']} findings in {files} files and {folders} folders")


def _targets(values: list[str], output: Path | None) -> list[tuple[str, Formatter, Path | None]]:
    """Each ``--format NAME[:FILE]`` as a loaded formatter and where it writes; ``--output``
    is the file of the one given without a FILE. One of them at most may print."""
    targets: list[tuple[str, Formatter, Path | None]] = []
    for value in values:
        name, _, file = value.partition(":")
        target = Path(file) if file else None
        if target is None and output is not None and all(t is not None for _, _, t in targets):
            target = output
        try:
            targets.append((name.strip(), load(name.strip()), target))
        except ArchlintError as exc:
            _fail(str(exc))
    if sum(1 for _, _, t in targets if t is None) > 1:
        _fail("more than one --format prints to the terminal: give the others a FILE (NAME:FILE)")
    return targets


@app.command("check")
def check_command(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders to lint.", metavar="PATHS")
    ] = None,
    preset: Annotated[
        str | None, typer.Option(help="Layout preset (default: from config, else detected).", metavar="NAME")
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="Config file (pyproject.toml or archlint.toml).", metavar="FILE")
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(help="Rule codes or prefixes to run (replaces config).", metavar="CODES"),
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option(help="Rule codes or prefixes to skip.", metavar="CODES")
    ] = None,
    extend_select: Annotated[
        list[str] | None, typer.Option(help="Rule codes or prefixes to add.", metavar="CODES")
    ] = None,
    output_formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            help="Output format, NAME or NAME:FILE, repeatable: text, concise, json, sarif, github, "
            "gitlab, junit (e.g. --format text --format sarif:archlint.sarif).",
            metavar="NAME[:FILE]",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(help="Write the report of the --format given without a FILE here.", metavar="FILE"),
    ] = None,
    diff_base: Annotated[
        str | None,
        typer.Option(
            "--diff-base",
            help="Report on the Python files changed since this git revision (and untracked ones).",
            metavar="REV",
        ),
    ] = None,
    warn: Annotated[
        list[str] | None,
        typer.Option(
            help="Report these rules as warnings: shown, but they do not fail the run.", metavar="CODES"
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the run too.")] = False,
    baseline_file: Annotated[
        Path | None,
        typer.Option("--baseline", help="Hide the findings recorded in this baseline file.", metavar="FILE"),
    ] = None,
    update_baseline: Annotated[
        bool,
        typer.Option(
            "--update-baseline",
            help="Rewrite the baseline: drop fixed entries (a new baseline records every finding).",
        ),
    ] = False,
    add: Annotated[
        bool, typer.Option("--add", help="With --update-baseline, also record today's new findings.")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Worker processes (default: CPU count).", metavar="N"),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write .archlint_cache/.")
    ] = False,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings.")
    ] = False,
    show_statistics: Annotated[
        bool,
        typer.Option("--statistics", help="Print counts per rule, domain and layer instead of findings."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the findings.")] = False,
    color: Annotated[bool | None, typer.Option("--color/--no-color", help="Force colour on or off.")] = None,
) -> None:
    """Lint a FastAPI backend (the default command)."""
    targets = _targets(output_formats or ["text"], output)
    options = CheckOptions(
        paths=tuple(paths) if paths else (Path("."),),
        config_file=config,
        preset=preset,
        select=_codes(select),
        ignore=_codes(ignore) or (),
        extend_select=_codes(extend_select) or (),
        jobs=jobs,
        use_cache=not no_cache,
        diff_base=diff_base,
        warn=_codes(warn) or (),
        baseline=baseline_file,
        update_baseline=update_baseline,
        add_to_baseline=add,
        # No bar over machine output: only when the terminal shows text.
        progress=_progress_bar(
            quiet or any(t is None and n not in ("text", "concise") for n, _, t in targets)
        ),
    )
    if add and not update_baseline:
        _fail("--add only makes sense with --update-baseline")
    try:
        result = check(options)
        if show_statistics:
            _print_statistics(result, as_json=targets[0][0] == "json")
            targets = [t for t in targets if t[2] is not None]
        for _, formatter, target in targets:
            if quiet and isinstance(formatter, TextFormatter):
                formatter = TextFormatter(quiet=True)
            _render(result, formatter, target, color)
    except ArchlintError as exc:
        for name, formatter, target in targets:
            if name == "sarif" and target is not None:  # code scanning shows the failure
                _render(RunResult.failed(str(exc), str(Path.cwd())), formatter, target, color)
        _fail(str(exc))
    failing = result.errors or (strict and result.diagnostics)
    if failing and not exit_zero and not update_baseline:
        raise typer.Exit(EXIT_FINDINGS)


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
            }
            for r in registry.values()
        ]
        print(json.dumps(rows, indent=2))
        return
    if output_format != "text":
        _fail(f"unknown format {output_format!r} for rules (expected text or json)")
    table = Table("code", "name", "roles", "on by default in", "summary", box=None)
    for rule in registry.values():
        roles = ", ".join(sorted(r.value for r in rule.roles)) or "project"
        presets = "all" if rule.presets >= ALL_PRESETS else ", ".join(sorted(rule.presets))
        table.add_row(rule.code, rule.name, roles, presets, rule.summary)
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=200, no_color=True)
    console.print(table)


@app.command("explain")
def explain_command(code: Annotated[str, typer.Argument(help="A rule code, e.g. RTR001.")]) -> None:
    """Show a rule's documentation."""
    rule = rules_by_code().get(code.strip().upper())
    if rule is None:
        _fail(f"unknown rule code {code!r} (see `archlint rules`)")
    console = Console(highlight=False)
    text = f"# {rule.code} ({rule.name})\n\n{rule.summary}\n\n{rule.doc()}\n"
    if console.is_terminal and not os.environ.get("NO_COLOR"):
        console.print(Markdown(text))
    else:
        sys.stdout.write(text)


def _role_label(entry: dict[str, Any], base: str) -> str:
    path = str(entry["path"])
    name = path[len(base) + 1 :] if base and path.startswith(base + "/") else path
    role = entry["role"]
    if entry["matched"]:
        return f"{name}  [bold]{role}[/bold] [dim](matched {entry['matched']})[/dim]"
    return f"{name}  [dim]{'no role' if role in ('other', 'shared') else role}[/dim]"


def _layout_tree(document: dict[str, Any]) -> Tree:
    mode = document["mode"]
    head = f"[bold]{document['preset']}[/bold] ({mode})"
    if document["scores"]:
        head += " [dim]scores: " + ", ".join(f"{k} {v}" for k, v in document["scores"].items()) + "[/dim]"
    root = os.path.relpath(str(document["project_root"]))
    tree = Tree(f"{root if not root.startswith('..') else document['project_root']}  layout {head}")
    roots = ", ".join(document["import_roots"]) or "none found (names from the source root)"
    tree.add(f"import roots: {roots}")
    tree.add(f"source root: {document['source_root']}")
    domains = tree.add(f"domains ({len(document['domains'])})")
    for domain in document["domains"]:
        branch = domains.add(f"[bold cyan]{domain['path']}[/bold cyan]")
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
        _fail(f"unknown format {output_format!r} for layout (expected text or json)")
    try:
        tree, root = read_layout(CheckOptions(paths=(path,), config_file=config, preset=preset))
    except ArchlintError as exc:
        _fail(str(exc))
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
        _fail(str(exc))
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
        _fail(str(exc))
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


def _version(value: bool) -> None:
    if value:
        print(f"archlint {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """Architecture linter for FastAPI backends."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: ``archlint PATH`` means ``archlint check PATH``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0] not in _COMMANDS and args[0] not in ("--help", "-h", "--version")):
        args.insert(0, "check")
    try:
        app(args=args, prog_name="archlint")
    except SystemExit:
        raise
    except Exception as exc:  # a bug of ours: one clear line, never a traceback
        if os.environ.get("ARCHLINT_DEBUG"):
            raise
        print(
            f"archlint: internal error: {type(exc).__name__}: {exc} "
            "(set ARCHLINT_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        sys.exit(EXIT_ERROR)
