"""The typer app, exit codes and the helpers every command shares."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn, TextIO

import typer

from archlint import __version__
from archlint.core import RunResult, UsageError
from archlint.formatters import Formatter

app = typer.Typer(
    name="archlint",
    help="Architecture linter for FastAPI backends. `archlint PATH` is `archlint check PATH`.",
    add_completion=False,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
COMMANDS = ("check", "rules", "explain", "layout", "init", "config", "graph")


def fail(message: str) -> NoReturn:
    print(f"archlint: error: {message}", file=sys.stderr)
    raise typer.Exit(EXIT_ERROR)


def codes(values: list[str] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    # An empty entry is kept so that the engine names it ("--ignore: empty rule selector").
    return tuple(c.strip().upper() for v in values for c in v.split(","))


def use_color(flag: bool | None, stream: TextIO) -> bool:
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def write_report(path: Path, text: str) -> None:
    """Write a report into ``path`` by opening it: a device (``/dev/null``), a symlink or a
    FIFO gets written into, never replaced, and a new file honours the umask. Only archlint's
    own files (cache, baseline) are replaced atomically."""
    if str(path) in ("", ".") or path.is_dir():
        raise UsageError(f"--output {str(path)!r}: a directory, not a file")
    try:
        if not path.parent.exists():
            path.parent.mkdir(parents=True)
        with path.open("w", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write the report to {path}: {exc.strerror or exc}") from None


def render(result: RunResult, formatter: Formatter, output: Path | None, color: bool | None) -> None:
    if output is None:
        formatter.render(result, sys.stdout, color=use_color(color, sys.stdout))
        return
    buffer = io.StringIO()
    formatter.render(result, buffer, color=bool(color))
    write_report(output, buffer.getvalue())


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
