"""Domain errors: services and the data layer raise exceptions that say what went wrong (ERR002)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archlint.core import NoOptions, Role, invalid, valid
from archlint.rules.base import FileRule

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

if TYPE_CHECKING:
    from archlint.rules.context import FileContext

SERVICE = Role.SERVICE
REPOSITORY = Role.REPOSITORY

GENERIC_EXCEPTIONS = frozenset(
    {
        "Exception",
        "BaseException",
        "RuntimeError",
        "ValueError",
        "KeyError",
        "LookupError",
        "IndexError",
        "PermissionError",
        "NotImplementedError",
    }
)
# Hooks whose protocol is to raise ValueError (pydantic, dataclasses, SQLAlchemy's @validates).
_VALIDATORS = frozenset({"validator", "field_validator", "model_validator", "root_validator", "validates"})
_ABSTRACT_DECORATORS = frozenset({"abstractmethod", "abstractproperty", "abstractclassmethod"})
_ABSTRACT_BASES = frozenset({"ABC", "ABCMeta", "Protocol"})


def _last_name(expr: cst.BaseExpression) -> str:
    if isinstance(expr, cst.Call):
        expr = expr.func
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return expr.value if isinstance(expr, cst.Name) else ""


def _only_raises(function: cst.FunctionDef) -> bool:
    """A body that is nothing but (a docstring and) the raise: a method left to subclasses."""
    body = function.body
    if not isinstance(body, cst.IndentedBlock):
        return True  # `def pay(self): raise NotImplementedError`
    statements = list(body.body)
    first = statements[0] if statements else None
    if (
        isinstance(first, cst.SimpleStatementLine)
        and isinstance(first.body[0], cst.Expr)
        and isinstance(first.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    ):
        statements = statements[1:]
    return len(statements) == 1


class GenericExceptionInLayer(FileRule[NoOptions]):
    """
    ## What it does
    Flags a generic built-in exception raised in a service or the data layer: `Exception`,
    `BaseException`, `RuntimeError`, `ValueError`, `KeyError`, `LookupError`, `IndexError`,
    `PermissionError`, and `NotImplementedError` outside abstract methods. Only the
    built-ins count (a project class or an import of the same name does not); errors that
    signal bugs rather than outcomes (`AssertionError`, `TypeError`) are left alone.

    Not flagged: a bare `raise` or a re-raise of a caught exception, a `raise ... from ...`
    that translates a lower-level error and keeps its cause, your own exception classes
    (even subclasses of `ValueError`), `NotImplementedError` in a method meant to be
    overridden (`@abstractmethod`, a method of an `ABC`/`Protocol`, or one whose body is
    only the raise), and `ValueError` in validators (pydantic `@field_validator`,
    `@model_validator`, `@validator`, SQLAlchemy `@validates`, `__post_init__`), whose
    protocol it is.

    ## Why is this bad?
    Callers cannot tell a `ValueError("insufficient funds")` from a bug that raises
    `ValueError` somewhere below: catching it hides real errors, and the router can only map
    it to a status code by matching message strings. A domain exception (`InsufficientFunds`)
    names the failure, carries its data, and maps to one response.

    ## Example
    ```python
    class WalletService:
        async def withdraw(self, wallet_id: int, amount: int) -> Wallet:
            wallet = await self.wallets.get(wallet_id)
            if wallet.balance < amount:
                raise ValueError("insufficient funds")
    ```

    Use instead:
    ```python
    class WalletService:
        async def withdraw(self, wallet_id: int, amount: int) -> Wallet:
            wallet = await self.wallets.get(wallet_id)
            if wallet.balance < amount:
                raise InsufficientFunds(wallet_id, amount)  # defined in wallets/exceptions.py
    ```

    ## Options
    None. On by default in modular-monolith, whose convention gives each feature its own
    `exceptions.py`; opt-in elsewhere (`extend-select = ["ERR002"]`).

    ## Fix
    Define the failure as an exception class in the domain's `exceptions.py` (subclassing a
    project base error) and raise that; map it to a status code with an exception handler.
    """

    code = "ERR002"
    name = "generic-exception-in-layer"
    summary = "generic built-in exception raised in a service or the data layer"
    roles = frozenset({SERVICE, REPOSITORY})
    presets = frozenset({"modular-monolith"})
    triggers = GENERIC_EXCEPTIONS
    cases = (
        invalid(
            "class WalletService:\n"
            "    async def withdraw(self, wallet, amount):\n"
            "        if wallet.balance < amount:\n"
            "            raise ValueError('insufficient funds')\n"
            "        if wallet.frozen:\n"
            "            raise Exception\n",
            (4, 13),
            (6, 13),
            role=SERVICE,
        ),
        invalid(
            "import builtins\n"
            "def find(rows, key):\n"
            "    def missing():\n"
            "        raise builtins.KeyError(key)\n"
            "    if key not in rows:\n"
            "        missing()\n"
            "    raise RuntimeError('unreachable')\n",
            (4, 9),
            (7, 5),
            role=REPOSITORY,
        ),
        invalid(
            "class Payments:\n"
            "    def refund(self, payment):\n"
            "        if payment.provider == 'card':\n"
            "            return self.card.refund(payment)\n"
            "        raise NotImplementedError('paypal refunds')\n",
            (5, 9),
            role=SERVICE,
        ),
        valid(
            "from app.orders.exceptions import OrderNotFound\n"
            "class InsufficientFunds(ValueError):\n"
            "    pass\n"
            "async def pay(order_id, orders):\n"
            "    try:\n"
            "        order = await orders.get(order_id)\n"
            "    except KeyError as exc:\n"
            "        raise OrderNotFound(order_id) from exc\n"
            "    except ValueError:\n"
            "        raise\n"
            "    if order.total < 0:\n"
            "        raise InsufficientFunds(order.total)\n",
            role=SERVICE,
        ),
        valid(
            "import abc\n"
            "from typing import Protocol\n"
            "class Gateway(abc.ABC):\n"
            "    @abc.abstractmethod\n"
            "    def charge(self, amount):\n"
            "        raise NotImplementedError\n"
            "class Refunds(Protocol):\n"
            "    def refund(self, payment):\n"
            "        log.debug('refund')\n"
            "        raise NotImplementedError\n"
            "class BaseRepository:\n"
            "    def get(self, pk):\n"
            "        '''Fetch one row.'''\n"
            "        raise NotImplementedError()\n",
            role=REPOSITORY,
        ),
        valid(
            "from pydantic import BaseModel, field_validator\n"
            "from app.errors import DomainError as Exception\n"
            "class TransferIn(BaseModel):\n"
            "    amount: int\n"
            "    @field_validator('amount')\n"
            "    @classmethod\n"
            "    def positive(cls, value):\n"
            "        if value <= 0:\n"
            "            raise ValueError('must be positive')\n"
            "        return value\n"
            "def transfer(amount):\n"
            "    raise Exception(amount)\n",
            role=SERVICE,
        ),
        valid(
            "def parse(body):\n    raise ValueError(body)\n",
            role=Role.ROUTER,
        ),
        valid(
            "async def convert(raw, rates):\n"
            "    try:\n"
            "        return rates[raw]\n"
            "    except KeyError as exc:\n"
            "        raise ValueError(f'unknown currency {raw}') from exc\n",
            role=SERVICE,
        ),
    )

    def __init__(self, ctx: FileContext, options: NoOptions) -> None:
        super().__init__(ctx, options)
        self._classes: list[cst.ClassDef] = []
        self._layer = "data layer" if ctx.info.role is REPOSITORY else "service"

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.pop()

    def visit_Raise(self, node: cst.Raise) -> None:
        if node.exc is None or node.cause is not None:
            return  # a re-raise, or a translation that keeps its cause
        target = node.exc.func if isinstance(node.exc, cst.Call) else node.exc
        builtin = self._builtin(target)
        if builtin is None or self._exempt(builtin):
            return
        self.report(
            node,
            f"generic `{builtin}` raised in {self._layer} '{self.ctx.symbol}': raise a domain exception "
            "(from the domain's exceptions module) that callers can catch and the router can map",
        )

    def _builtin(self, target: cst.BaseExpression) -> str | None:
        """The built-in exception ``target`` names, resolved: not a local, import or class."""
        if isinstance(target, cst.Name):
            name = target.value
            unbound = self.ctx.lookup(name) is None and not self.ctx.is_local(name)
            return name if unbound and name in GENERIC_EXCEPTIONS else None
        qualname = self.ctx.qualname(target)
        if qualname is not None and qualname.startswith("builtins."):
            name = qualname.removeprefix("builtins.")
            return name if name in GENERIC_EXCEPTIONS else None
        return None

    def _exempt(self, exception: str) -> bool:
        function = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if function is None:
            return False
        decorators = {_last_name(d.decorator) for d in function.decorators}
        if decorators & _VALIDATORS or function.name.value == "__post_init__":
            return exception == "ValueError"
        if exception != "NotImplementedError":
            return False
        cls = self._classes[-1] if self._classes else None
        abstract_class = cls is not None and (
            any(_last_name(base.value) in _ABSTRACT_BASES for base in cls.bases)
            or any(_last_name(k.value) in _ABSTRACT_BASES for k in cls.keywords)
        )
        return bool(decorators & _ABSTRACT_DECORATORS) or abstract_class or _only_raises(function)
