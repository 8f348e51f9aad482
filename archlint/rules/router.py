"""Router-layer rules: route handlers translate HTTP to service calls and do nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archlint.core import NoOptions, Role, invalid, valid
from archlint.rules.base import FileRule
from archlint.rules.sql import TRANSACTION_METHODS, SqlWork, method_call

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

ROUTER = Role.ROUTER
_ROUTER_TRANSACTION_METHODS = TRANSACTION_METHODS | {"flush"}


class QueryInRouter(SqlWork):
    """
    ## What it does
    Flags ORM/SQL work in a router module: SQLAlchemy/SQLModel statement constructors
    (`select`, `insert`, `update`, `delete`, `text`, `union` ...) and query methods (`execute`,
    `scalars`, `scalar`, `exec`, `query`, `get`, `add`, `add_all`, `delete`, `merge`, `refresh`,
    `fetch_all`, `fetch_one` ...) called on a session-like receiver. Names are resolved through
    imports and aliases, so `sa.select(...)` after `import sqlalchemy as sa` counts and a
    `select` imported from your own helpers does not. A `get` or `delete` shaped like an HTTP
    call (`session.get(url)`: one argument, or a string/URL first argument) is left alone,
    since SQLAlchemy's `get` always takes an entity and a key.

    ## Why is this bad?
    A router's job is HTTP: parse the request, call a service, shape the response. Queries in
    handlers spread the data model over the HTTP layer, cannot be reused by tasks or other
    endpoints, and are tested only through HTTP.

    ## Example
    ```python
    @router.get("/orders/{order_id}")
    async def get_order(order_id: int, session: AsyncSession = Depends(get_session)):
        result = await session.execute(select(Order).where(Order.id == order_id))
        return result.scalar_one()
    ```

    Use instead:
    ```python
    @router.get("/orders/{order_id}")
    async def get_order(order_id: int, service: OrderService = Depends(get_order_service)):
        return await service.get(order_id)
    ```

    ## Options
    None of its own. Session-like receivers are recognised from annotations (`Session`,
    `AsyncSession`, aliases such as `SessionDep`) or, without one, from the top-level
    `session-names` setting.

    ## Fix
    Move the query into the repository (or the service, where the layout has no data layer)
    and call it from the handler through a dependency.
    """

    code = "RTR001"
    name = "query-in-router"
    summary = "ORM/SQL statement or session query in a router"
    roles = frozenset({ROUTER})
    cases = (
        invalid(
            "import sqlmodel as sm\n"
            "import fastapi\n"
            "items = fastapi.APIRouter()\n"
            "@items.get('/')\n"
            "def list_items(db: sm.Session):\n"
            "    def page(n):\n"
            "        return db.exec(sm.select(Item).offset(n)).all()\n"
            "    return page(0)\n",
            (7, 16),
            role=ROUTER,
        ),
        invalid(
            "from sqlalchemy import select\n"
            "from fastapi import APIRouter\n"
            "router = APIRouter()\n"
            "@router.get('/')\n"
            "async def list_orders(session: AsyncSession):\n"
            "    return await session.execute(select(Order))\n",
            (6, 18),
            role=ROUTER,
        ),
        invalid(
            "import sqlalchemy as sa\ndef build_query():\n    return sa.select(Order).where(Order.id == 1)\n",
            (3, 12),
            role=ROUTER,
        ),
        invalid(
            "from sqlalchemy import text as raw_sql\n"
            "from sqlalchemy.orm import Session\n"
            "def purge(s: Session):\n"
            "    s.query(Order).delete()\n"
            "    stmt = raw_sql('VACUUM')\n",
            (4, 5),
            (5, 12),
            role=ROUTER,
        ),
        invalid(
            "from typing import Annotated\n"
            "from sqlalchemy.ext.asyncio import AsyncSession\n"
            "async def show(order_id: int, uow: Annotated[AsyncSession, Depends(get_db)]):\n"
            "    return await uow.scalar(q)\n",
            (4, 18),
            role=ROUTER,
        ),
        invalid(
            "async def show(order_id: int, db=Depends(get_db)):\n    return await db.get(Order, order_id)\n",
            (2, 18),
            role=ROUTER,
        ),
        valid(
            "from app.core.pagination import select\ndef pick(items):\n    return select(items, limit=10)\n",
            role=ROUTER,
        ),
        invalid(
            "from sqlalchemy import select\n"
            "from app.uow import UnitOfWork\n"
            "@router.get('/orders')\n"
            "async def list_orders(uow: UnitOfWork):\n"
            "    return await uow.execute(select(Order))\n",
            (5, 30),
            role=ROUTER,
            others={"app.uow": "class UnitOfWork:\n    async def execute(self, stmt):\n        pass\n"},
        ),
        invalid(
            "from sqlalchemy import select\n"
            "from app.uow import UnitOfWork\n"
            "@router.get('/orders')\n"
            "async def list_orders(uow: UnitOfWork):\n"
            "    return await uow.execute(select(Order))\n",
            (5, 18),
            role=ROUTER,
            others={
                "app.uow": "from sqlalchemy.ext.asyncio import AsyncSession\n"
                "class UnitOfWork(AsyncSession):\n    pass\n"
            },
        ),
        valid(
            "from sqlalchemy import select\n"
            "@router.get('/')\n"
            "def pick(items: list[str], chooser: Chooser):\n"
            "    select = chooser.pick\n"
            "    first = select(items)\n"
            "    for select in chooser.all():\n"
            "        select(first)\n"
            "    return [select(i) for select in chooser.all() for i in items]\n",
            role=ROUTER,
        ),
        valid(
            "import sqlalchemy as sa\n"
            "async def sort(rows, key=lambda sa: sa.select(1)):\n"
            "    return sorted(rows, key=lambda select: select.rank)\n",
            role=ROUTER,
        ),
        valid(
            "from redis.asyncio import Redis\n"
            "async def cached(key: str, db: Redis):\n"
            "    return await db.get(key)\n",
            role=ROUTER,
        ),
        valid(
            "async def fetch_rates(session, base_url: str):\n"
            "    page = await session.get(f'{base_url}/rates')\n"
            "    await session.delete(base_url + '/cache')\n"
            "    return await session.get(RATES_URL, timeout=3)\n",
            role=ROUTER,
        ),
        valid(
            "import aiohttp\n"
            "import requests\n"
            "session = requests.Session()\n"
            "@router.get('/rates')\n"
            "async def rates():\n"
            "    legacy = session.get(URL)\n"
            "    async with aiohttp.ClientSession() as session:\n"
            "        return await session.get(URL)\n",
            role=ROUTER,
        ),
        valid(
            "async def list_orders(service: OrderService):\n"
            "    orders = await service.list()\n"
            "    return [o.id for o in orders]\n",
            role=ROUTER,
        ),
        valid(
            "from sqlalchemy import select\n"
            "async def get(session):\n"
            "    return await session.execute(select(Order))\n",
            role=Role.REPOSITORY,
        ),
    )

    layer = "router"
    query_advice = "move the query into a repository or service and call that from the handler"
    statement_advice = "build and run queries in a repository or service, not in the HTTP layer"


class TransactionInRouter(FileRule[NoOptions]):
    """
    ## What it does
    Flags transaction control in a router module: `commit`, `rollback`, `begin`,
    `begin_nested` and `flush` called on a session-like receiver, plain or awaited, including
    `async with session.begin():`.

    ## Why is this bad?
    When handlers commit, a use case's transaction boundary depends on which endpoint ran it:
    the same service call is atomic from one route and half-written from another. The service
    (or a unit of work it controls) should own the transaction.

    ## Example
    ```python
    @router.post("/orders")
    async def create_order(body: OrderIn, session: AsyncSession = Depends(get_session)):
        order = await service.create(session, body)
        await session.commit()
        return order
    ```

    Use instead:
    ```python
    @router.post("/orders")
    async def create_order(body: OrderIn, service: OrderService = Depends(get_order_service)):
        return await service.create(body)  # the service commits
    ```

    ## Options
    None of its own; see `session-names` for how receivers are recognised.

    ## Fix
    Move the commit/rollback into the service method that performs the use case.
    """

    code = "RTR002"
    name = "transaction-in-router"
    summary = "transaction control (commit/rollback/begin/flush) in a router"
    roles = frozenset({ROUTER})
    triggers = _ROUTER_TRANSACTION_METHODS
    cases = (
        invalid(
            "import sqlalchemy.orm as orm\n"
            "@router.post('/')\n"
            "def create(body, s: orm.Session):\n"
            "    def save():\n"
            "        s.add(Order(**body))\n"
            "        s.commit()\n"
            "    save()\n",
            (6, 9),
            role=ROUTER,
        ),
        valid(
            "import sqlalchemy.orm as orm\n"
            "@router.post('/')\n"
            "async def create(body, service: OrderService):\n"
            "    async def save(session: orm.Session):\n"
            "        await service.create(body)\n"
            "    tx = body.transaction\n"
            "    tx.commit()\n",
            role=ROUTER,
        ),
        invalid(
            "async def create(body, session: AsyncSession):\n"
            "    session.add(Order(**body))\n"
            "    await session.commit()\n",
            (3, 11),
            role=ROUTER,
        ),
        invalid(
            "from app.deps import SessionDep\n"
            "async def create(body, s: SessionDep):\n"
            "    async with s.begin():\n"
            "        pass\n",
            (3, 16),
            role=ROUTER,
            others={
                "app.deps": "import typing as t\n"
                "from app.db import Db\n"
                "SessionDep = t.Annotated[Db, Depends(get)]\n",
                "app.db": "from sqlalchemy.orm import Session\nDb = Session\n",
            },
        ),
        invalid(
            "def fail(db: Session):\n    db.rollback()\n    db.flush()\n",
            (2, 5),
            (3, 5),
            role=ROUTER,
        ),
        valid(
            "async def publish(outbox: Outbox):\n    await outbox.commit()\n",
            role=ROUTER,
        ),
        valid(
            "async def publish(repo):\n    await repo.git.commit()\n",
            role=ROUTER,
        ),
        valid(
            "async def create(session: AsyncSession):\n    await session.commit()\n",
            role=Role.SERVICE,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        target = method_call(node)
        if target is None or target[1] not in _ROUTER_TRANSACTION_METHODS:
            return
        receiver, method = target
        self.ctx.report_session(
            self.code,
            self.name,
            node,
            self.ctx.receiver_state(receiver),
            f"`{self.ctx.source_of(receiver)}.{method}()` in router '{self.ctx.symbol}': "
            "let the service own the transaction",
        )
