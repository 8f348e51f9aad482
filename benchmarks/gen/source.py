"""What every template shares: the text being written, and the description of one domain."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from .words import Field

# A planted violation is marked at the end of a template line, ``⟦RTR001⟧`` (several codes:
# ``⟦RTR001 RTR003⟧``); the mark is removed from the file and recorded with its line.
_MARK = re.compile(r"\s*⟦([A-Z0-9 ]+)⟧\s*$")


class Source:
    """One generated file: its lines, and the findings planted in it (code, line).

    Imports are given as candidates and written when the file is finished: only the names
    the code uses are kept, ``from`` imports of one module are merged, and groups are sorted
    as isort sorts them, so templates need not track which names each variant uses."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._marks: list[tuple[str, int]] = []  # (code, index into lines)
        self._imports: tuple[int, list[list[str]]] | None = None

    def add(self, block: str, indent: int = 0) -> None:
        """Append a block (dedented, then indented by ``indent`` spaces)."""
        for line in textwrap.dedent(block).strip("\n").split("\n"):
            mark = _MARK.search(line)
            if mark is not None:
                line = line[: mark.start()]
            self.lines.append(" " * indent + line if line.strip() else "")
            if mark is not None:
                self._marks.extend((code, len(self.lines) - 1) for code in mark.group(1).split())

    def blank(self, count: int = 1) -> None:
        self.lines.extend([""] * count)

    def imports(self, groups: list[list[str]]) -> None:
        """Import groups (stdlib, third party, project), written when the file is finished."""
        self._imports = (len(self.lines), groups)

    def finish(self) -> tuple[str, list[tuple[str, int]]]:
        """The file's text and its planted findings (code, 1-based line)."""
        lines = list(self.lines)
        while lines and not lines[-1]:
            lines.pop()
        at, block = 0, []
        if self._imports is not None:
            at, groups = self._imports
            used = set(_WORD.findall(_DEFINED.sub("", "\n".join(lines[at:]))))
            block = _render(groups, used)
            lines[at:at] = block
        expected = [(code, i + 1 + (len(block) if i >= at else 0)) for code, i in self._marks]
        return ("\n".join(lines) + "\n" if lines else ""), expected

    def text(self) -> str:
        return self.finish()[0]


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DEFINED = re.compile(r"def \w+|\.\w+")  # a method name or an attribute is not a use of an import
_FROM = re.compile(r"from (\S+) import \(?([^)]*)\)?")


def _render(groups: list[list[str]], used: set[str]) -> list[str]:
    """The import block: unused names dropped, one line per module, a blank line after each group."""
    block: list[str] = []
    for group in groups:
        plain: set[str] = set()
        froms: dict[str, set[str]] = {}
        for line in group:
            found = _FROM.fullmatch(line.strip())
            if found is None:
                module = line.split()[1]
                if module.split(".")[0] in used:
                    plain.add(module)
                continue
            for name in (n.strip() for n in found.group(2).split(",")):
                if name and name.split(" as ")[-1] in used:
                    froms.setdefault(found.group(1), set()).add(name)
        rendered = [(m, f"import {m}") for m in plain]
        for module, imported in froms.items():
            line = f"from {module} import {names(sorted(imported))}"
            if len(line) > 100:
                inner = "".join(f"    {n},\n" for n in _sorted_names(imported))
                line = f"from {module} import (\n{inner})"
            rendered.append((module, line))
        if rendered:
            for _, line in sorted(rendered, key=lambda r: (r[1].startswith("from"), r[0].lower())):
                block.extend(line.split("\n"))
            block.append("")
    return block


def _sorted_names(items: set[str]) -> list[str]:
    return sorted(items, key=lambda n: (not n.isupper(), not n[:1].isupper(), n))


def names(items: list[str]) -> str:
    """``a, b, c`` sorted as isort does (case-sensitive: constants, classes, functions)."""
    return ", ".join(_sorted_names(set(items)))


@dataclass(frozen=True, slots=True)
class Modules:
    """Dotted names a domain's modules are imported by (``repository`` None: no data layer)."""

    models: str
    enums: str
    schemas: str
    repository: str | None
    service: str
    exceptions: str
    dependencies: str
    router: str


@dataclass(frozen=True, slots=True)
class Core:
    """Dotted names of the shared modules every domain uses."""

    db: str
    errors: str
    security: str
    pagination: str
    logging: str
    config: str


@dataclass(frozen=True, slots=True)
class Style:
    """How a preset's convention writes its layers."""

    has_repository: bool  # False: SQL-first services (best-practices)
    guards_in_routes: bool  # False: every conditional in a route is a finding (modular-monolith)
    http_domain_errors: bool  # domain exceptions are HTTPException subclasses (best-practices)
    exceptions_module: bool  # a per-domain exceptions module (domain-routers has none)
    cross_domain: bool  # domains import each other's schemas (domain-routers keeps them independent)


@dataclass(frozen=True, slots=True)
class Parent:
    singular: str
    plural: str
    cls: str
    schemas: str  # the parent's schemas module
    models: str


@dataclass(frozen=True, slots=True)
class Domain:
    """One generated domain: its names, fields, neighbours and the violations planted in it."""

    index: int
    singular: str
    plural: str
    cls: str
    fields: tuple[Field, ...]
    statuses: tuple[str, ...]
    action: str
    parent: Parent | None
    plants: frozenset[str]
    modules: Modules
    core: Core
    style: Style
    variant: int  # picks between equivalent spellings of the same code

    @property
    def label(self) -> str:
        """The entity's human-readable string field (name, title or code)."""
        return self.fields[0].name

    @property
    def measure(self) -> Field:
        """Its amount or count field."""
        return self.fields[1]

    @property
    def open_statuses(self) -> tuple[str, ...]:
        return self.statuses[:-1]

    @property
    def status_enum(self) -> str:
        return f"{self.cls}Status"


def plants_for(index: int, style: Style, has_guard_rule: bool) -> frozenset[str]:
    """Which violations domain ``index`` carries: a fixed schedule, so that any three
    consecutive domains from the first hold one of each, and about one finding per domain."""
    plants = set()
    if index % 4 == 0 and style.has_repository:
        plants.add("REP001")
    if index % 5 == 0:
        plants.add("RTR001")
    if index % 7 == 1:
        plants.add("RTR002")
    if index % 4 == 2:
        plants.add("RTR003")
    if not style.http_domain_errors:
        if index % 6 == 1:
            plants.add("SVC001")
        if index % 9 == 2:
            plants.add("SVC001-subclass")
    if has_guard_rule and index % 8 == 1:
        plants.add("RTR004")
    return frozenset(plants)
