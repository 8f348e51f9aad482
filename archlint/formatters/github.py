"""GitHub Actions workflow commands: one ``::error`` or ``::warning`` annotation per finding."""

from __future__ import annotations

from typing import TextIO

from archlint.core import Diagnostic, RunResult, Severity
from archlint.formatters.concise import printable


def escape_data(text: str) -> str:
    """A command's message, so a finding cannot end its line and start another command:
    ``%``, CR and LF as the runner decodes them, any other control character (an escape
    sequence for the log's terminal) spelt out."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """A property value (file, title), where ``:`` and ``,`` delimit the command too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _properties(result: RunResult, d: Diagnostic) -> str:
    properties = [("file", result.display_path(d.path))]
    if d.line is not None:
        column = d.column or 1
        properties += [
            ("line", str(d.line)),
            ("col", str(column)),
            ("endLine", str(d.end_line or d.line)),
            ("endColumn", str(d.end_column or column)),
        ]
    properties.append(("title", d.code))
    return ",".join(f"{key}={escape_property(value)}" for key, value in properties)


class GithubFormatter:
    def render(self, result: RunResult, stream: TextIO, *, color: bool) -> None:
        for d in result.diagnostics:
            command = "warning" if d.severity is Severity.WARNING else "error"
            stream.write(f"::{command} {_properties(result, d)}::{escape_data(d.message)}\n")
