"""The import stage outside a check: the contracts archlint generates for a project, and the
dependency graph between its domains (``archlint graph``)."""

from __future__ import annotations

from collections.abc import Iterable

from archlint.core import ContractSpec, OptionValue
from archlint.engine.project import CheckOptions, resolve_project
from archlint.rules.imports import generated_contracts


def contracts_for(
    options: CheckOptions, codes: Iterable[str]
) -> tuple[dict[str, OptionValue], list[ContractSpec]]:
    """The import-linter session options and contracts archlint generates for ``codes`` on
    the project at ``options.paths``."""
    project = resolve_project(options)
    return generated_contracts(
        project.tree, codes, include_type_checking=project.imports.include_type_checking
    )
