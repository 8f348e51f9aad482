"""The rule registry reproduces the preset defaults table of the rule catalogue (RULES.md).

The table is copied here as data, column "default" of each row, so the repository checks
itself without reading documents outside it. Every registered rule must have a row and match
it; rows for codes that are not registered rules (not built yet, or import-linter contracts,
IMP001-IMP006) have nothing to compare.
"""

from __future__ import annotations

import pytest

from archlint.rules import BUILTIN_RULES

LAYERED = "layered-v1"
BEST = "best-practices"
MONOLITH = "modular-monolith"
DOMAIN = "domain-routers"
CATALOGUE_PRESETS = frozenset({LAYERED, BEST, MONOLITH, DOMAIN})
ALL = CATALOGUE_PRESETS
DATA_LAYER = frozenset({LAYERED, MONOLITH, DOMAIN})  # "all presets with a data layer"

# code -> the catalogue presets where the rule is on by default, as RULES.md states it.
CATALOGUE: dict[str, frozenset[str]] = {
    "SYN001": ALL,  # always on
    "LAY001": ALL,
    "LAY002": ALL,
    "LAY003": ALL,
    "LAY004": ALL,
    "LAY005": ALL,
    "RTR001": ALL,
    "RTR002": ALL,
    "RTR003": ALL,
    "RTR004": frozenset({MONOLITH}),
    "RTR005": ALL,
    "SVC001": ALL - {BEST},
    "SVC002": frozenset({LAYERED, MONOLITH, DOMAIN}),
    "SVC003": frozenset({LAYERED, MONOLITH, DOMAIN}),
    "REP001": DATA_LAYER,
    "REP002": DATA_LAYER,
    "IMP001": ALL,
    "IMP002": frozenset({LAYERED, MONOLITH, DOMAIN}),
    "IMP003": frozenset({BEST, LAYERED}),
    "IMP004": frozenset({DOMAIN}),
    "IMP005": ALL,
    "IMP006": ALL,  # on everywhere; it only runs when the project defines its own contracts
    "ERR001": frozenset({BEST, MONOLITH}),
    "ERR002": frozenset({MONOLITH}),
    "LOG001": frozenset({LAYERED}),
    "SCH001": frozenset({MONOLITH}),
    "SUP001": ALL,
    "SUP002": ALL,
}

REGISTRY = {rule.code: rule for rule in BUILTIN_RULES}


@pytest.mark.parametrize("code", sorted(set(CATALOGUE) & set(REGISTRY)))
def test_rule_is_on_in_the_presets_the_catalogue_names(code: str) -> None:
    assert REGISTRY[code].presets & CATALOGUE_PRESETS == CATALOGUE[code]


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_every_registered_rule_is_in_the_catalogue(code: str) -> None:
    assert code in CATALOGUE, f"{code} has no row in the preset defaults table"


def test_the_table_covers_every_family_of_the_catalogue() -> None:
    families = {code[:3] for code in CATALOGUE}
    assert families == {"SYN", "LAY", "RTR", "SVC", "REP", "IMP", "ERR", "LOG", "SCH", "SUP"}
    assert len(CATALOGUE) == 28
