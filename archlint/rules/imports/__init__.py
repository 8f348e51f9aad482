"""Import rules: import-linter contracts generated from the layout (IMP001, IMP002, IMP004,
IMP005) and the project's own (IMP006), checked on a grimp graph built from the summaries."""

from archlint.rules.imports.base import generated_contracts
from archlint.rules.imports.domains import DomainsDependOnEachOther, SharedImportsDomain
from archlint.rules.imports.order import LayerOrderBroken, RouterImportsDataLayer
from archlint.rules.imports.user import UserContractBroken

__all__ = [
    "DomainsDependOnEachOther",
    "LayerOrderBroken",
    "RouterImportsDataLayer",
    "SharedImportsDomain",
    "UserContractBroken",
    "generated_contracts",
]
