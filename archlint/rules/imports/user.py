"""IMP006: the project's own import-linter contracts, checked on archlint's graph."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from archlint.core import (
    ALL_PRESETS,
    ContractSpec,
    Diagnostic,
    FileSummary,
    NoOptions,
    ProjectTree,
    UserContracts,
    invalid_sources,
    valid_sources,
)
from archlint.rules.base import NO_SUMMARIES, ProjectRule
from archlint.rules.imports.base import findings_at_imports, project_imports, type_only, via
from archlint.rules.imports.contracts import build_contract, run_contract

_TRUE = ("True", "true")
_ORDERS = "src/orders/"
_CONTRACT = """[importlinter]
root_package = src

[importlinter:contract:no-sql-in-orders]
name = Orders never touch the database module
type = forbidden
source_modules = src.orders
forbidden_modules = src.database
"""


def _problem(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict):
        return "; ".join(f"{key}: {value}" for key, value in sorted(errors.items()))
    return str(exc) or type(exc).__name__


class UserContractBroken(ProjectRule[NoOptions]):
    """
    ## What it does
    Checks the project's own import-linter contracts (`[tool.importlinter]` in pyproject.toml,
    `.importlinter` or `setup.cfg`, whichever import-linter itself would read) on archlint's
    import graph, and reports each import that breaks one, naming the contract: at the import
    statement in the importing file, with the chain for an indirect import. A contract that
    cannot be checked (an unknown module, a custom contract type, invalid options) is reported
    at its place in the configuration file. It runs whenever the project has such contracts;
    without them it does nothing.

    ## Why is this bad?
    The team wrote the contract: an import that breaks it is an architecture decision undone.
    Reporting it with the other findings (same suppressions, formatters and exit codes) means
    one tool, one report, one baseline.

    ## Example
    ```ini
    [importlinter:contract:no-sql-in-orders]
    name = Orders never touch the database module
    type = forbidden
    source_modules = src.orders
    forbidden_modules = src.database
    ```

    ```python
    # src/orders/service.py
    from src.database import engine  # IMP006: breaks 'Orders never touch the database module'
    ```

    ## Options
    None of its own: the contracts are the project's import-linter configuration. Its
    `exclude_type_checking_imports`, `include_external_packages` and `root_packages` are
    honoured as import-linter honours them. Custom contract types are not loaded (that would
    import code), so such a contract is reported as one archlint cannot check.

    ## Fix
    Remove the import (or route it the way the contract allows); if the contract no longer
    describes the architecture, change the contract.
    """

    code = "IMP006"
    name = "import-linter-contract-broken"
    summary = "a contract in the project's own import-linter configuration is broken"
    presets = ALL_PRESETS
    tree_cases = (
        invalid_sources(
            "best-practices",
            {
                ".importlinter": _CONTRACT,
                _ORDERS + "router.py": "",
                _ORDERS + "service.py": "from src.database import engine\n",
                "src/database.py": "",
            },
            (_ORDERS + "service.py", 1, 1),
        ),
        # Indirect, through pyproject.toml's [tool.importlinter], and a lazy import.
        invalid_sources(
            "best-practices",
            {
                "pyproject.toml": (
                    '[tool.importlinter]\nroot_packages = ["src"]\n\n[[tool.importlinter.contracts]]\n'
                    'name = "Routers stay apart"\ntype = "independence"\n'
                    'modules = ["src.orders", "src.users"]\n'
                ),
                _ORDERS + "router.py": "def f():\n    import src.glue\n",
                "src/glue.py": "from src.users import router\n",
                "src/users/router.py": "",
            },
            (_ORDERS + "router.py", 2, 5),
        ),
        # A contract that cannot be checked is reported where it is written.
        invalid_sources(
            "best-practices",
            {
                ".importlinter": _CONTRACT.replace("src.database", "src.nowhere"),
                _ORDERS + "router.py": "",
            },
            (".importlinter", 4, 1),
        ),
        valid_sources(
            "best-practices",
            {
                ".importlinter": _CONTRACT,
                _ORDERS + "router.py": "from src.orders import service\n",
                _ORDERS + "service.py": "",
                "src/database.py": "",
            },
        ),
        # No import-linter configuration: nothing to check.
        valid_sources(
            "best-practices",
            {_ORDERS + "router.py": "from src.database import engine\n", "src/database.py": ""},
        ),
        # import-linter's own default: TYPE_CHECKING imports count unless it excludes them.
        valid_sources(
            "best-practices",
            {
                ".importlinter": _CONTRACT.replace(
                    "root_package = src", "root_package = src\nexclude_type_checking_imports = True"
                ),
                _ORDERS + "router.py": "",
                _ORDERS + "service.py": type_only("from src.database import Engine"),
                "src/database.py": "",
            },
        ),
    )

    def check(
        self, tree: ProjectTree, options: NoOptions, summaries: Mapping[str, FileSummary] = NO_SUMMARIES
    ) -> Iterator[Diagnostic]:
        user = self.context.imports.user
        if user is None:
            return
        if user.problem:
            yield self._at_config(
                user.path, 1, f"the import-linter configuration in {user.path}: {user.problem}"
            )
            return
        index = project_imports(tree, summaries, self.context).index
        session = dict(user.session)
        roots = session.get("root_packages", ())
        type_checking = session.get("exclude_type_checking_imports") not in _TRUE
        graph = index.graph(
            type_checking=type_checking,
            roots=frozenset((roots,) if isinstance(roots, str) else roots),
            externals=session.get("include_external_packages") in _TRUE,
        )
        for spec in user.contracts:
            try:
                kept, chains = run_contract(build_contract(spec, session), graph)
            except Exception as exc:  # import-linter's own verdict on a contract it cannot check
                yield self._cannot_check(user, spec, _problem(exc))
                continue
            if not kept and not chains:
                yield self._at_config(spec.path, spec.line, f"import-linter contract '{spec.name}' is broken")
            for chain in chains:
                message = (
                    f"import-linter contract '{spec.name}' is broken: "
                    f"'{chain[0]}' imports '{chain[-1]}'{via(chain)}"
                )
                yield from findings_at_imports(self.code, self.name, chain, message, index, type_checking)

    def _cannot_check(self, user: UserContracts, spec: ContractSpec, problem: str) -> Diagnostic:
        return self._at_config(
            spec.path or user.path,
            spec.line,
            f"import-linter contract '{spec.name}' cannot be checked: {problem}",
        )

    def _at_config(self, path: str, line: int, message: str) -> Diagnostic:
        return Diagnostic(code=self.code, rule=self.name, path=path, line=line, column=1, message=message)
