"""Human output with rich: findings grouped by file, a code frame under each, a summary line."""

from __future__ import annotations

import io
import os
import re
import stat
import tokenize
from collections import Counter
from itertools import groupby
from pathlib import Path
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from archlint.core import Diagnostic, RunResult, Severity
from archlint.formatters.concise import printable

_NEWLINE = re.compile(r"\r\n?|\n")  # where Python ends a line: never at a form feed
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_NOTES = 10  # notifications shown under the summary line


def _source_lines(root: str, path: str) -> list[str]:
    """The file's lines as archlint numbered them; none for a file that is not a regular
    file inside the project (a FIFO would block, a link out of the project is not shown)."""
    file = Path(root) / path
    try:
        if not file.resolve().is_relative_to(Path(root).resolve()):
            return []
        fd = os.open(file, os.O_RDONLY | _NONBLOCK | _BINARY)
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return []
            data = f.read()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, on older Pythons
        return []
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding, errors="replace")
    except (SyntaxError, LookupError):
        text = data.decode("utf-8", errors="replace")
    lines = _NEWLINE.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def _shown(source: str) -> str:
    """Source as the code frame shows it: tabs expanded, control characters spelt out."""
    return printable(source.expandtabs(4))


def _frame(diagnostic: Diagnostic, lines: list[str]) -> Text | None:
    """The reported line with a caret run under the reported span (columns count
    characters; the carets follow what each takes on screen)."""
    if diagnostic.line is None or not 0 < diagnostic.line <= len(lines):
        return None
    raw = lines[diagnostic.line - 1].rstrip()
    source = _shown(raw)
    start = min(max((diagnostic.column or 1) - 1, 0), len(raw))
    same_line = diagnostic.end_line == diagnostic.line and diagnostic.end_column
    end = min((diagnostic.end_column or 0) - 1, len(raw)) if same_line else len(raw)
    lead = cell_len(_shown(raw[:start]))
    width = max(cell_len(_shown(raw[:end])) - lead, 1)
    number = str(diagnostic.line)
    frame = Text()
    frame.append(f"  {number} | ", style="blue")
    frame.append(source + "\n")
    frame.append(f"  {' ' * len(number)} | ", style="blue")
    frame.append(" " * lead + "^" * width, style="bold red")
    return frame


class TextFormatter:
    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet  # findings only, no summary line

    def render(self, result: RunResult, stream: TextIO, *, color: bool) -> None:
        console = Console(
            file=stream,
            force_terminal=color,
            no_color=not color,
            highlight=False,
            soft_wrap=True,
            width=10_000 if not color else None,
        )
        for path, group in groupby(result.diagnostics, key=lambda d: d.path):
            lines = _source_lines(result.project_root, path)
            console.print(Text(printable(result.display_path(path)), style="bold underline"))
            for d in group:
                where = f"{d.line}:{d.column}" if d.line is not None else "-"
                header = Text("  ")
                header.append(where, style="dim")
                header.append(" ")
                warning = d.severity is Severity.WARNING
                header.append(printable(d.code), style="bold yellow" if warning else "bold red")
                header.append(f" {'(warning) ' if warning else ''}{printable(d.message)}")
                console.print(header)
                frame = _frame(d, lines)
                if frame is not None:
                    console.print(frame)
            console.print()
        if not self.quiet:
            console.print(self.summary(result))

    @staticmethod
    def summary(result: RunResult) -> Text:
        total = len(result.diagnostics)
        files, folders = result.counted()
        if total == 0:
            line = Text("All checks passed", style="bold green")
        else:
            counts = Counter(d.code for d in result.diagnostics)
            by_code = ", ".join(f"{code} x{n}" for code, n in sorted(counts.items()))
            noun = "finding" if total == 1 else "findings"
            warnings = total - result.errors
            style = "bold red" if result.errors else "bold yellow"
            where = f"{files} file{'s' if files != 1 else ''}"
            if folders:
                where = (where + " and " if files else "") + f"{folders} folder{'s' if folders != 1 else ''}"
            line = Text(f"Found {total} {noun} in {where}", style=style)
            line.append(f" ({by_code}{f'; {warnings} warnings' if warnings else ''})", style="")
        line.append(
            f" - {result.files_checked} files checked, preset {result.preset}"
            + (
                " defaults (no preset matched)"
                if result.layout_mode == "by-name"
                else " (detected: `archlint layout` shows how the tree was read)"
                if result.preset_source == "detected"
                else ""
            )
            + (f", {result.suppressed} suppressed" if result.suppressed else "")
            + (f", {result.baselined} in the baseline" if result.baselined else ""),
            style="dim",
        )
        if result.stale_baseline:
            fixed = len(result.stale_baseline)
            line.append(
                f"\n{fixed} baseline entr{'y is' if fixed == 1 else 'ies are'} fixed (run with "
                "--update-baseline to drop them): "
                + "; ".join(printable(entry) for entry in result.stale_baseline[:5])
                + (" ..." if fixed > 5 else ""),
                style="green",
            )
        if result.layout_note:
            line.append(f"\nnote: {printable(result.layout_note)}", style="yellow")
        if result.notifications:  # what the run could not do: files or folders it could not read
            notes = [f"\nnote: {printable(n)}" for n in result.notifications[:_NOTES]]
            if len(result.notifications) > _NOTES:
                notes.append(f"\nnote: ... and {len(result.notifications) - _NOTES} more")
            line.append("".join(notes), style="yellow")
        return line
