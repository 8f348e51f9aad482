"""What every rule declares: code, docs, roles, default presets, options and inline cases."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from archlint.core.model import Role

ALL_PRESETS = frozenset({"layered-v1", "best-practices", "modular-monolith", "domain-routers", "by-layer"})

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Options", "Fix")


@dataclass(frozen=True, slots=True)
class NoOptions:
    """Options of a rule that takes none."""


@dataclass(frozen=True, slots=True)
class Case:
    """An inline test case: source for one module, and where the rule must report (line, column).

    ``others`` are extra modules of the same project (dotted name -> source), for cases whose
    verdict depends on another file, and ``roles`` the layer roles of some of them; ``also``
    other rule codes that run in the case (for rules about other rules' findings, such as
    SUP001), whose own findings the case does not assert; ``expected`` is empty for a valid
    case.
    """

    code: str
    role: Role | None = None
    expected: tuple[tuple[int, int], ...] = ()
    options: Mapping[str, object] = field(default_factory=dict)
    others: Mapping[str, str] = field(default_factory=dict)
    module: str = "v1.orders.module"
    also: tuple[str, ...] = ()
    roles: Mapping[str, Role] = field(default_factory=dict)


def valid(
    code: str,
    *,
    role: Role | None = None,
    options: Mapping[str, object] | None = None,
    others: Mapping[str, str] | None = None,
    also: tuple[str, ...] = (),
    roles: Mapping[str, Role] | None = None,
) -> Case:
    """A case the rule must stay silent on."""
    return Case(
        code=code, role=role, options=options or {}, others=others or {}, also=also, roles=roles or {}
    )


def invalid(
    code: str,
    *at: tuple[int, int],
    role: Role | None = None,
    options: Mapping[str, object] | None = None,
    others: Mapping[str, str] | None = None,
    also: tuple[str, ...] = (),
    roles: Mapping[str, Role] | None = None,
) -> Case:
    """A case the rule must flag exactly at the given 1-based (line, column) positions."""
    return Case(
        code=code,
        role=role,
        expected=at,
        options=options or {},
        others=others or {},
        also=also,
        roles=roles or {},
    )


@dataclass(frozen=True, slots=True)
class TreeCase:
    """An inline case for a project rule: a file tree under a preset (None: no config, the
    layout detected) and the paths it flags. ``sources`` holds the text of the files that are
    not empty (a ``pyproject.toml`` or ``.importlinter`` among them, if the case needs one);
    ``at`` is where the rule must report, as (path, line, column), for rules whose findings
    have a position."""

    preset: str | None
    files: tuple[str, ...]
    expected: tuple[str, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)
    at: tuple[tuple[str, int, int], ...] = ()


def valid_tree(preset: str | None, *files: str) -> TreeCase:
    """A tree the rule must stay silent on."""
    return TreeCase(preset=preset, files=files)


def invalid_tree(preset: str | None, *files: str, flagged: tuple[str, ...]) -> TreeCase:
    """A tree the rule must flag at exactly the ``flagged`` paths."""
    return TreeCase(preset=preset, files=files, expected=flagged)


def valid_sources(preset: str | None, sources: Mapping[str, str]) -> TreeCase:
    """A tree of files with their text that the rule must stay silent on."""
    return TreeCase(preset=preset, files=tuple(sources), sources=sources)


def invalid_sources(preset: str | None, sources: Mapping[str, str], *at: tuple[str, int, int]) -> TreeCase:
    """A tree of files with their text that the rule must flag exactly at ``at``: (path, line,
    column) with 1-based line and column."""
    flagged = tuple(dict.fromkeys(path for path, _, _ in at))
    return TreeCase(preset=preset, files=tuple(sources), expected=flagged, sources=sources, at=at)
