"""``archlint check``: lint, render with every format asked for, pick the exit code."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from archlint.cli.app import (
    EXIT_FINDINGS,
    app,
    codes,
    fail,
    render,
)
from archlint.core import ArchlintError, RunResult
from archlint.engine import CheckOptions, check
from archlint.formatters import Formatter, load
from archlint.formatters.statistics import statistics
from archlint.formatters.text import TextFormatter

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
            fail(str(exc))
    if sum(1 for _, _, t in targets if t is None) > 1:
        fail("more than one --format prints to the terminal: give the others a FILE (NAME:FILE)")
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
    fix_files: Annotated[
        bool,
        typer.Option("--fix", help="Apply the safe fixes (IMP003, LOG001) and report what remains."),
    ] = False,
    show_diff: Annotated[
        bool,
        typer.Option("--diff", help="Print the fixes --fix would apply as a unified diff; write nothing."),
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
        select=codes(select),
        ignore=codes(ignore) or (),
        extend_select=codes(extend_select) or (),
        jobs=jobs,
        use_cache=not no_cache,
        diff_base=diff_base,
        warn=codes(warn) or (),
        baseline=baseline_file,
        update_baseline=update_baseline,
        add_to_baseline=add,
        # No bar over machine output: only when the terminal shows text.
        progress=_progress_bar(
            quiet or any(t is None and n not in ("text", "concise") for n, _, t in targets)
        ),
    )
    if add and not update_baseline:
        fail("--add only makes sense with --update-baseline")
    if (fix_files or show_diff) and update_baseline:
        fail("--fix and --diff cannot be combined with --update-baseline")
    try:
        if show_diff:
            result = _print_diff(options)
            _exit(result, strict=strict, exit_zero=exit_zero)
            return
        result = _fix(options, quiet=quiet) if fix_files else check(options)
        if show_statistics:
            _print_statistics(result, as_json=targets[0][0] == "json")
            targets = [t for t in targets if t[2] is not None]
        for _, formatter, target in targets:
            if quiet and isinstance(formatter, TextFormatter):
                formatter = TextFormatter(quiet=True)
            render(result, formatter, target, color)
    except ArchlintError as exc:
        for name, formatter, target in targets:
            if name == "sarif" and target is not None:  # code scanning shows the failure
                render(RunResult.failed(str(exc), str(Path.cwd())), formatter, target, color)
        fail(str(exc))
    if not update_baseline:
        _exit(result, strict=strict, exit_zero=exit_zero)


def _exit(result: RunResult, *, strict: bool, exit_zero: bool) -> None:
    failing = result.errors or (strict and result.diagnostics)
    if failing and not exit_zero:
        raise typer.Exit(EXIT_FINDINGS)


def _print_diff(options: CheckOptions) -> RunResult:
    """``--diff``: the fixes as a unified diff on stdout, a one-line summary on stderr."""
    from archlint.engine.fix import plan_fixes

    plan = plan_fixes(options)
    for planned in plan.files:
        sys.stdout.write(planned.diff())
    for note in plan.notes:
        print(note, file=sys.stderr)
    files = len(plan.files)
    print(
        f"Would fix {plan.fixed} finding{'s' if plan.fixed != 1 else ''} in {files} file"
        f"{'s' if files != 1 else ''} (--fix applies them)",
        file=sys.stderr,
    )
    return plan.result


def _fix(options: CheckOptions, *, quiet: bool) -> RunResult:
    """``--fix``: what was fixed goes to stderr (the report keeps stdout), then what remains."""
    from archlint.engine.fix import fix

    outcome = fix(options)
    if not quiet:
        for written in outcome.written:
            for applied in written.fixes:
                codes = ", ".join(sorted({d.code for d in applied.diagnostics}))
                print(f"fixed {written.shown}: {applied.description} ({codes})", file=sys.stderr)
    for skipped in outcome.skipped:
        print(f"warning: {skipped}", file=sys.stderr)
    if not quiet:
        files = len(outcome.written)
        print(
            f"Fixed {outcome.fixed} finding{'s' if outcome.fixed != 1 else ''} in {files} file"
            f"{'s' if files != 1 else ''}",
            file=sys.stderr,
        )
    return outcome.result
