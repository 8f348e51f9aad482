"""``path:line:col: CODE message``, one line per finding: for editors and grep."""

from __future__ import annotations

import re
from typing import TextIO

from archlint.core import RunResult

# C0 and C1 controls and DEL (escape sequences, carriage returns, line breaks), the Unicode
# line and paragraph separators, and the bidirectional overrides and isolates that reorder
# what a terminal or an editor shows ("Trojan Source").
# Lone surrogates stand for the undecodable bytes of a file name (surrogateescape): they
# are shown as the byte they were, never written raw (no encoder accepts them).
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return _SHORT.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """``text`` safe to show in a terminal or a line-oriented report: every control
    character spelt out (ESC as the four characters ``\\x1b``, a newline as ``\\n``), so
    linted code and file names can neither drive the terminal nor start a line of their own.
    Every human format shows paths, messages and source through this."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(_escape, text)


class ConciseFormatter:
    def render(self, result: RunResult, stream: TextIO, *, color: bool) -> None:
        for d in result.diagnostics:
            path = printable(result.display_path(d.path))
            where = path if d.line is None else f"{path}:{d.line}:{d.column or 1}"
            stream.write(f"{where}: {printable(d.code)} {printable(d.message)}\n")
