"""LAY005: every router that serves endpoints is included somewhere, followed across files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from archlint.core import (
    Diagnostic,
    FileSummary,
    ModuleInfo,
    NoOptions,
    ProjectTree,
    Role,
    RouterDef,
    RouterInclude,
    invalid_sources,
    make_fingerprint,
    valid_sources,
)
from archlint.rules.base import NO_SUMMARIES, ProjectRule
from archlint.rules.resolve import Resolver

# A router module as the cases use it: one endpoint on ``router`` (line 3).
_ROUTES = (
    "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get('/')\n"
    "async def index() -> list[int]:\n    return []\n"
)
ROUTER_CLASSES = frozenset({"fastapi.APIRouter", "fastapi.routing.APIRouter"})
APP_CLASSES = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI"})


@dataclass(frozen=True, slots=True)
class _Router:
    info: ModuleInfo
    router: RouterDef


class _Mounting:
    """What the project's include calls reach; ``known`` is False when one of them includes
    something archlint cannot follow (or there is none: no aggregator to judge by)."""

    def __init__(self, tree: ProjectTree, summaries: Mapping[str, FileSummary]) -> None:
        self.resolver = Resolver.of(tree.modules, dict(summaries))
        self.routers: dict[str, _Router] = {}  # canonical qualified name -> router
        self.names: dict[str, str] = {}  # every qualified name of a router -> canonical
        self.sequences: dict[str, tuple[str, ...]] = {}
        self.mounted: set[str] = set()
        self.built_in: set[str] = set()  # modules whose functions build included routers
        self.aggregators: Counter[str] = Counter()
        tests = {m.path for m in tree.modules if m.role is Role.TESTS}
        # A file the stdlib parser could not read may include anything: then nothing is known.
        self.partial = any(s.partial for p, s in summaries.items() if p not in tests)
        for info in tree.modules:
            summary = summaries.get(info.path)
            if summary is None or info.path in tests:
                continue
            for name in {info.module, *info.names} - {""}:
                for sequence, elements in summary.sequences.items():
                    self.sequences[f"{name}.{sequence}"] = elements
                for router in summary.routers:
                    if self._is_router(router.factory):
                        for alias in router.names:
                            self.names[f"{name}.{alias}"] = f"{summary.module}.{router.name}"
            for router in summary.routers:
                if self._is_router(router.factory):
                    self.routers[f"{summary.module}.{router.name}"] = _Router(info, router)
        includes = [(p, i) for p, s in summaries.items() if p not in tests for i in s.includes]
        self.known = bool(includes) and not self.partial and all(self._include(p, i) for p, i in includes)

    def _is_router(self, factory: str) -> bool:
        if factory in APP_CLASSES or self.resolver.subclass_of(factory, APP_CLASSES):
            return False
        return (
            factory in ROUTER_CLASSES
            or factory.rpartition(".")[2] == "APIRouter"
            or self.resolver.subclass_of(factory, ROUTER_CLASSES)
        )

    def _router(self, qualname: str) -> str | None:
        found = self.resolver.follow(qualname, lambda q: q in self.names)
        return self.names[found] if found is not None else None

    def _include(self, path: str, include: RouterInclude) -> bool:
        if include.dynamic:
            return False
        self.aggregators[path] += 1
        targets = list(include.targets)
        for sequence in include.sequences:
            found = self.resolver.follow(sequence, lambda q: q in self.sequences)
            if found is None:
                return False  # a loop over something archlint cannot list
            targets.extend(self.sequences[found])
        for target in targets:
            router = self._router(target)
            if router is not None:
                self.mounted.add(router)
        for factory in include.factories:
            module = self.resolver.defining_module(factory)
            if module is not None:
                self.built_in.add(module)
        return True


class RouterNeverMounted(ProjectRule[NoOptions]):
    """
    ## What it does
    Flags an `APIRouter` that registers endpoints (or includes other routers) but is never
    included: no `include_router(...)` or `mount(...)` anywhere in the project reaches it,
    so its endpoints are dead. Includes are followed the way the code writes them: in the
    v1 router, an `apis/` package, `main.py`/`app.py` or an app factory, through a parent
    router, under a prefix, by name or as a module attribute (`api.include_router(
    orders.router)`), through re-exports, and in loops over a list or tuple of routers.

    archlint stays silent when it cannot know: a project with no `include_router` at all,
    or one that includes something it cannot follow (`getattr`, `importlib`, a loop over a
    computed list, a router passed in as a parameter). Routers built by a function
    (`include_router(make_router())`) vouch for every router of that function's module.
    Tests do not count as mounting a router.

    ## Why is this bad?
    A router nobody includes compiles, passes its unit tests when they build their own app,
    and serves nothing in production: a new domain's endpoints return 404 and nobody
    notices until a client does. It usually means a line was forgotten in the aggregator.

    ## Example
    ```python
    # src/v1/router.py
    router = APIRouter(prefix="/v1")
    router.include_router(users_router)
    router.include_router(projects_router)
    # src/v1/todos/router.py defines `router` with five endpoints, included nowhere
    ```

    Use instead:
    ```python
    router.include_router(todos_router)
    ```

    ## Options
    None.

    ## Fix
    Include the router in the aggregator the message names, or delete it if it is dead on
    purpose. Not autofixable: where and under which prefix it belongs is the team's call.
    """

    code = "LAY005"
    name = "router-never-mounted"
    summary = "a router with endpoints is never included, so its endpoints are dead"
    tree_cases = (
        invalid_sources(
            "layered-v1",
            {
                "backend/src/v1/router.py": "from fastapi import APIRouter\n\n"
                "from src.v1.users.router import router as users_router\n\n"
                "router = APIRouter(prefix='/v1')\nrouter.include_router(users_router)\n",
                "backend/src/v1/users/router.py": _ROUTES,
                "backend/src/v1/todos/router.py": _ROUTES,
                "backend/src/app.py": "from fastapi import FastAPI\nfrom src.v1 import router\n"
                "\napp = FastAPI()\napp.include_router(router.router)\n",
            },
            ("backend/src/v1/todos/router.py", 3, 1),
        ),
        # A loop over a literal list in an app factory; a router mounted only by a test.
        invalid_sources(
            "best-practices",
            {
                "src/main.py": "from fastapi import FastAPI\n\nfrom src.auth import router as auth_router\n"
                "from src.posts.router import router as posts_router\n\n\ndef create_app() -> FastAPI:\n"
                "    app = FastAPI()\n    for r in [auth_router.router, posts_router]:\n"
                "        app.include_router(r, prefix='/api')\n    return app\n",
                "src/auth/router.py": _ROUTES,
                "src/posts/router.py": _ROUTES,
                "src/comments/router.py": _ROUTES,
                "tests/test_comments.py": "from fastapi import FastAPI\n"
                "from src.comments.router import router\n"
                "\nFastAPI().include_router(router)\n",
            },
            ("src/comments/router.py", 3, 1),
        ),
        # A sequence defined in another module; a parent router that is itself never mounted.
        invalid_sources(
            "modular-monolith",
            {
                "app/apis/v1.py": "from app.orders.routes import orders\n"
                "from app.users.routes import users\n\n"
                "ROUTERS = (orders.router, users.router)\n",
                "app/main.py": "from fastapi import FastAPI\nfrom app.apis.v1 import ROUTERS\n\n"
                "app = FastAPI()\n"
                "for router in ROUTERS:\n    app.include_router(router, prefix='/v1')\n",
                "app/orders/routes/orders.py": _ROUTES,
                "app/users/routes/users.py": _ROUTES,
                "app/billing/routes/invoices.py": _ROUTES,
                "app/billing/routes/__init__.py": "from fastapi import APIRouter\n\n"
                "from app.billing.routes import invoices\n\n"
                "router = APIRouter()\nrouter.include_router(invoices.router)\n",
            },
            ("app/billing/routes/__init__.py", 5, 1),
        ),
        # Through a parent router re-exported by a package, under a prefix, by module attribute.
        valid_sources(
            "best-practices",
            {
                "src/orders/router.py": _ROUTES,
                "src/orders/__init__.py": "from src.orders.router import router\n",
                "src/users/router.py": _ROUTES,
                "src/api.py": "import fastapi\n\nimport src.orders\nfrom src.users import router as users\n\n"
                "api = fastapi.APIRouter()\napi.include_router(src.orders.router, prefix='/orders')\n"
                "api.include_router(router=users.router)\n",
                "src/main.py": "from fastapi import FastAPI\nfrom src.api import api\n"
                "\napp = FastAPI()\napp.include_router(api)\n",
            },
        ),
        # Included through something archlint cannot follow: it says nothing.
        valid_sources(
            "best-practices",
            {
                "src/orders/router.py": _ROUTES,
                "src/users/router.py": _ROUTES,
                "src/main.py": "import importlib\nfrom fastapi import FastAPI\n\napp = FastAPI()\n"
                "for name in ('orders', 'users'):\n"
                "    app.include_router(importlib.import_module(f'src.{name}.router').router)\n",
            },
        ),
        # No include anywhere (no aggregator to judge by); a router without endpoints.
        valid_sources(
            "layered-v1",
            {
                "backend/src/v1/users/router.py": _ROUTES,
                "backend/src/v1/todos/router.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
            },
        ),
        # A router built by a function of the module, an app mounted as a sub-application.
        valid_sources(
            "best-practices",
            {
                "src/orders/router.py": _ROUTES + "\n\ndef get_router():\n    return router\n",
                "src/admin/router.py": "from fastapi import FastAPI\n\nadmin = FastAPI()\n"
                "\n@admin.get('/')\ndef home():\n    return {}\n",
                "src/main.py": "from fastapi import FastAPI\nfrom src.orders.router import get_router\n"
                "from src.admin.router import admin\n\n"
                "app = FastAPI()\napp.include_router(get_router())\napp.mount('/admin', admin)\n",
            },
        ),
    )

    def check(
        self, tree: ProjectTree, options: NoOptions, summaries: Mapping[str, FileSummary] = NO_SUMMARIES
    ) -> Iterator[Diagnostic]:
        mounting = _Mounting(tree, summaries)
        if not mounting.known:
            return
        for qualname, found in sorted(mounting.routers.items()):
            info, router = found.info, found.router
            if qualname in mounting.mounted or not (router.routes or router.includes):
                continue
            if qualname.rpartition(".")[0] in mounting.built_in:
                continue
            where = [p for p, _ in mounting.aggregators.most_common() if p != info.path][:1]
            hint = f"include it where the others are ({where[0]})" if where else "include it in the app"
            served = (
                f"{router.routes} endpoint{'s' if router.routes != 1 else ''}"
                if router.routes
                else f"{router.includes} included router{'s' if router.includes != 1 else ''}"
            )
            yield Diagnostic(
                code=self.code,
                rule=self.name,
                path=info.path,
                line=router.line,
                column=router.column,
                symbol=router.name,
                fingerprint=make_fingerprint(self.code, info.path, router.name, router.factory),
                message=(
                    f"router '{router.name}' ({served}) is never included: no include_router() "
                    f"in the project reaches it, so it serves nothing; {hint}"
                ),
            )
