"""Errors that end a run with exit code 2: bad configuration or bad usage."""

from __future__ import annotations

import datetime


class ArchlintError(Exception):
    """A problem with how archlint was called or configured; shown as one line, never a traceback."""


def _one_line(text: str) -> str:
    """``text`` safe to print as one line: control characters (a newline in a quoted TOML key,
    a tab) and lone surrogates (``"\\ud800"`` is a valid TOML escape) shown as escapes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class ConfigError(ArchlintError):
    """A configuration file is malformed: names the file and the dotted key.

    The message is always one printable line, whatever the file or its keys hold.
    """

    def __init__(self, path: str, key: str, problem: str) -> None:
        self.path = path
        self.key = key
        self.problem = problem
        where = f"{path}: {key}" if key else path
        super().__init__(_one_line(f"{where}: {problem}"))


class UsageError(ArchlintError):
    """The command line or the project tree does not allow a meaningful run."""


def toml_type_name(value: object) -> str:
    """How a TOML value's type reads in an error message: ``a string``, ``a table`` ..."""
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a float",
        str: "a string",
        list: "a list",
        dict: "a table",
        datetime.datetime: "a date-time",
        datetime.date: "a date",
        datetime.time: "a time",
    }
    return names.get(type(value), type(value).__name__)
