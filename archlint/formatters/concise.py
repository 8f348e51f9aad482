"""``path:line:col: CODE message``, one line per finding: for editors and grep."""

from __future__ import annotations

from typing import TextIO

from archlint.core import RunResult


class ConciseFormatter:
    def render(self, result: RunResult, stream: TextIO, *, color: bool) -> None:
        for d in result.diagnostics:
            path = result.display_path(d.path)
            where = path if d.line is None else f"{path}:{d.line}:{d.column or 1}"
            stream.write(f"{where}: {d.code} {d.message}\n")
