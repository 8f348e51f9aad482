"""What the import rules are given besides the tree: import settings, the project's own
import-linter contracts, the contracts archlint generates, and a memo shared for one run."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

OptionValue = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContractSpec:
    """One import-linter contract as its configuration writes it: ``type`` is import-linter's
    contract type (``layers``, ``forbidden``, ``independence``, ``protected`` ...), ``options``
    its options in the configuration's own form (a string, or a list of strings), ``line`` where
    the contract is written in ``path`` (a user contract; generated ones have neither)."""

    name: str
    type: str
    options: Mapping[str, OptionValue] = field(default_factory=dict)
    code: str = ""
    path: str = ""
    line: int = 1


@dataclass(frozen=True, slots=True)
class UserContracts:
    """The project's own import-linter configuration (``[tool.importlinter]``, ``.importlinter``
    or ``setup.cfg``): its session options (``root_packages``, ``include_external_packages``
    ...) and its contracts. ``path`` is relative to the project root."""

    path: str
    session: Mapping[str, OptionValue]
    contracts: tuple[ContractSpec, ...]
    problem: str = ""  # why the file could not be read, if it could not


@dataclass(frozen=True, slots=True)
class ImportSettings:
    """``[tool.archlint.imports]`` and the project's own import-linter contracts, if any."""

    include_type_checking: bool = False
    user: UserContracts | None = None


class RunMemo:
    """Facts derived once per run and shared by the project rules that need them (the import
    graph is built once however many import rules run), keyed by their type."""

    def __init__(self) -> None:
        self._values: dict[type, object] = {}

    def get(self, kind: type[T], build: Callable[[], T]) -> T:
        value = self._values.get(kind)
        if not isinstance(value, kind):
            value = build()
            self._values[kind] = value
        return value


@dataclass(frozen=True, slots=True)
class ProjectContext:
    """What a project rule may know about the run beyond the tree and the summaries."""

    imports: ImportSettings = field(default_factory=ImportSettings)
    memo: RunMemo = field(default_factory=RunMemo)
