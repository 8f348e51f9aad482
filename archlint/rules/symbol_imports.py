"""IMP003: another domain's modules are imported by module, not by symbol (autofixable)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archlint.core import (
    Diagnostic,
    FileSummary,
    Fix,
    ImportFact,
    ModuleInfo,
    NoOptions,
    ProjectTree,
    Role,
    invalid_sources,
    make_fingerprint,
    valid_sources,
)
from archlint.rules.base import NO_SUMMARIES, ProjectRule
from archlint.rules.house import keeps_convention

if TYPE_CHECKING:
    from archlint.rules.fixes import FixTarget


@dataclass(frozen=True, slots=True)
class SymbolImport:
    """``from <another domain's module> import <symbols>`` in a domain module."""

    fact: ImportFact
    source: ModuleInfo  # the module importing
    target: ModuleInfo  # the module imported from

    @property
    def package(self) -> str:
        return self.fact.module.rpartition(".")[0]

    @property
    def module_name(self) -> str:
        return self.fact.module.rpartition(".")[2]

    @property
    def alias(self) -> str:
        """``auth_constants`` for ``src.auth.constants``: the domain, then the module."""
        assert self.target.domain is not None
        domain = posixpath.basename(self.target.domain)
        module = self.module_name
        return module if module.startswith(domain) else f"{domain}_{module}"

    @property
    def suggestion(self) -> str:
        alias = self.alias
        tail = "" if alias == self.module_name else f" as {alias}"
        return f"from {self.package} import {self.module_name}{tail}"


def _related(a: str, b: str) -> bool:
    """The same domain, or one nested in the other (a sub-domain and its parent)."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def cross_domain_imports(
    tree: ProjectTree, summaries: Mapping[str, FileSummary], only: str | None = None
) -> Iterator[tuple[SymbolImport, bool]]:
    """Every import of another domain's module in a domain module (of the file ``only``, when
    given), and whether it imports symbols (``from src.auth.constants import X``) rather than
    the module (``from src.auth import constants``, ``import src.auth.constants``)."""
    by_name = {n: m for m in tree.modules for n in (m.module, *m.names) if n}
    for info in tree.modules:
        if only is not None and info.path != only:
            continue
        summary = summaries.get(info.path)
        if summary is None or info.domain is None or info.role is Role.TESTS:
            continue
        for fact in summary.imports:
            if fact.type_checking or "." not in fact.module:
                continue
            submodules = [by_name.get(f"{fact.module}.{n}") for n in fact.names]
            if fact.names and all(submodules):
                # from src.auth import constants (the package may be a namespace package)
                target = submodules[0]
                by_symbol = False
            else:
                target = by_name.get(fact.module)
                if target is None or (fact.names and target.is_package):
                    continue  # a package's other names are its public API (its __init__.py)
                by_symbol = bool(fact.names)  # ``import src.auth.constants`` is by module
            if target is None or target.domain is None or target.role is Role.TESTS:
                continue
            if not _related(info.domain, target.domain):
                yield SymbolImport(fact, info, target), by_symbol


def symbol_imports(
    tree: ProjectTree, summaries: Mapping[str, FileSummary], only: str | None = None
) -> Iterator[SymbolImport]:
    """Every cross-domain import by symbol (of the file ``only``, when given)."""
    return (found for found, by_symbol in cross_domain_imports(tree, summaries, only) if by_symbol)


class ImportBySymbolAcrossDomains(ProjectRule[NoOptions]):
    """
    ## What it does
    Flags `from <module of another domain> import <symbol>` in a domain module:
    `from src.auth.constants import ErrorCode` in `src/posts/service.py`. Another domain's
    modules are imported as modules, with an alias naming the domain:
    `from src.auth import constants as auth_constants`, then `auth_constants.ErrorCode`.

    Not flagged: imports inside one domain (or between a domain and its sub-domains), of
    shared code, of a domain package's own names (`from src.auth import AuthService`: what
    a package's `__init__.py` exports is its public API), type-only imports under
    `if TYPE_CHECKING:`, and tests. When the layout is detected rather than declared, the
    rule holds only where importing by module is the house style (at least two cross-domain
    imports by module, twice as many as by symbol): then the imports by symbol are the
    outliers; a team that imports by symbol throughout is not flooded.

    ## Why is this bad?
    A bare `ErrorCode` or `get_user` in `posts/service.py` hides which domain it belongs to,
    two domains' `constants`/`schemas`/`service` names collide, and cross-domain coupling
    becomes invisible in review. The module alias keeps the dependency explicit at every
    use.

    ## Example
    ```python
    # src/posts/service.py
    from src.auth.constants import ErrorCode

    raise PostError(ErrorCode.AUTH_REQUIRED)
    ```

    Use instead:
    ```python
    from src.auth import constants as auth_constants

    raise PostError(auth_constants.ErrorCode.AUTH_REQUIRED)
    ```

    ## Options
    None.

    ## Fix
    Autofixable: `archlint check --fix` rewrites a module-level import to the module alias
    and every use of the imported names to `alias.name`, when that is unambiguous: the
    names are bound only by that import, every use is a plain name (not inside a string
    annotation or `__all__`), no star import, and the alias is free (or already that
    module's import). Imports inside functions and the rest are left for a person.
    """

    code = "IMP003"
    name = "import-by-symbol-across-domains"
    summary = "cross-domain import by symbol instead of by module"
    presets = frozenset({"best-practices", "layered-v1"})
    fixable = True
    tree_cases = (
        invalid_sources(
            "best-practices",
            {
                "src/auth/constants.py": "SECRET = 'x'\n\n\nclass ErrorCode:\n    AUTH = 1\n",
                "src/auth/router.py": "",
                "src/posts/router.py": "",
                "src/posts/service.py": "from src.auth.constants import ErrorCode, SECRET as KEY\n\n\n"
                "async def check(token: str) -> int:\n    from src.auth.constants import ErrorCode\n"
                "    return ErrorCode.AUTH if token != KEY else 0\n",
            },
            ("src/posts/service.py", 1, 1),
            ("src/posts/service.py", 5, 5),
        ),
        # Relative imports are made absolute first; nested domains of layered-v1.
        invalid_sources(
            "layered-v1",
            {
                "backend/src/v1/users/service.py": "def get_user(user_id: int) -> None:\n    return None\n",
                "backend/src/v1/users/router.py": "",
                "backend/src/v1/todos/router.py": "",
                "backend/src/v1/todos/service.py": "from ..users.service import get_user\n\nget_user(1)\n",
            },
            ("backend/src/v1/todos/service.py", 1, 1),
        ),
        invalid_sources(
            "best-practices",
            {
                "src/auth/schemas.py": "class User:\n    pass\n",
                "src/auth/router.py": "",
                "src/posts/router.py": "",
                "src/posts/models.py": "import typing\n\nif not typing.TYPE_CHECKING:\n"
                "    from src.auth.schemas import *\n",
            },
            ("src/posts/models.py", 4, 5),
        ),
        valid_sources(
            "best-practices",
            {
                "src/auth/__init__.py": "from src.auth.service import AuthService\n",
                "src/auth/service.py": "class AuthService:\n    pass\n",
                "src/auth/constants.py": "SECRET = 'x'\n",
                "src/auth/router.py": "from src.auth.constants import SECRET\nfrom src.auth import service\n",
                "src/posts/router.py": "",
                "src/posts/service.py": "import src.auth.constants\n"
                "from src.auth import constants as auth_constants\n"
                "from src.auth import AuthService\n"
                "from src.config import settings\nfrom src.database import get_db\n",
                "src/config.py": "settings = object()\n",
                "src/database.py": "def get_db() -> None:\n    return None\n",
            },
        ),
        # A detected layout: importing by module is the house style, the one by symbol an outlier.
        invalid_sources(
            None,
            {
                "src/auth/router.py": "from src.auth import service\n",
                "src/auth/service.py": "def login() -> None:\n    return None\n",
                "src/auth/constants.py": "SECRET = 'x'\n",
                "src/posts/router.py": "from src.auth import service as auth_service\n",
                "src/posts/service.py": "from src.auth import constants\n"
                "from src.auth.service import login\n",
                "src/comments/router.py": "import src.auth.service\n",
                "src/comments/service.py": "def add() -> None:\n    return None\n",
            },
            ("src/posts/service.py", 2, 1),
        ),
        # ... and a detected layout whose house style is importing by symbol.
        valid_sources(
            None,
            {
                "src/auth/router.py": "from src.auth import service\n",
                "src/auth/service.py": "def login() -> None:\n    return None\n",
                "src/auth/constants.py": "SECRET = 'x'\n",
                "src/posts/router.py": "from src.auth.service import login\n",
                "src/posts/service.py": "from src.auth.constants import SECRET\n"
                "from src.auth import service\n",
                "src/comments/router.py": "from src.auth.service import login\n",
                "src/comments/service.py": "def add() -> None:\n    return None\n",
            },
        ),
        # Type-only imports, tests, and code outside the domains.
        valid_sources(
            "best-practices",
            {
                "src/auth/models.py": "class User:\n    pass\n",
                "src/auth/router.py": "",
                "src/posts/router.py": "",
                "src/posts/models.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                "    from src.auth.models import User\n",
                "src/posts/tests/test_models.py": "from src.auth.models import User\n",
                "src/main.py": "from src.auth.models import User\n",
            },
        ),
        # A sub-domain and its parent domain are one feature area.
        valid_sources(
            "modular-monolith",
            {
                "app/billing/routes/__init__.py": "",
                "app/billing/services/__init__.py": "",
                "app/billing/models/invoice.py": "class Invoice:\n    pass\n",
                "app/billing/refunds/routes/__init__.py": "",
                "app/billing/refunds/services/__init__.py": "",
                "app/billing/refunds/services/refunds.py": "from app.billing.models.invoice import Invoice\n",
            },
        ),
    )

    def check(
        self, tree: ProjectTree, options: NoOptions, summaries: Mapping[str, FileSummary] = NO_SUMMARIES
    ) -> Iterator[Diagnostic]:
        imports = list(cross_domain_imports(tree, summaries))
        by_module = sum(1 for _, by_symbol in imports if not by_symbol)
        if not keeps_convention(tree, by_module, len(imports) - by_module):
            return
        for found in (found for found, by_symbol in imports if by_symbol):
            fact, target = found.fact, found.target
            names = ", ".join(fact.names)
            written = f"from {fact.module} import {names}"
            advice = f"import the module instead: '{found.suggestion}'" + (
                f", then '{found.alias}.{fact.names[0]}'" if fact.names != ("*",) else ""
            )
            yield Diagnostic(
                code=self.code,
                rule=self.name,
                path=found.source.path,
                line=fact.line,
                column=fact.column,
                symbol=names,
                fingerprint=make_fingerprint(self.code, found.source.path, "", written),
                message=f"'{written}' reaches into domain '{target.domain}' for a symbol: {advice}",
            )

    @classmethod
    def fix(cls, target: FixTarget, found: Sequence[Diagnostic], options: NoOptions) -> Iterator[Fix]:
        from archlint.rules.symbol_imports_fix import fix_symbol_imports

        imports = list(symbol_imports(target.tree, target.summaries, only=target.info.path))
        yield from fix_symbol_imports(target, imports, found)
