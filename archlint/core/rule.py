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
    verdict depends on another file; ``expected`` is empty for a valid case.
    """

    code: str
    role: Role | None = None
    expected: tuple[tuple[int, int], ...] = ()
    options: Mapping[str, object] = field(default_factory=dict)
    others: Mapping[str, str] = field(default_factory=dict)
    module: str = "v1.orders.module"


def valid(
    code: str,
    *,
    role: Role | None = None,
    options: Mapping[str, object] | None = None,
    others: Mapping[str, str] | None = None,
) -> Case:
    """A case the rule must stay silent on."""
    return Case(code=code, role=role, options=options or {}, others=others or {})


def invalid(
    code: str,
    *at: tuple[int, int],
    role: Role | None = None,
    options: Mapping[str, object] | None = None,
    others: Mapping[str, str] | None = None,
) -> Case:
    """A case the rule must flag exactly at the given 1-based (line, column) positions."""
    return Case(code=code, role=role, expected=at, options=options or {}, others=others or {})


# A file of a tree case: its path, or its path and contents (a project rule over summaries
# needs the code); a flagged place: a path (a file or folder finding, pinned to line 1), or
# a path, line and column (1-based).
TreeFile = str | tuple[str, str]
Flagged = str | tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class TreeCase:
    """An inline case for a project rule: a file tree under a preset (None: no config, the
    layout detected) and the places it flags."""

    preset: str | None
    files: tuple[TreeFile, ...]
    expected: tuple[Flagged, ...] = ()

    def contents(self) -> dict[str, str]:
        """Every file of the tree and its text (empty when only the path is given)."""
        return dict((f, "") if isinstance(f, str) else f for f in self.files)


def valid_tree(preset: str | None, *files: TreeFile) -> TreeCase:
    """A tree the rule must stay silent on."""
    return TreeCase(preset=preset, files=files)


def invalid_tree(preset: str | None, *files: TreeFile, flagged: tuple[Flagged, ...]) -> TreeCase:
    """A tree the rule must flag at exactly the ``flagged`` places."""
    return TreeCase(preset=preset, files=files, expected=flagged)
