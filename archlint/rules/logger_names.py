"""LOG001: a module's logger is named after the module (autofixable)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from archlint.core import (
    Diagnostic,
    FileSummary,
    Fix,
    LoggerCall,
    ModuleInfo,
    NoOptions,
    ProjectTree,
    Role,
    inside,
    invalid_sources,
    make_fingerprint,
    valid_sources,
)
from archlint.rules.base import NO_SUMMARIES, ProjectRule
from archlint.rules.house import keeps_convention

if TYPE_CHECKING:
    import libcst as cst

    from archlint.rules.fixes import FixTarget
else:
    from archlint.core.lazy import libcst as cst

# Loggers of libraries an application configures or writes to by name.
LIBRARY_LOGGERS = frozenset(
    {
        "root",
        "uvicorn",
        "gunicorn",
        "fastapi",
        "starlette",
        "sqlalchemy",
        "alembic",
        "asyncio",
        "celery",
        "taskiq",
        "arq",
        "dramatiq",
        "apscheduler",
        "httpx",
        "httpcore",
        "aiohttp",
        "urllib3",
        "requests",
        "botocore",
        "boto3",
        "redis",
        "pydantic",
        "passlib",
        "watchfiles",
        "sentry_sdk",
        "opentelemetry",
        "multipart",
        "websockets",
    }
)


def module_paths(tree: ProjectTree, info: ModuleInfo) -> set[str]:
    """Every name that follows the module path: the names the module is imported by, and its
    dotted path under the source root (``v1.todos.service`` in ``backend/src/v1/todos/``)."""
    names = {info.module, *info.names}
    rest = inside(info.path, tree.source_root)
    if rest is not None:
        stem = rest.removesuffix(".py").removesuffix("/__init__")
        names.add(stem.replace("/", "."))
    return {n for n in names if n}


def _libraries(summary: FileSummary, project_roots: set[str]) -> set[str]:
    """Top-level packages the module imports that are not the project's own."""
    imported = {fact.module.split(".")[0] for fact in summary.imports}
    return (imported - project_roots) | LIBRARY_LOGGERS


def _findings(
    tree: ProjectTree, summaries: Mapping[str, FileSummary]
) -> Iterator[tuple[ModuleInfo, LoggerCall]]:
    """Every module's own logger (not a library's) whose name does not follow its path; none
    when the module path is not the house convention of a detected layout."""
    roots = {n.split(".")[0] for m in tree.modules for n in (m.module, *m.names) if n}
    following = 0
    found: list[tuple[ModuleInfo, LoggerCall]] = []
    for info in tree.modules:
        summary = summaries.get(info.path)
        if summary is None or not summary.loggers or info.role is Role.TESTS:
            continue
        expected = {"__name__", *module_paths(tree, info)}
        libraries = _libraries(summary, roots)
        for logger in summary.loggers:
            if logger.name in expected:
                following += 1
            elif logger.name.split(".")[0] not in libraries - roots:
                found.append((info, logger))
    if keeps_convention(tree, following, len(found)):
        yield from found


class LoggerNameNotModulePath(ProjectRule[NoOptions]):
    """
    ## What it does
    Flags a module-level logger named by a string that is not the module's path:
    `logger = get_logger("todos")` in `v1/todos/service.py` (`logging.getLogger`,
    structlog's `get_logger` or the project's own `get_logger` helper). The module path is
    the name the module is imported by (`src.v1.todos.service`) or its path under the source
    root (`v1.todos.service`); `__name__` is always right. Loggers of libraries the module
    configures (`getLogger("uvicorn.access")`, a package it imports) are not its own and are
    left alone. When the layout is detected rather than declared, the rule holds only where
    naming loggers after the module is the house style (two loggers or more, twice as many
    as those named otherwise).

    ## Why is this bad?
    Log configuration, filtering and search work on the logger hierarchy. A logger named
    `todos` or `service` sits outside the `src.v1...` tree, so a level set for
    `src.v1.todos` misses it, two modules end up sharing one name, and a log line cannot be
    traced back to the file that wrote it.

    ## Example
    ```python
    # backend/src/v1/todos/service.py
    logger = get_logger("todo-service")
    ```

    Use instead:
    ```python
    logger = get_logger(__name__)  # or get_logger("src.v1.todos.service")
    ```

    ## Options
    None.

    ## Fix
    Autofixable: `archlint check --fix` rewrites the literal to the module's import name
    (the value `__name__` has at run time), keeping the quotes; `--diff` shows the change.
    """

    code = "LOG001"
    name = "logger-name-not-module-path"
    summary = "logger name does not follow the module path"
    presets = frozenset({"layered-v1"})
    fixable = True
    tree_cases = (
        invalid_sources(
            "layered-v1",
            {
                "backend/src/v1/todos/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
                "backend/src/v1/todos/service.py": "import logging\n\nlogger = logging.getLogger('todos')\n",
            },
            ("backend/src/v1/todos/service.py", 3, 28),
        ),
        invalid_sources(
            "layered-v1",
            {
                "backend/src/v1/todos/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
                "backend/src/core/logging.py": "import logging\n\n\ndef get_logger(name):\n"
                "    return logging.getLogger(name)\n",
                "backend/src/v1/todos/service.py": "from src.core.logging import get_logger\n\n"
                "if True:\n    log = get_logger(name='src.v1.todo')\n",
            },
            ("backend/src/v1/todos/service.py", 4, 27),
        ),
        invalid_sources(
            "layered-v1",
            {
                "backend/src/v1/todos/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
                "backend/src/v1/todos/tasks.py": "import structlog\n\n"
                'logger: object = structlog.get_logger("v1.todos.service")\n',
            },
            ("backend/src/v1/todos/tasks.py", 3, 39),
        ),
        valid_sources(
            "layered-v1",
            {
                "backend/src/v1/todos/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
                "backend/src/v1/todos/service.py": "import logging\n\nlogger = logging.getLogger(__name__)\n"
                "other = logging.getLogger('v1.todos.service')\n"
                "full = logging.getLogger('src.v1.todos.service')\n",
                "backend/src/v1/todos/__init__.py": "import logging\n"
                "logger = logging.getLogger('v1.todos')\n",
                "backend/src/app.py": "from src.v1.todos import service\n",
            },
        ),
        # Library loggers: a known one, and one of a package the module imports.
        valid_sources(
            "layered-v1",
            {
                "backend/src/v1/todos/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
                "backend/src/core/logging.py": "import logging\nimport tantivy\n\n"
                "access = logging.getLogger('uvicorn.access')\n"
                "index = logging.getLogger('tantivy.index')\n",
            },
        ),
        # Only module-level loggers bound to a literal: not a call inside a function, not a name.
        valid_sources(
            "layered-v1",
            {
                "backend/src/v1/todos/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
                "backend/src/v1/todos/service.py": "import logging\nfrom src.core.config import settings\n\n"
                "logger = logging.getLogger(settings.app_name)\n\n\ndef run():\n"
                "    log = logging.getLogger('anything')\n    return log\n",
            },
        ),
        # Detected layouts: __name__ is the house style, the one named otherwise is the outlier ...
        invalid_sources(
            None,
            {
                "src/orders/router.py": "import logging\n\nlogger = logging.getLogger(__name__)\n",
                "src/orders/service.py": "import logging\n\nlogger = logging.getLogger(__name__)\n",
                "src/users/router.py": "import logging\n\nlogger = logging.getLogger('users')\n",
                "src/users/service.py": "import logging\n\nlogger = logging.getLogger(__name__)\n",
            },
            ("src/users/router.py", 3, 28),
        ),
        # ... and a team that names its loggers its own way is not flooded.
        valid_sources(
            None,
            {
                "src/orders/router.py": "import logging\n\nlogger = logging.getLogger('orders-api')\n",
                "src/orders/service.py": "import logging\n\nlogger = logging.getLogger('orders')\n",
                "src/users/router.py": "import logging\n\nlogger = logging.getLogger('users-api')\n",
                "src/users/service.py": "import logging\n\nlogger = logging.getLogger(__name__)\n",
            },
        ),
    )

    def check(
        self, tree: ProjectTree, options: NoOptions, summaries: Mapping[str, FileSummary] = NO_SUMMARIES
    ) -> Iterator[Diagnostic]:
        for info, logger in _findings(tree, summaries):
            yield Diagnostic(
                code=self.code,
                rule=self.name,
                path=info.path,
                line=logger.line,
                column=logger.column,
                symbol=logger.name,
                fingerprint=make_fingerprint(self.code, info.path, "", repr(logger.name)),
                message=(
                    f"logger name {logger.name!r} does not follow the module path: "
                    f"use {info.module!r} (or __name__) so it sits in the project's logger tree"
                ),
            )

    @classmethod
    def fix(cls, target: FixTarget, found: Sequence[Diagnostic], options: NoOptions) -> Iterator[Fix]:
        name = target.info.module
        for diagnostic in found:
            if diagnostic.line is None or diagnostic.column is None:
                continue
            node = target.find(cst.SimpleString, diagnostic.line, diagnostic.column)
            if (
                node is None
                or node.prefix.lower() not in ("", "u")
                or node.evaluated_value != diagnostic.symbol
            ):
                continue
            quote = node.quote
            if quote in name or "\\" in name:
                continue
            yield Fix(
                (diagnostic,),
                (target.replace(node, f"{node.prefix}{quote}{name}{quote}"),),
                f"renamed the logger {diagnostic.symbol!r} to {name!r}",
            )
