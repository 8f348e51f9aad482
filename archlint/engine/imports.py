"""The import stage outside a check: the contracts archlint generates for a project, and the
dependency graph between its domains (``archlint graph``)."""

from __future__ import annotations

from collections.abc import Iterable

from archlint.core import ContractSpec, DependencyGraph, Diagnostic, Finding, OptionValue, ProjectContext
from archlint.engine.perfile import analyze_all
from archlint.engine.project import CheckOptions, resolve_project
from archlint.engine.suppressions import SuppressionPolicy, suppress
from archlint.rules.imports import generated_contracts
from archlint.rules.imports.depgraph import dependency_graph as build_graph


def contracts_for(
    options: CheckOptions, codes: Iterable[str]
) -> tuple[dict[str, OptionValue], list[ContractSpec]]:
    """The import-linter session options and contracts archlint generates for ``codes`` on
    the project at ``options.paths``."""
    project = resolve_project(options)
    return generated_contracts(
        project.tree, codes, include_type_checking=project.imports.include_type_checking
    )


def dependency_graph(options: CheckOptions, *, layers: bool = False) -> DependencyGraph:
    """The graph ``archlint graph`` draws for the project at ``options.paths``: the import
    rules the project runs mark the edges that break their contracts, unless an inline
    suppression hides every finding of that edge."""
    project = resolve_project(options)
    results = analyze_all(project, jobs=options.jobs, use_cache=options.use_cache).full()
    summaries = {r.info.path: r.summary for r in results if r.summary is not None}
    context = ProjectContext(imports=project.imports)

    nobody = SuppressionPolicy(known=frozenset(), judged=lambda _path, _code: False)

    def kept(diagnostic: Diagnostic) -> bool:
        return diagnostic in suppress([Finding(diagnostic)], results, nobody)[0]

    codes = [code for code in project.enabled if code.startswith("IMP")]
    return build_graph(project.tree, summaries, context, codes, layers=layers, kept=kept)
