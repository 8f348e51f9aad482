"""import-linter contracts generated from the layout, and running any contract on the graph.

Each IMP rule is a set of import-linter contracts of import-linter's own types: ``layers``
with one container per domain (IMP001), ``forbidden`` router -> data layer with indirect
imports allowed (IMP002), ``independence`` over the domains (IMP004), ``forbidden`` shared
code -> domains (IMP005). ``archlint explain IMP001 --contracts`` prints them, so what is
enforced can be read, and pasted into a project's own import-linter configuration.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import grimp

from archlint.core import ContractSpec, OptionValue, ProjectTree, Role
from archlint.rules.imports.layers import DATA_LAYER, LAYER_ORDER, Layering, Unit

Chain = tuple[str, ...]


def _layer_text(units: Sequence[Unit]) -> str:
    """One layer of a ``layers`` contract: its modules, each optional, not independent."""
    return " : ".join(f"({u.tail})" for u in sorted(units, key=lambda u: u.tail))


def layers_contracts(layering: Layering) -> list[ContractSpec]:
    """IMP001: a ``layers`` contract per set of domains whose layers read alike."""
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for container, units in sorted(layering.domain_units().items()):
        by_role = {role: [u for u in units if u.role is role] for role in LAYER_ORDER}
        layers = tuple(_layer_text(found) for role in LAYER_ORDER if (found := by_role[role]))
        if len(layers) >= 2:
            groups[layers].append(container)
    specs = []
    for number, (layers, containers) in enumerate(sorted(groups.items(), key=lambda g: g[1]), start=1):
        options: dict[str, OptionValue] = {"layers": layers}
        if containers != [""]:
            options["containers"] = tuple(containers)
        suffix = f" ({number} of {len(groups)})" if len(groups) > 1 else ""
        specs.append(
            ContractSpec(
                name=f"Layers keep their order in each domain{suffix}",
                type="layers",
                options=options,
                code="IMP001",
            )
        )
    return specs


def router_data_contracts(layering: Layering) -> list[ContractSpec]:
    """IMP002: routers never import the data layer directly (through a service they may)."""
    routers = tuple(u.module for u in layering.units if u.role is Role.ROUTER)
    data = tuple(u.module for u in layering.units if u.role in DATA_LAYER)
    if not routers or not data:
        return []
    options: dict[str, OptionValue] = {
        "source_modules": routers,
        "forbidden_modules": data,
        "allow_indirect_imports": "true",
    }
    return [ContractSpec("Routers reach the data layer through services", "forbidden", options, "IMP002")]


def independence_contracts(layering: Layering) -> list[ContractSpec]:
    """IMP004: the domains (and the sub-domains of each domain) do not depend on each other."""
    specs = []
    for parent, containers in sorted(layering.outer_domains().items(), key=lambda g: g[0] or ""):
        if len(containers) >= 2:
            where = f" inside {parent}" if parent else ""
            options: dict[str, OptionValue] = {"modules": tuple(containers)}
            specs.append(ContractSpec(f"Domains{where} are independent", "independence", options, "IMP004"))
    return specs


def shared_contracts(tree: ProjectTree, layering: Layering) -> list[ContractSpec]:
    """IMP005: shared code does not import any domain."""
    sources = layering.shared
    domains = tuple(layering.outer_domains().get(None, ()))
    if not sources or not domains:
        return []
    options: dict[str, OptionValue] = {"source_modules": sources, "forbidden_modules": domains}
    return [ContractSpec("Shared code does not depend on the domains", "forbidden", options, "IMP005")]


GENERATORS: Mapping[str, Callable[[ProjectTree, Layering], list[ContractSpec]]] = {
    "IMP001": lambda tree, layering: layers_contracts(layering),
    "IMP002": lambda tree, layering: router_data_contracts(layering),
    "IMP004": lambda tree, layering: independence_contracts(layering),
    "IMP005": shared_contracts,
}


# --- running a contract ------------------------------------------------------------------


def _configure() -> None:
    """import-linter's contracts time themselves through its settings: give it its defaults."""
    from importlinter.application.app_config import settings

    if "TIMER" not in settings._config:
        from importlinter.configuration import configure

        configure()


def contract_class(type_name: str) -> type[Any] | None:
    """import-linter's class for a built-in contract type (custom types are never loaded:
    that would import code named in the project's configuration)."""
    from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
    from importlinter.contracts.forbidden import ForbiddenContract
    from importlinter.contracts.independence import IndependenceContract
    from importlinter.contracts.layers import LayersContract
    from importlinter.contracts.private_modules import PrivateModulesContract
    from importlinter.contracts.protected import ProtectedContract

    _configure()
    classes: dict[str, type[Any]] = {
        "layers": LayersContract,
        "forbidden": ForbiddenContract,
        "independence": IndependenceContract,
        "protected": ProtectedContract,
        "private_modules": PrivateModulesContract,
        "acyclic_siblings": AcyclicSiblingsContract,
    }
    return classes.get(type_name)


def _raw(options: Mapping[str, OptionValue]) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, tuple) else value for key, value in options.items()}


def build_contract(spec: ContractSpec, session: Mapping[str, OptionValue]) -> Any:
    """The import-linter contract for ``spec``; raises ValueError (unknown type) or
    import-linter's InvalidContractOptions."""
    kind = contract_class(spec.type)
    if kind is None:
        raise ValueError(f"contract type {spec.type!r} is not one of import-linter's built-in types")
    options = {"name": spec.name, "type": spec.type, **_raw(spec.options)}
    return kind(name=spec.name, session_options=_raw(session), contract_options=options)


def run_contract(contract: Any, graph: grimp.ImportGraph) -> tuple[bool, list[Chain]]:
    """Whether ``contract`` is kept, and the import chains that break it (each from importer
    to imported). The graph is copied: a contract may remove its ignored imports from it."""
    from copy import deepcopy

    check = contract.check(deepcopy(graph), verbose=False)
    if check.kept:
        return True, []
    return False, sorted(set(_chains(check.metadata)))


def _link_chain(links: Sequence[Mapping[str, Any]]) -> Chain:
    return (*(link["importer"] for link in links), links[-1]["imported"])


def _detailed(detailed: Mapping[str, Any]) -> Iterator[Chain]:
    main = _link_chain(detailed["chain"])
    yield main
    for extra in detailed.get("extra_firsts", ()):
        yield (extra["importer"], *main[1:])
    for extra in detailed.get("extra_lasts", ()):
        yield (*main[:-1], extra["imported"])


def _chains(metadata: Mapping[str, Any]) -> Iterator[Chain]:
    """Chains out of the metadata of every built-in contract type's check."""
    for dependency in metadata.get("invalid_dependencies", ()):  # layers
        for route in dependency["routes"]:
            yield from _detailed(route)
    for dependency in metadata.get("invalid_chains", ()):  # forbidden, independence
        for chain in dependency["chains"]:
            yield from _detailed(chain) if isinstance(chain, dict) else (_link_chain(chain),)
    for entry in metadata.get("illegal_imports", ()):  # protected, private_modules
        links = getattr(entry, "illegal_links", None)
        for link in links if links is not None else (entry,):
            yield (link["importer"], link["imported"])
    for breakers in metadata.get("cycle_breakers_by_package", {}).values():  # acyclic_siblings
        yield from (tuple(pair) for pair in breakers)
