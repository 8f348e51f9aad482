"""Service-layer rules: services speak the domain's language, not HTTP's."""

from __future__ import annotations

from archlint.core import Role, invalid, valid
from archlint.rules.http import HTTPErrorInLayer
from archlint.rules.sql import SqlWork

SERVICE = Role.SERVICE


class HTTPExceptionInService(HTTPErrorInLayer):
    """
    ## What it does
    Flags `HTTPException` raised or constructed in a service: `fastapi.HTTPException`,
    `starlette.exceptions.HTTPException` (imported under any alias or reached as a module
    attribute) and project-defined subclasses of them, resolved across files
    (`PostNotFound(NotFound)` -> `NotFound(DetailedHTTPException)` -> `HTTPException`).
    A function that takes request parameters (`Header()`, `Query()`, `Depends()`,
    `Request` ...) is a FastAPI dependency even in a services module, and raising HTTP
    errors is its job: it is not flagged.

    ## Why is this bad?
    A service that raises HTTP errors can only be called from an HTTP request: a background
    task, a CLI or another service gets a status code instead of a domain error. The mapping
    from domain failures to status codes belongs to the HTTP layer.

    ## Example
    ```python
    async def cancel_order(self, order_id: int) -> Order:
        order = await self.orders.get(order_id)
        if order is None:
            raise HTTPException(status_code=404, detail="order not found")
    ```

    Use instead:
    ```python
    async def cancel_order(self, order_id: int) -> Order:
        order = await self.orders.get(order_id)
        if order is None:
            raise OrderNotFound(order_id)  # mapped to 404 by an exception handler
    ```

    ## Options
    None. On by default in every preset except `best-practices`, whose convention keeps
    HTTP-flavoured exceptions in domain `exceptions.py` modules; enable it there with
    `extend-select = ["SVC001"]`.

    ## Fix
    Define a domain exception in the domain's `exceptions.py`, raise it from the service, and
    translate it to an HTTP response in the router or with `app.exception_handler`.
    """

    code = "SVC001"
    name = "http-exception-in-service"
    summary = "HTTPException (or a project subclass of it) raised in a service"
    roles = frozenset({SERVICE})
    presets = frozenset({"layered-v1", "modular-monolith", "domain-routers", "by-layer"})
    cases = (
        invalid(
            "import fastapi.exceptions as fe\n"
            "class OrderService:\n"
            "    def cancel(self, order):\n"
            "        def refuse(code):\n"
            "            return fe.HTTPException(status_code=code)\n"
            "        if order.shipped:\n"
            "            raise refuse(409)\n",
            (5, 20),
            role=SERVICE,
        ),
        invalid(
            "from fastapi import HTTPException\n"
            "async def get(order_id):\n"
            "    raise HTTPException(status_code=404)\n",
            (3, 5),
            role=SERVICE,
        ),
        invalid(
            "import fastapi\n"
            "from starlette.exceptions import HTTPException as StarletteError\n"
            "def check(x):\n"
            "    if x:\n"
            "        raise fastapi.HTTPException(400)\n"
            "    error = StarletteError(409)\n"
            "    raise error\n",
            (5, 9),
            (6, 13),
            role=SERVICE,
        ),
        invalid(
            "from src.posts.exceptions import PostNotFound as Missing\n"
            "def get(post_id):\n"
            "    raise Missing()\n",
            (3, 5),
            role=SERVICE,
            others={
                "src.exceptions": "from fastapi import HTTPException\n"
                "class DetailedHTTPException(HTTPException):\n    pass\n",
                "src.errors": "from src.exceptions import DetailedHTTPException as Base\n"
                "class NotFound(Base):\n    pass\n",
                "src.posts.exceptions": "from src import errors\n"
                "class PostNotFound(errors.NotFound):\n    pass\n",
            },
        ),
        invalid(
            "from src import exceptions as exc\ndef get(post_id):\n    raise exc.NotFound\n",
            (3, 5),
            role=SERVICE,
            others={
                "src.exceptions": "from fastapi.exceptions import HTTPException\n"
                "class NotFound(HTTPException):\n    pass\n",
            },
        ),
        invalid(
            "import starlette.exceptions\n"
            "from starlette import exceptions as se\n"
            "from fastapi import HTTPException as H\n"
            "class Conflict(H):\n"
            "    pass\n"
            "def pay(invoice):\n"
            "    if invoice.paid:\n"
            "        raise Conflict()\n"
            "    if invoice.void:\n"
            "        raise se.HTTPException(410)\n"
            "    raise starlette.exceptions.HTTPException(status_code=400) from None\n",
            (8, 9),
            (10, 9),
            (11, 5),
            role=SERVICE,
        ),
        valid(
            "from src.orders.exceptions import OrderNotFound\n"
            "def get(order_id):\n"
            "    raise OrderNotFound(order_id)\n",
            role=SERVICE,
            others={"src.orders.exceptions": "class OrderNotFound(Exception):\n    pass\n"},
        ),
        valid(
            "from fastapi import HTTPException\n"
            "async def current_user(token: str):\n"
            "    raise HTTPException(status_code=401)\n",
            role=Role.DEPENDENCIES,
        ),
        valid(
            "from app.http import HTTPException\ndef get():\n    raise HTTPException()\n",
            role=SERVICE,
            others={"app.http": "class HTTPException(Exception):\n    pass\n"},
        ),
        valid(
            "def get(x):\n    raise ValueError(x)\n",
            role=SERVICE,
        ),
        valid(
            "from typing import Annotated\n"
            "from fastapi import Header, HTTPException\n"
            "async def current_org(x_api_key: Annotated[str | None, Header()] = None):\n"
            "    if x_api_key is None:\n"
            "        raise HTTPException(401)\n",
            role=SERVICE,
        ),
        invalid(
            "from fastapi import Header, HTTPException\n"
            "async def current_org(key: str):\n"
            "    raise HTTPException(401)\n",
            (3, 5),
            role=SERVICE,
        ),
    )

    layer = "service"


# A project with a data layer, for SVC003's cases.
_REPOSITORY = {"v1.orders.repository": "class OrderRepository:\n    pass\n"}
_DATA_LAYER = {"v1.orders.repository": Role.REPOSITORY}


class QueryInService(SqlWork):
    """
    ## What it does
    Flags ORM/SQL work in a service when the project has a data layer (repository, crud or
    database modules): the same detection as RTR001, i.e. SQLAlchemy/SQLModel statement
    constructors (`select`, `insert`, `update`, `delete`, `text` ...) and query methods
    (`execute`, `scalars`, `get`, `add`, `delete`, `query` ...) on a session-like receiver,
    resolved through imports and aliases. In a project without a data layer module the rule
    does not run: there, services are where the SQL lives. Transaction control (`commit`) is
    the service's job and is not flagged.

    ## Why is this bad?
    Where a layout has a repository layer, a query in a service bypasses it: the same rows
    are read two ways, the repository stops being the one place that knows the schema, and
    the service can no longer be tested with a fake repository.

    ## Example
    ```python
    class OrderService:
        async def overdue(self) -> list[Order]:
            stmt = select(Order).where(Order.due_at < func.now())
            return list(await self.session.scalars(stmt))
    ```

    Use instead:
    ```python
    class OrderService:
        async def overdue(self) -> list[Order]:
            return await self.orders.list_overdue()  # OrderRepository holds the query
    ```

    ## Options
    None of its own; see `session-names` for how receivers are recognised. Off in
    best-practices, whose convention has no repository layer (SQL-first services).

    ## Fix
    Move the query into a method of the domain's repository (or crud module) and call that
    from the service.
    """

    code = "SVC003"
    name = "query-in-service"
    summary = "ORM/SQL statement or session query in a service while the project has a data layer"
    roles = frozenset({SERVICE})
    needs_roles = frozenset({Role.REPOSITORY})
    presets = frozenset({"layered-v1", "modular-monolith", "domain-routers"})
    layer = "service"
    query_advice = "move the query into the repository and call it from the service"
    statement_advice = "build and run queries in the repository, which the project has for this"

    cases = (
        invalid(
            "import sqlalchemy as sa\n"
            "from sqlalchemy.ext.asyncio import AsyncSession\n"
            "class OrderService:\n"
            "    def __init__(self, session: AsyncSession):\n"
            "        self.session = session\n"
            "    async def overdue(self):\n"
            "        stmt = sa.select(Order).where(Order.late)\n"
            "        return await self.session.scalars(stmt)\n",
            (7, 16),
            (8, 22),
            role=SERVICE,
            others=_REPOSITORY,
            roles=_DATA_LAYER,
        ),
        invalid(
            "from sqlmodel import select as q\n"
            "def report(db):\n"
            "    def rows():\n"
            "        return db.exec(q(Order).where(Order.open)).all()\n"
            "    return [r.id for r in rows()]\n",
            (4, 16),
            role=SERVICE,
            others=_REPOSITORY,
            roles=_DATA_LAYER,
        ),
        invalid(
            "from app.uow import UnitOfWork\n"
            "from sqlalchemy import delete\n"
            "async def purge(uow: UnitOfWork):\n"
            "    await uow.run(delete(Order))\n",
            (4, 19),
            role=SERVICE,
            others={**_REPOSITORY, "app.uow": "class UnitOfWork:\n    pass\n"},
            roles=_DATA_LAYER,
        ),
        valid(
            "from sqlalchemy import select\n"
            "async def overdue(session):\n"
            "    return await session.scalars(select(Order))\n",
            role=SERVICE,
        ),
        valid(
            "class OrderService:\n"
            "    def __init__(self, orders: OrderRepository, session: AsyncSession):\n"
            "        self.orders, self.session = orders, session\n"
            "    async def close(self, order_id):\n"
            "        await self.orders.close(order_id)\n"
            "        await self.session.commit()\n",
            role=SERVICE,
            others=_REPOSITORY,
            roles=_DATA_LAYER,
        ),
        valid(
            "from sqlalchemy import select\n"
            "def pick(items):\n"
            "    select = items.first\n"
            "    return [select(i) for i in items]\n",
            role=SERVICE,
            others=_REPOSITORY,
            roles=_DATA_LAYER,
        ),
        valid(
            "async def sync_rates(session: aiohttp.ClientSession, url):\n    return await session.get(url)\n",
            role=SERVICE,
            others=_REPOSITORY,
            roles=_DATA_LAYER,
        ),
    )
