"""Data-layer rules: repositories read and write rows; the service owns the transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archlint.core import NoOptions, Role, invalid, valid
from archlint.rules.base import FileRule
from archlint.rules.http import HTTPErrorInLayer
from archlint.rules.sql import TRANSACTION_METHODS, method_call

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

REPOSITORY = Role.REPOSITORY
DATA_LAYER_PRESETS = frozenset({"layered-v1", "modular-monolith", "domain-routers", "by-layer"})


class CommitInRepository(FileRule[NoOptions]):
    """
    ## What it does
    Flags transaction control in the data layer (repository, crud, database modules):
    `commit`, `rollback`, `begin` and `begin_nested` called on a session-like receiver, plain
    or awaited, including `async with self.session.begin():`. `flush` and `add` are allowed:
    they send work to the database without ending the unit of work. A Unit of Work (a class
    named `*UnitOfWork` or `*UoW`, a `uow.py` module) is the transaction owner this rule asks
    for and is not flagged.

    ## Why is this bad?
    A repository that commits makes every method its own transaction. A service that calls
    two repositories can then leave the database half-written when the second call fails,
    and no caller can compose repository calls into one atomic use case.

    ## Example
    ```python
    class OrderRepository:
        def __init__(self, session: AsyncSession) -> None:
            self.session = session

        async def create(self, order: Order) -> Order:
            self.session.add(order)
            await self.session.commit()
            return order
    ```

    Use instead:
    ```python
        async def create(self, order: Order) -> Order:
            self.session.add(order)
            await self.session.flush()  # the service commits once the use case is done
            return order
    ```

    ## Options
    None of its own; see `session-names` for how receivers are recognised.

    ## Fix
    Replace `commit()` with `flush()` where the caller needs generated keys, and commit in the
    service (or a unit of work) that runs the use case.
    """

    code = "REP001"
    name = "commit-in-repository"
    summary = "transaction control (commit/rollback/begin) in the data layer"
    roles = frozenset({REPOSITORY})
    triggers = TRANSACTION_METHODS
    presets = DATA_LAYER_PRESETS
    cases = (
        invalid(
            "import sqlalchemy.ext.asyncio as aio\n"
            "class OrderRepository:\n"
            "    def __init__(self, s: aio.AsyncSession):\n"
            "        self.s = s\n"
            "    async def save_all(self, orders):\n"
            "        async def one(order):\n"
            "            self.s.add(order)\n"
            "            await self.s.commit()\n"
            "        for order in orders:\n"
            "            await one(order)\n",
            (8, 19),
            role=REPOSITORY,
        ),
        invalid(
            "class OrderRepository:\n"
            "    def __init__(self, session: AsyncSession) -> None:\n"
            "        self.session = session\n"
            "    async def create(self, order):\n"
            "        self.session.add(order)\n"
            "        await self.session.commit()\n",
            (6, 15),
            role=REPOSITORY,
        ),
        invalid(
            "from app.core.db import SessionDep as Db\n"
            "class Repo:\n"
            "    def __init__(self, s: Db):\n"
            "        self._s = s\n"
            "    async def save(self):\n"
            "        async with self._s.begin():\n"
            "            pass\n",
            (6, 20),
            role=REPOSITORY,
            others={
                "app.core.db": "from typing import TYPE_CHECKING, Annotated\n"
                "from fastapi import Depends\n"
                "from sqlalchemy.ext.asyncio import AsyncSession\n"
                "SessionDep = Annotated[AsyncSession, Depends(get_db)]\n"
            },
        ),
        invalid(
            "def delete_user(db, user):\n    db.delete(user)\n    db.commit()\n    db.rollback()\n",
            (3, 5),
            (4, 5),
            role=REPOSITORY,
        ),
        invalid(
            "class Repo:\n    async def save(self):\n        await self._db.begin_nested()\n",
            (3, 15),
            role=REPOSITORY,
        ),
        valid(
            "async def create(session: AsyncSession, user):\n"
            "    session.add(user)\n"
            "    await session.flush()\n",
            role=REPOSITORY,
        ),
        valid(
            "class Exporter:\n"
            "    def __init__(self, git: GitClient):\n"
            "        self.git = git\n"
            "    def push(self):\n"
            "        self.git.commit('export')\n",
            role=REPOSITORY,
        ),
        valid(
            "async def pay(payment_intent):\n    await payment_intent.commit()\n",
            role=REPOSITORY,
        ),
        valid(
            "import redis.asyncio as redis\n"
            "class CacheRepository:\n"
            "    def __init__(self) -> None:\n"
            "        self.db = redis.Redis()\n"
            "    async def flush(self):\n"
            "        pipe = self.db.pipeline()\n"
            "        await self.db.execute_command('FLUSHDB')\n"
            "        async with self.db.pipeline(transaction=True) as conn:\n"
            "            await conn.execute()\n",
            role=REPOSITORY,
        ),
        invalid(
            "from sqlalchemy.orm import Session\n"
            "def purge(engine):\n"
            "    with Session(engine) as s:\n"
            "        s.commit()\n",
            (4, 9),
            role=REPOSITORY,
        ),
        valid(
            "async def create(session: AsyncSession):\n    await session.commit()\n",
            role=Role.SERVICE,
        ),
        valid(
            "class SqlAlchemyUnitOfWork:\n"
            "    def __init__(self, session: AsyncSession):\n"
            "        self.session = session\n"
            "    async def commit(self):\n"
            "        await self.session.commit()\n",
            role=REPOSITORY,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        target = method_call(node)
        if target is None or target[1] not in TRANSACTION_METHODS:
            return
        if _unit_of_work(self.ctx.symbol, self.ctx.info.path):
            return  # a Unit of Work is the transaction owner the rule asks for
        receiver, method = target
        self.ctx.report_session(
            self.code,
            self.name,
            node,
            self.ctx.receiver_state(receiver),
            f"`{self.ctx.source_of(receiver)}.{method}()` in data layer '{self.ctx.symbol}': "
            "let the service own the transaction (use flush() here)",
        )


class HTTPExceptionInRepository(HTTPErrorInLayer):
    """
    ## What it does
    Flags `HTTPException` raised or constructed in the data layer (repository, crud,
    database modules): `fastapi.HTTPException`, `starlette.exceptions.HTTPException` under any
    alias or module path, and project subclasses of them resolved across files, exactly as
    SVC001 does for services. A FastAPI dependency function kept in the module (one taking
    `Depends()`, `Header()`, `Request` ...) raises HTTP errors by design and is left alone.

    ## Why is this bad?
    The data layer is called by services, tasks and scripts, none of which speak HTTP. A
    repository that raises `HTTPException(404)` decides the status code of every caller and
    makes "row not found" impossible to handle as a domain case.

    ## Example
    ```python
    class OrderRepository:
        async def get(self, order_id: int) -> Order:
            order = await self.session.get(Order, order_id)
            if order is None:
                raise HTTPException(status_code=404, detail="order not found")
            return order
    ```

    Use instead:
    ```python
    class OrderRepository:
        async def get(self, order_id: int) -> Order | None:
            return await self.session.get(Order, order_id)  # the service raises OrderNotFound
    ```

    ## Options
    None.

    ## Fix
    Return `None` (or raise a domain exception from the domain's `exceptions.py`) and let the
    service decide; map domain exceptions to status codes in the router or an exception handler.
    """

    code = "REP002"
    name = "http-exception-in-repository"
    summary = "HTTPException (or a project subclass of it) raised in the data layer"
    roles = frozenset({REPOSITORY})
    presets = DATA_LAYER_PRESETS
    layer = "data layer"
    cases = (
        invalid(
            "from fastapi import HTTPException as HTTPError\n"
            "class OrderRepository:\n"
            "    async def get(self, order_id):\n"
            "        row = await self.session.get(Order, order_id)\n"
            "        if row is None:\n"
            "            raise HTTPError(status_code=404)\n"
            "        return row\n",
            (6, 13),
            role=REPOSITORY,
        ),
        invalid(
            "import fastapi\n"
            "import starlette.exceptions\n"
            "def get_user(db, user_id):\n"
            "    def missing():\n"
            "        return starlette.exceptions.HTTPException(404)\n"
            "    user = db.get(User, user_id)\n"
            "    if user is None:\n"
            "        raise fastapi.HTTPException(404)\n"
            "    return user or missing()\n",
            (5, 16),
            (8, 9),
            role=REPOSITORY,
        ),
        invalid(
            "from app.core.errors import NotFound\n"
            "async def get_by_slug(session, slug):\n"
            "    raise NotFound('article')\n",
            (3, 5),
            role=REPOSITORY,
            others={
                "app.core.errors": "from fastapi import exceptions\n"
                "class NotFound(exceptions.HTTPException):\n    pass\n",
            },
        ),
        valid(
            "from app.core.errors import NotFound\n"
            "async def get_by_slug(session, slug):\n"
            "    raise NotFound('article')\n",
            role=REPOSITORY,
            others={"app.core.errors": "class NotFound(Exception):\n    pass\n"},
        ),
        valid(
            "from typing import Annotated\n"
            "from fastapi import Depends, HTTPException\n"
            "async def valid_order(order_id: int, session: Annotated[AsyncSession, Depends(get_db)]):\n"
            "    order = await session.get(Order, order_id)\n"
            "    if order is None:\n"
            "        raise HTTPException(404)\n"
            "    return order\n",
            role=REPOSITORY,
        ),
        valid(
            "from fastapi import HTTPException\ndef get(db, order_id):\n    raise HTTPException(404)\n",
            role=Role.SERVICE,
        ),
        valid(
            "class OrderRepository:\n"
            "    def get(self, order_id):\n"
            "        def fail():\n"
            "            raise LookupError(order_id)\n"
            "        return self.rows.get(order_id) or fail()\n",
            role=REPOSITORY,
        ),
    )


def _unit_of_work(symbol: str, path: str) -> bool:
    """Code of a Unit of Work (a ``*UnitOfWork``/``*UoW`` class, a ``uow.py`` module), which
    owns the transaction by design even when it sits in the data layer's package."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".py").lower()
    if stem in ("uow", "unit_of_work") or stem.endswith(("_uow", "_unit_of_work")):
        return True
    return any(part.lower().endswith(("unitofwork", "uow")) for part in symbol.split("."))
