"""Human output with rich: findings grouped by file, a code frame under each, a summary line."""

from __future__ import annotations

from collections import Counter
from itertools import groupby
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.text import Text

from archlint.core import Diagnostic, RunResult, Severity


def _source_lines(root: str, path: str) -> list[str]:
    try:
        return (Path(root) / path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _frame(diagnostic: Diagnostic, lines: list[str]) -> Text | None:
    """The reported line with a caret run under the reported span."""
    if diagnostic.line is None or not 0 < diagnostic.line <= len(lines):
        return None
    source = lines[diagnostic.line - 1].expandtabs(4)
    start = max((diagnostic.column or 1) - 1, 0)
    same_line = diagnostic.end_line == diagnostic.line and diagnostic.end_column
    end = (diagnostic.end_column or 0) - 1 if same_line else len(source.rstrip())
    width = max(end - start, 1)
    number = str(diagnostic.line)
    frame = Text()
    frame.append(f"  {number} | ", style="blue")
    frame.append(source.rstrip() + "\n")
    frame.append(f"  {' ' * len(number)} | ", style="blue")
    frame.append(" " * start + "^" * width, style="bold red")
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
            console.print(Text(result.display_path(path), style="bold underline"))
            for d in group:
                where = f"{d.line}:{d.column}" if d.line is not None else "-"
                header = Text("  ")
                header.append(where, style="dim")
                header.append(" ")
                warning = d.severity is Severity.WARNING
                header.append(d.code, style="bold yellow" if warning else "bold red")
                header.append(f" {'(warning) ' if warning else ''}{d.message}")
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
                + "; ".join(result.stale_baseline[:5])
                + (" ..." if fixed > 5 else ""),
                style="green",
            )
        if result.layout_note:
            line.append(f"\nnote: {result.layout_note}", style="yellow")
        return line
