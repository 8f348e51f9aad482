"""ERR001: a domain's exception classes live in its exceptions module, resolved across files."""

from __future__ import annotations

import builtins
import posixpath
from collections.abc import Iterator, Mapping

from archlint.core import (
    ClassInfo,
    Diagnostic,
    FileSummary,
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
from archlint.rules.http import HTTP_EXCEPTIONS
from archlint.rules.resolve import Resolver

# Every builtin exception but the warning categories (a warning is not an error a domain raises).
EXCEPTION_ROOTS = frozenset(
    {
        f"builtins.{name}"
        for name, value in vars(builtins).items()
        if isinstance(value, type) and issubclass(value, BaseException) and not issubclass(value, Warning)
    }
    | HTTP_EXCEPTIONS
    | {
        "fastapi.WebSocketException",
        "fastapi.exceptions.WebSocketException",
        "fastapi.exceptions.RequestValidationError",
        "starlette.exceptions.WebSocketException",
    }
)


def exceptions_home(tree: ProjectTree, info: ModuleInfo) -> str:
    """Where the domain keeps its exceptions: its existing exceptions module or package, or
    ``<domain>/exceptions.py``."""
    assert info.domain is not None
    homes = sorted(
        m.path
        for m in tree.modules
        if m.domain == info.domain and m.role is Role.EXCEPTIONS and not m.path.endswith("/__init__.py")
    )
    packages = sorted(
        posixpath.dirname(m.path) + "/"
        for m in tree.modules
        if m.domain == info.domain and m.role is Role.EXCEPTIONS and m.path.endswith("/__init__.py")
    )
    return (homes or packages or [posixpath.join(info.domain, "exceptions.py")])[0]


class ExceptionOutsideExceptionsModule(ProjectRule[NoOptions]):
    """
    ## What it does
    Flags an exception class defined in a domain module other than the domain's
    `exceptions.py` (or `exceptions/` package, or `errors.py`). A class is an exception
    class when its bases lead, across files and re-exports, to a builtin exception
    (`Exception`, `ValueError` ...) or to FastAPI's `HTTPException`: `class OrderError(
    DomainError)` counts when `DomainError` in `src/exceptions.py` derives from `Exception`.
    Private classes (`_Retry`) and warning categories are internal plumbing, not domain
    errors, and are left alone; so are tests and code outside the domains. When the layout is
    detected rather than declared, the rule holds only where exceptions modules are the house
    style (two exception classes or more in them, twice as many as elsewhere in the domains).

    ## Why is this bad?
    A domain's errors are part of its contract: routers map them to HTTP responses and
    other domains catch them. Scattered across `service.py`, `router.py` and `utils.py` they
    are hard to find, get defined twice, and importing one drags in the module around it
    (often a circular import between a service and its router).

    ## Example
    ```python
    # src/orders/service.py
    class OrderNotFound(Exception):
        pass
    ```

    Use instead:
    ```python
    # src/orders/exceptions.py
    class OrderNotFound(Exception):
        pass

    # src/orders/service.py
    from src.orders.exceptions import OrderNotFound
    ```

    ## Options
    None.

    ## Fix
    Move the class into the domain's exceptions module (the message names it) and import it
    from there. Not autofixable: moving a class changes what other modules import.
    """

    code = "ERR001"
    name = "exception-outside-exceptions-module"
    summary = "exception class defined in a domain outside its exceptions module"
    presets = frozenset({"best-practices", "modular-monolith"})
    tree_cases = (
        invalid_sources(
            "best-practices",
            {
                "src/orders/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
                "src/orders/service.py": "import fastapi\n\n\nclass OrderNotFound(Exception):\n    pass\n\n\n"
                "class OrderGone(fastapi.HTTPException):\n    pass\n",
            },
            ("src/orders/service.py", 4, 1),
            ("src/orders/service.py", 8, 1),
        ),
        # Through a shared base in another file, re-exported by a package.
        invalid_sources(
            "best-practices",
            {
                "src/exceptions.py": "class DomainError(RuntimeError):\n    pass\n",
                "src/core/__init__.py": "from src.exceptions import DomainError as Base\n",
                "src/orders/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
                "src/orders/utils.py": "from src import core\n\nif True:\n    class PriceError(core.Base):\n"
                "        pass\n",
            },
            ("src/orders/utils.py", 4, 5),
        ),
        invalid_sources(
            "modular-monolith",
            {
                "app/orders/routes/__init__.py": "",
                "app/orders/services/__init__.py": "",
                "app/orders/exceptions.py": "class OrderError(Exception):\n    pass\n",
                "app/orders/services/pricing.py": "from app.orders.exceptions import OrderError\n"
                "\n\nclass PriceTooLow(OrderError):\n    pass\n",
            },
            ("app/orders/services/pricing.py", 4, 1),
        ),
        valid_sources(
            "best-practices",
            {
                "src/orders/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
                "src/orders/exceptions.py": "class OrderNotFound(Exception):\n    pass\n",
                "src/exceptions.py": "class DomainError(Exception):\n    pass\n",
                "src/orders/service.py": "from pydantic import BaseModel\n\n\nclass Order(BaseModel):\n"
                "    id: int\n\n\n"
                "class _Retry(Exception):\n    pass\n\n\nclass Deprecated(DeprecationWarning):\n    pass\n",
            },
        ),
        # An exceptions package, and tests, are where exceptions may live.
        valid_sources(
            "modular-monolith",
            {
                "app/orders/routes/__init__.py": "",
                "app/orders/services/__init__.py": "",
                "app/orders/exceptions/__init__.py": "",
                "app/orders/exceptions/payment.py": "class PaymentDeclined(Exception):\n    pass\n",
                "app/orders/tests/test_orders.py": "class Boom(Exception):\n    pass\n",
            },
        ),
        # A class named like an error whose bases are not exceptions; an unknown third-party base.
        valid_sources(
            "best-practices",
            {
                "src/orders/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
                "src/orders/schemas.py": "from pydantic import BaseModel\nfrom somelib import LibError\n\n\n"
                "class ErrorResponse(BaseModel):\n    detail: str\n\n\nclass Wrapped(LibError):\n    pass\n",
            },
        ),
        # Detected layouts: exceptions modules are the house style, the stray class an outlier ...
        invalid_sources(
            None,
            {
                "src/orders/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
                "src/orders/exceptions.py": "class OrderNotFound(Exception):\n    pass\n",
                "src/users/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
                "src/users/exceptions.py": "class UserNotFound(LookupError):\n    pass\n",
                "src/users/service.py": "class EmailTaken(ValueError):\n    pass\n",
            },
            ("src/users/service.py", 1, 1),
        ),
        # ... and a team that keeps its errors next to the service is not flooded.
        valid_sources(
            None,
            {
                "src/orders/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
                "src/orders/service.py": "class OrderNotFound(Exception):\n    pass\n",
                "src/users/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
                "src/users/exceptions.py": "class UserNotFound(LookupError):\n    pass\n",
                "src/users/service.py": "class EmailTaken(ValueError):\n    pass\n",
            },
        ),
    )

    def check(
        self, tree: ProjectTree, options: NoOptions, summaries: Mapping[str, FileSummary] = NO_SUMMARIES
    ) -> Iterator[Diagnostic]:
        resolver = Resolver.of(tree.modules, dict(summaries))
        homed = 0
        stray: list[tuple[ModuleInfo, ClassInfo]] = []
        for info in tree.modules:
            summary = summaries.get(info.path)
            if summary is None or info.domain is None or info.role is Role.TESTS:
                continue
            for cls in summary.classes:
                if cls.qualname.rpartition(".")[2].startswith("_"):
                    continue
                if resolver.subclass_of(cls.qualname, EXCEPTION_ROOTS):
                    if info.role is Role.EXCEPTIONS:
                        homed += 1
                    else:
                        stray.append((info, cls))
        if not keeps_convention(tree, homed, len(stray)):
            return
        for info, cls in stray:
            name = cls.qualname.rpartition(".")[2]
            home = exceptions_home(tree, info)
            yield Diagnostic(
                code=self.code,
                rule=self.name,
                path=info.path,
                line=cls.line,
                column=cls.column,
                symbol=name,
                fingerprint=make_fingerprint(self.code, info.path, name, f"class {name}"),
                message=(
                    f"exception class '{name}' defined in {_role_name(info)} '{info.path}': "
                    f"a domain's errors live in its exceptions module; move it to '{home}'"
                ),
            )


def _role_name(info: ModuleInfo) -> str:
    return f"{info.role.value} module" if info.role not in (None, Role.OTHER) else "module"
