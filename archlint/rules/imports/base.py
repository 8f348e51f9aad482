"""What every import rule shares: the graph built once per run, and findings at import lines."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

import grimp

from archlint.core import (
    ContractSpec,
    Diagnostic,
    FileSummary,
    ImportFact,
    NoOptions,
    OptionValue,
    ProjectContext,
    ProjectTree,
    make_fingerprint,
)
from archlint.rules.base import NO_SUMMARIES, ProjectRule
from archlint.rules.imports.contracts import GENERATORS, Chain, build_contract, run_contract
from archlint.rules.imports.graph import ImportIndex
from archlint.rules.imports.layers import Layering


@dataclass(frozen=True, slots=True)
class ProjectImports:
    """The run's import graph (for the contracts archlint generates) and how to read it."""

    index: ImportIndex
    layering: Layering
    graph: grimp.ImportGraph
    session: Mapping[str, OptionValue]
    type_checking: bool


def project_imports(
    tree: ProjectTree, summaries: Mapping[str, FileSummary], context: ProjectContext
) -> ProjectImports:
    """Built on first use in a run, then shared by every import rule of that run."""

    def build() -> ProjectImports:
        index = ImportIndex(tree, summaries)
        type_checking = context.imports.include_type_checking
        return ProjectImports(
            index=index,
            layering=Layering(tree),
            graph=index.graph(type_checking=type_checking),
            session={"root_packages": index.roots},
            type_checking=type_checking,
        )

    return context.memo.get(ProjectImports, build)


def type_only(statement: str) -> str:
    """A module whose one import is under ``if TYPE_CHECKING:`` (for inline cases)."""
    return f"from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    {statement}\n"


def chain_text(chain: Chain) -> str:
    return " -> ".join(chain)


def via(chain: Chain) -> str:
    """How an indirect import goes (nothing for a direct one)."""
    return f" (indirectly: {chain_text(chain)})" if len(chain) > 2 else ""


def statement_text(fact: ImportFact) -> str:
    return f"from {fact.module} import {', '.join(fact.names)}" if fact.names else f"import {fact.module}"


def findings_at_imports(
    code: str, rule: str, chain: Chain, message: str, index: ImportIndex, type_checking: bool
) -> Iterator[Diagnostic]:
    """A finding at each import statement of the chain's first link, in the importing file."""
    info = index.modules.get(chain[0])
    if info is None or len(chain) < 2:
        return
    for fact in index.facts(chain[0], chain[1]):
        if fact.type_checking and not type_checking:
            continue
        yield Diagnostic(
            code=code,
            rule=rule,
            path=info.path,
            line=fact.line,
            column=fact.column,
            message=message,
            fingerprint=make_fingerprint(code, info.path, "", f"{statement_text(fact)} {chain_text(chain)}"),
        )


class ContractRule(ProjectRule[NoOptions]):
    """An import rule enforced through import-linter contracts generated from the layout."""

    def contracts(self, tree: ProjectTree, imports: ProjectImports) -> list[ContractSpec]:
        return GENERATORS[self.code](tree, imports.layering)

    def describe(self, chain: Chain, imports: ProjectImports) -> str | None:
        """The finding's message for a chain breaking the rule's contracts (None: not one)."""
        raise NotImplementedError

    def violations(
        self, tree: ProjectTree, summaries: Mapping[str, FileSummary]
    ) -> Iterator[tuple[Chain, list[Diagnostic]]]:
        """Each chain breaking the rule's contracts (shortest first) with its findings, one
        per import statement of its first link."""
        imports = project_imports(tree, summaries, self.context)
        chains: list[Chain] = []
        for spec in self.contracts(tree, imports):
            contract = build_contract(spec, imports.session)
            chains.extend(run_contract(contract, imports.graph)[1])
        for chain in sorted(set(chains), key=lambda c: (len(c), c)):
            # A chain through what mounts the app (main.py, an aggregating router) is how
            # the app is put together, not one module depending on another.
            if any(m in imports.layering.composition for m in chain[1:-1]):
                continue
            message = self.describe(chain, imports)
            if message is not None:
                found = findings_at_imports(
                    self.code, self.name, chain, message, imports.index, imports.type_checking
                )
                yield chain, list(found)

    def check(
        self, tree: ProjectTree, options: NoOptions, summaries: Mapping[str, FileSummary] = NO_SUMMARIES
    ) -> Iterator[Diagnostic]:
        # One finding per import statement: the shortest chain through it, and how many more.
        at: dict[tuple[str, int | None, int | None], list[Diagnostic]] = {}
        for _, found in self.violations(tree, summaries):
            for d in found:
                at.setdefault((d.path, d.line, d.column), []).append(d)
        for found in at.values():
            more = len({d.message for d in found}) - 1
            first = found[0]
            suffix = f" (and {more} more through this import)" if more else ""
            yield replace(first, message=first.message + suffix)


def generated_contracts(
    tree: ProjectTree, codes: Iterable[str], *, include_type_checking: bool
) -> tuple[dict[str, OptionValue], list[ContractSpec]]:
    """The import-linter session options and contracts archlint generates for ``codes``, as a
    project's own import-linter configuration would write them (root packages are packages)."""
    layering = Layering(tree)
    names = {info.module for info in tree.modules if info.module}
    packages = sorted({n.split(".")[0] for n in names if "." in n})
    session: dict[str, OptionValue] = {
        "root_packages": tuple(packages),
        "exclude_type_checking_imports": "False" if include_type_checking else "True",
    }
    chosen = [code for code in sorted(codes) if code in GENERATORS]
    specs = [spec for code in chosen for spec in GENERATORS[code](tree, layering)]
    return session, specs
