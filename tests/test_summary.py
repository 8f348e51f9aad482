"""The per-file summary: one implementation, read by the project phase and the file rules."""

from __future__ import annotations

import keyword
import pickle
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archlint.core import ClassInfo, FileSummary, ImportFact, LoggerCall, ModuleInfo, Role, RouterDef
from archlint.engine.analyze import analyze_file
from archlint.engine.settings import FileSettings
from archlint.rules import BUILTIN_RULES, FileRule
from archlint.rules.summary import summarise

ROUTER = ModuleInfo(path="app/orders/router.py", module="app.orders.router", names=(), role=Role.ROUTER)
PACKAGE = ModuleInfo(path="app/orders/__init__.py", module="app.orders", names=(), role=None, is_package=True)


def summary_of(source: str, info: ModuleInfo = ROUTER) -> FileSummary:
    summary = summarise(source.encode(), info)
    assert summary is not None
    return summary


def test_imports_are_absolute_with_their_position_and_kind() -> None:
    summary = summary_of(
        "from typing import TYPE_CHECKING\n"
        "import os.path as p, json\n"
        "from . import service\n"
        "from ..core.db import Session\n"
        "if TYPE_CHECKING:\n"
        "    from app.users.models import User\n"
        "else:\n"
        "    import attrs\n"
        "async def handler():\n"
        "    from .repository import OrderRepository\n"
    )
    assert summary.imports == (
        ImportFact("typing", ("TYPE_CHECKING",), 1, 1),
        ImportFact("os.path", (), 2, 1),
        ImportFact("json", (), 2, 1),
        ImportFact("app.orders", ("service",), 3, 1),
        ImportFact("app.core.db", ("Session",), 4, 1),
        ImportFact("app.users.models", ("User",), 6, 5, type_checking=True),
        ImportFact("attrs", (), 8, 5),
        ImportFact("app.orders.repository", ("OrderRepository",), 10, 5, lazy=True),
    )


def test_relative_imports_in_a_package_init_resolve_from_the_package() -> None:
    summary = summary_of("from . import router\nfrom .service import place\n", PACKAGE)
    assert [(f.module, f.names) for f in summary.imports] == [
        ("app.orders", ("router",)),
        ("app.orders.service", ("place",)),
    ]


def test_typing_checking_through_the_module_and_nested_blocks() -> None:
    summary = summary_of(
        "import typing\n"
        "try:\n"
        "    if typing.TYPE_CHECKING:\n"
        "        from app.users import models\n"
        "except ImportError:\n"
        "    pass\n"
        "class Repo:\n"
        "    def get(self):\n"
        "        import app.users.service\n"
    )
    assert [(f.module, f.type_checking, f.lazy) for f in summary.imports] == [
        ("typing", False, False),
        ("app.users", True, False),
        ("app.users.service", False, True),
    ]


@pytest.mark.parametrize(
    "annotation",
    [
        'Annotated["Sess" "ion", Depends(get_db)]',  # implicit concatenation is one string
        "Union[(Session, int)]",  # a parenthesised tuple is the same subscript
        "Optional[Session]",
        "Session | None",
    ],
)
def test_session_aliases_read_every_spelling_of_the_annotation(annotation: str) -> None:
    summary = summary_of(
        "from typing import Annotated, Optional, Union\n"
        "from fastapi import Depends\n"
        "from sqlalchemy.orm import Session\n"
        f"SessionDep = {annotation}\n"
    )
    assert summary.session_aliases == ("app.orders.router.SessionDep",)


def test_aliases_of_names_from_elsewhere_are_left_to_the_project_phase() -> None:
    summary = summary_of("from app.db import SessionDep\nDb = SessionDep\nrouter = APIRouter()\n")
    assert summary.bindings["Db"] == "app.db.SessionDep"
    assert summary.session_aliases == ()
    assert summary.routers == ()  # APIRouter is not imported: not FastAPI's


def test_routers_are_the_names_bound_to_fastapis_factories() -> None:
    summary = summary_of(
        "import fastapi\nfrom fastapi import APIRouter as R\n"
        "router = R(prefix='/orders')\napp: fastapi.FastAPI = fastapi.FastAPI()\nother = dict()\n"
    )
    assert summary.routers == (
        RouterDef("router", "fastapi.APIRouter", 3, 1),
        RouterDef("app", "fastapi.FastAPI", 4, 1),
    )


IMPORT_LINES = r"(from \.{0,2}[a-z]{1,3} import [a-z]{1,3}\n|import [a-z]{1,3}(\.[a-z]{1,3})?\n){1,4}"


def _every_file_rule() -> FileSettings:
    rules = tuple(r for r in BUILTIN_RULES if issubclass(r, FileRule))
    return FileSettings(rules, {r.code: r.options_type() for r in rules}, ("session", "db"))


@settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=40)
@given(
    source=st.sampled_from(
        [
            "from .service import place\nrouter = APIRouter()\n",
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/')\ndef f(db):\n    db.commit()\n",
            "import sqlalchemy as sa\nfrom typing import Annotated\nS = Annotated[sa.orm.Session, 1]\n",
        ]
    )
    | st.from_regex(
        r"(from \.{0,2}[a-z]{1,3} import [a-z]{1,3}\n|import [a-z]{1,3}(\.[a-z]{1,3})?\n){1,4}",
        fullmatch=True,
    ).filter(lambda s: not any(keyword.iskeyword(w) for w in re.findall(r"[a-z]+", s))),
    role=st.sampled_from([Role.ROUTER, Role.SERVICE, None]),
)
def test_the_summary_is_the_same_whatever_path_builds_it(source: str, role: Role | None) -> None:
    """With file rules (libcst walk) or without (summary only), and through the cache's pickle,
    a module's summary is the one ``summarise`` reads."""
    info = ModuleInfo(path="app/orders/m.py", module="app.orders.m", names=(), role=role)
    direct = summarise(source.encode(), info)
    with_rules = analyze_file(source.encode(), info, _every_file_rule()).summary
    without = analyze_file(source.encode(), info, FileSettings((), {}, ("session",))).summary
    assert direct is not None
    assert direct == with_rules == without == pickle.loads(pickle.dumps(direct))


hypothesmith = pytest.importorskip("hypothesmith")


@settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=30)
@given(source=hypothesmith.from_grammar())
def test_generated_programs_summarise_alike_with_and_without_rules(source: str) -> None:
    info = ModuleInfo(path="app/orders/m.py", module="app.orders.m", names=(), role=Role.ROUTER)
    with_rules = analyze_file(source.encode(), info, _every_file_rule()).summary
    without = analyze_file(source.encode(), info, FileSettings((), {}, ("session",))).summary
    assert with_rules == without


MAIN = ModuleInfo(path="app/main.py", module="app.main", names=(), role=None)


def test_include_calls_are_followed_through_names_attributes_and_literal_loops() -> None:
    summary = summary_of(
        "from fastapi import FastAPI\n"
        "from app.orders import router as orders\n"
        "from app.users.views import router as users_router\n"
        "from app.api import ROUTERS\n"
        "LOCAL = [orders.router, users_router]\n"
        "def create_app(extra):\n"
        "    app = FastAPI()\n"
        "    app.include_router(orders.router, prefix='/o')\n"
        "    for r in LOCAL:\n"
        "        app.include_router(r)\n"
        "    for prefix, r in [('/u', users_router)]:\n"
        "        app.include_router(router=r, prefix=prefix)\n"
        "    for r in ROUTERS:\n"
        "        app.include_router(r)\n"
        "    app.include_router(orders.make_router())\n"
        "    app.include_router(extra)\n"
        "    app.mount('/static', StaticFiles())\n"
        "    return app\n",
        MAIN,
    )
    assert [(i.line, i.targets, i.factories, i.sequences, i.dynamic) for i in summary.includes] == [
        (8, ("app.orders.router.router",), (), (), False),
        (10, ("app.orders.router.router", "app.users.views.router"), (), (), False),
        (12, ("app.users.views.router",), (), (), False),
        (14, (), (), ("app.api.ROUTERS",), False),
        (15, (), ("app.orders.router.make_router",), (), False),
        (16, (), (), (), True),  # a parameter: archlint cannot know what it is
        (17, (), (), (), False),  # an app mounted on a path never makes the project unknown
    ]
    assert summary.sequences == {"LOCAL": ("app.orders.router.router", "app.users.views.router")}


@pytest.mark.parametrize(
    "argument",
    ["getattr(module, 'router')", "importlib.import_module('app.x').router", "routers[0]", "*routers"],
)
def test_includes_archlint_cannot_follow_are_dynamic(argument: str) -> None:
    summary = summary_of(
        f"import importlib\nfrom app.api import module, routers\napp.include_router({argument})\n"
    )
    assert [i.dynamic for i in summary.includes] == [True]


def test_routers_count_their_endpoints_and_includes_under_every_name() -> None:
    summary = summary_of(
        "from fastapi import APIRouter\nfrom polar.routing import APIRouter as PolarRouter\n"
        "auth_router = r = APIRouter()\napi = auth_router\nother = PolarRouter(prefix='/x')\n"
        "@r.post('/token')\nasync def token(): ...\n"
        "@api.get('/me')\ndef me(): ...\n"
        "class Views:\n    @r.delete('/me')\n    def drop(self): ...\n"
        "api.add_api_route('/ping', me)\nauth_router.include_router(other)\n"
    )
    assert summary.routers == (
        RouterDef("auth_router", "fastapi.APIRouter", 3, 1, routes=4, includes=1, aliases=("r", "api")),
        RouterDef("other", "polar.routing.APIRouter", 5, 1),
    )


def test_classes_carry_their_position_and_builtin_bases() -> None:
    summary = summary_of(
        "import fastapi\nclass A(ValueError):\n    pass\n"
        "if True:\n    class B(fastapi.HTTPException, Mixin):\n        pass\n"
    )
    assert summary.classes == (
        ClassInfo("app.orders.router.A", ("builtins.ValueError",), 2, 1),
        ClassInfo("app.orders.router.B", ("fastapi.HTTPException",), 5, 5),
    )


def test_module_level_loggers_named_by_a_literal_or_dunder_name() -> None:
    summary = summary_of(
        "import logging, structlog\nfrom app.core.log import get_logger\n"
        "logger = logging.getLogger('orders')\nlog: object = structlog.get_logger(name='x.y')\n"
        "mine = get_logger(__name__)\nnamed = logging.getLogger(settings.name)\n"
        "def f():\n    inner = logging.getLogger('inner')\n"
    )
    assert summary.loggers == (
        LoggerCall("orders", 3, 28),
        LoggerCall("x.y", 4, 41),
        LoggerCall("__name__", 5, 19),
    )


def test_a_file_the_stdlib_parser_cannot_read_has_a_partial_summary() -> None:
    # ``except A, B:`` is Python 3.14 syntax: libcst reads it, an older ast cannot.
    source = b"try:\n    pass\nexcept ValueError, TypeError:\n    pass\n"
    result = analyze_file(source, ROUTER, _every_file_rule())
    if summarise(source, ROUTER) is None:
        assert result.summary is not None and result.summary.partial
    else:
        assert result.summary is not None and not result.summary.partial


def test_a_loop_over_a_local_list_is_followed() -> None:
    summary = summary_of(
        "from app.a import router as a\nfrom app.b import views\n\n\ndef create(app):\n"
        "    routers = [a, views.router]\n    prefix = '/api'\n"
        "    for r in routers:\n        app.include_router(\n            r, prefix=prefix\n        )\n",
        MAIN,
    )
    assert [(i.line, i.targets, i.dynamic) for i in summary.includes] == [
        (9, ("app.a.router", "app.b.views.router"), False)
    ]


def test_syntax_newer_than_the_interpreter_is_summarised_from_libcsts_statements() -> None:
    import libcst as cst

    from archlint.rules.summary import summarise_module

    source = (
        "# header\n"
        "from sqlalchemy import select\n"
        "\n"
        "def parse(v):\n"
        "    try:\n"
        "        return int(v)\n"
        "    except ValueError, TypeError:\n"  # Python 3.14: parentheses optional
        "        return None\n"
        "class Box(Base):\n"
        "    def f(self):\n"
        "        try:\n"
        "            pass\n"
        "        except A, B:\n"
        "            pass\n"
        "from .service import place\n"
        "# footer\n"
    )
    summary = summarise_module(cst.parse_module(source), ROUTER)
    assert summary.bindings["select"] == "sqlalchemy.select"
    assert summary.bindings["place"] == "app.orders.service.place"
    assert [c.qualname for c in summary.classes] == ["app.orders.router.Box"]
    assert [(f.module, f.line) for f in summary.imports] == [("sqlalchemy", 2), ("app.orders.service", 15)]
