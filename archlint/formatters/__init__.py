"""Formatters render a finished run; built-ins are registered as ``archlint.formatters`` entry points."""

from __future__ import annotations

from typing import Protocol, TextIO

from archlint.core import RunResult, UsageError

GROUP = "archlint.formatters"

BUILTIN = {
    "concise": "archlint.formatters.concise:ConciseFormatter",
    "github": "archlint.formatters.github:GithubFormatter",
    "gitlab": "archlint.formatters.gitlab:GitlabFormatter",
    "json": "archlint.formatters.json:JsonFormatter",
    "junit": "archlint.formatters.junit:JunitFormatter",
    "sarif": "archlint.formatters.sarif:SarifFormatter",
    "text": "archlint.formatters.text:TextFormatter",
}


class Formatter(Protocol):
    """Writes a run's diagnostics to a stream. Never decides the exit code."""

    def render(self, result: RunResult, stream: TextIO, *, color: bool) -> None: ...


def available() -> dict[str, str]:
    """Formatter names -> "module:attr": every ``archlint.formatters`` entry point (the
    built-ins are registered there too; a plugin cannot take a built-in's name)."""
    from importlib.metadata import entry_points

    found = {ep.name: ep.value for ep in entry_points(group=GROUP)}
    found.update(BUILTIN)
    return dict(sorted(found.items()))


def load(name: str) -> Formatter:
    """Instantiate the formatter registered under ``name``.

    A built-in is loaded without scanning installed packages' metadata, a noticeable share
    of an instant, fully cached run.
    """
    target = BUILTIN.get(name) or available().get(name)
    if target is None:
        raise UsageError(f"unknown format {name!r} (available: {', '.join(available())})")
    module_name, _, attr = target.partition(":")
    module = __import__(module_name, fromlist=[attr])
    factory = getattr(module, attr)
    formatter: Formatter = factory()
    return formatter


__all__ = ["GROUP", "Formatter", "available", "load"]
