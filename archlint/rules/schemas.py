"""SCH001: request and response models are split by intent, not shared by one route."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from archlint.core import NoOptions, Requirement, Role, invalid, valid
from archlint.rules.base import FileRule
from archlint.rules.mounts import ROUTE_METHODS

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst

ROUTER = Role.ROUTER

# The bases a request or response model is resolved to, across files.
PYDANTIC_MODELS = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic.RootModel",
        "pydantic.v1.BaseModel",
        "sqlmodel.SQLModel",
        "sqlmodel.main.SQLModel",
    }
)
_WRAPPERS = frozenset(
    {
        *(f"typing.{n}" for n in ("Optional", "Union", "List", "Sequence", "Annotated", "Set")),
        *(f"typing_extensions.{n}" for n in ("Optional", "Union", "Annotated")),
        *(f"collections.abc.{n}" for n in ("Sequence", "Iterable")),
    }
)
_BUILTIN_WRAPPERS = frozenset({"list", "set", "tuple", "frozenset"})
# Parameter markers that make a parameter something other than the request body.
_NOT_BODY = frozenset(
    {
        *(
            f"fastapi.{n}"
            for n in ("Depends", "Security", "Query", "Path", "Header", "Cookie", "Form", "File")
        ),
        *(
            f"fastapi.params.{n}"
            for n in ("Depends", "Security", "Query", "Path", "Header", "Cookie", "Form")
        ),
    }
)


def _route_kwargs(node: cst.FunctionDef) -> Iterator[cst.Arg]:
    for decorator in node.decorators:
        call = decorator.decorator
        if (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value in ROUTE_METHODS
        ):
            yield from (a for a in call.args if a.keyword is not None)


class SharedRequestResponseModel(FileRule[NoOptions]):
    """
    ## What it does
    Flags a Pydantic model (or SQLModel) used by one route handler both as its request body
    and as its response model (`response_model=` or the return annotation, through
    `list[...]`, `Optional[...]`, `X | None` and `Annotated[...]`). The model is resolved
    across files and must subclass `pydantic.BaseModel` or `SQLModel`. Parameters taken with
    `Depends`, `Query`, `Path`, `Header`, `Cookie`, `Form` or `File` are no request body.

    ## Why is this bad?
    Input and output differ by intent: a create request has no `id`, `created_at` or
    computed fields, a response must not echo write-only fields such as a password, and an
    update makes every field optional. One model for both either leaks fields to clients or
    accepts fields clients must not set, and any change to one direction breaks the other.

    ## Example
    ```python
    @router.put("/users/{user_id}", response_model=User)
    async def update_user(user_id: int, user: User, service: UserServiceDep) -> User:
        return await service.update(user_id, user)
    ```

    Use instead:
    ```python
    @router.put("/users/{user_id}", response_model=UserRead)
    async def update_user(user_id: int, user: UserUpdate, service: UserServiceDep) -> UserRead:
        return await service.update(user_id, user)
    ```

    ## Options
    None. On by default in modular-monolith, whose `schemas/` packages split models by intent;
    opt-in elsewhere (`extend-select = ["SCH001"]`).

    ## Fix
    Define separate models by intent in the domain's schemas (`UserCreate`, `UserUpdate` for
    input, `UserRead` for output), sharing fields through a common base class.
    """

    code = "SCH001"
    name = "shared-request-response-model"
    summary = "one Pydantic model used as both a route's request body and its response model"
    roles = frozenset({ROUTER})
    presets = frozenset({"modular-monolith"})
    triggers = ROUTE_METHODS  # no route decorator, no route
    cases = (
        invalid(
            "from app.users.schemas import User as UserSchema\n"
            "@router.put('/users/{user_id}', response_model=UserSchema)\n"
            "async def update_user(user_id: int, user: UserSchema, service: S = Depends(get)):\n"
            "    return await service.update(user_id, user)\n",
            (3, 43),
            role=ROUTER,
            others={
                "app.users.schemas": "from pydantic import BaseModel\nclass User(BaseModel):\n    name: str\n"
            },
        ),
        invalid(
            "import typing\n"
            "from app.models import items\n"
            "@router.post('/items/bulk')\n"
            "def create_items(body: list[items.Item], db: Session) -> typing.List[items.Item]:\n"
            "    return save(db, body)\n",
            (4, 24),
            role=ROUTER,
            others={
                "app.models.items": "from app.models.base import Base\n"
                "class Item(Base, table=True):\n    pass\n",
                "app.models.base": "import sqlmodel\nclass Base(sqlmodel.SQLModel):\n    pass\n",
            },
        ),
        invalid(
            "from typing import Annotated, Optional\n"
            "from fastapi import Body\n"
            "from pydantic import BaseModel\n"
            "class Note(BaseModel):\n"
            "    text: str\n"
            "@app.patch('/notes/{id}', response_model=Optional[Note])\n"
            "async def edit(id: int, note: Annotated[Note, Body(embed=True)] = None):\n"
            "    return note\n",
            (7, 31),
            role=ROUTER,
        ),
        valid(
            "from app.users.schemas import UserCreate, UserRead\n"
            "@router.post('/users', response_model=UserRead)\n"
            "async def create_user(user: UserCreate, service: S = Depends(get)) -> UserRead:\n"
            "    return await service.create(user)\n",
            role=ROUTER,
            others={
                "app.users.schemas": "from pydantic import BaseModel\n"
                "class UserCreate(BaseModel):\n    pass\n"
                "class UserRead(BaseModel):\n    pass\n"
            },
        ),
        valid(
            "from typing import Annotated\n"
            "from fastapi import Depends, Query\n"
            "from app.users.schemas import User, Filters\n"
            "from app.orders.enums import Status\n"
            "@router.get('/me', response_model=User)\n"
            "async def me(user: Annotated[User, Depends(current_user)], f: Filters = Query()) -> User:\n"
            "    return user\n"
            "@router.get('/status/{status}')\n"
            "def echo(status: Status) -> Status:\n"
            "    return status\n",
            role=ROUTER,
            others={
                "app.users.schemas": "from pydantic import BaseModel\n"
                "class User(BaseModel):\n    pass\n"
                "class Filters(BaseModel):\n    pass\n",
                "app.orders.enums": "import enum\nclass Status(str, enum.Enum):\n    OPEN = 'open'\n",
            },
        ),
        valid(
            "from app.users.schemas import User\n"
            "def to_user(user: User) -> User:\n"
            "    return user\n"
            "@router.put('/users/{id}', response_model=None)\n"
            "async def replace(id: int, user: User) -> User:\n"
            "    return user\n",
            role=ROUTER,
            others={
                "app.users.schemas": "from pydantic import BaseModel\nclass User(BaseModel):\n    pass\n"
            },
        ),
        valid(
            "from app.users.schemas import User\n"
            "@router.put('/users/{id}', response_model=User)\n"
            "async def replace(id: int, user: User) -> User:\n"
            "    return user\n",
            role=Role.SERVICE,
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.ctx.route_method(node) is None:
            return
        responses = self._response_models(node)
        if not responses:
            return
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            annotation = param.annotation.annotation if param.annotation is not None else None
            if annotation is None or not self._body(param, annotation):
                continue
            shared = [q for q in self._models(annotation) if q in responses]
            if shared:
                model = shared[0].rpartition(".")[2]
                self.ctx.report(
                    self.code,
                    self.name,
                    annotation,
                    f"`{model}` is both the request body and the response model of route handler "
                    f"'{node.name.value}': split it by intent (a Create or Update model in, a Read "
                    "model out) so each side has only its own fields",
                    requires=Requirement.PYDANTIC_MODEL,
                    qualname=shared[0],
                )

    def _response_models(self, node: cst.FunctionDef) -> set[str]:
        for arg in _route_kwargs(node):
            if arg.keyword is not None and arg.keyword.value == "response_model":
                return set(self._models(arg.value))
        return set(self._models(node.returns.annotation)) if node.returns is not None else set()

    def _body(self, param: cst.Param, annotation: cst.BaseExpression) -> bool:
        """Whether FastAPI reads this parameter from the request body (no other marker)."""
        markers: list[cst.BaseExpression] = [param.default] if param.default is not None else []
        if isinstance(annotation, cst.Subscript) and self.ctx.qualname(annotation.value) in _WRAPPERS:
            markers += [e.slice.value for e in annotation.slice[1:] if isinstance(e.slice, cst.Index)]
        return not any(isinstance(m, cst.Call) and self.ctx.qualname(m.func) in _NOT_BODY for m in markers)

    def _models(self, expr: cst.BaseExpression) -> Iterator[str]:
        """The project classes a type expression names, through containers and optionals."""
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            yield from self._models(expr.left)
            yield from self._models(expr.right)
            return
        if isinstance(expr, cst.Subscript):
            base = self.ctx.qualname(expr.value)
            builtin = isinstance(expr.value, cst.Name) and expr.value.value in _BUILTIN_WRAPPERS
            if base in _WRAPPERS or (base is None and builtin):
                elements = [e.slice.value for e in expr.slice if isinstance(e.slice, cst.Index)]
                annotated = base is not None and base.endswith(".Annotated")
                for element in elements[:1] if annotated else elements:
                    yield from self._models(element)
            return
        qualname = self.ctx.qualname(expr)
        if qualname is not None and qualname.split(".")[0] not in ("typing", "typing_extensions", "builtins"):
            yield qualname
