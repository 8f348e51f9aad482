"""What a database session is: the one place that says which types, names and annotations
make a receiver session-like. The summary (module level) and the file context (parameters,
locals, attributes) both ask ``annotation_state`` here."""

from __future__ import annotations

import ast
from collections.abc import Callable, Container, Sequence

SESSION_TYPES = frozenset(
    {
        "sqlalchemy.orm.Session",
        "sqlalchemy.orm.session.Session",
        "sqlalchemy.orm.scoped_session",
        "sqlalchemy.orm.scoping.scoped_session",
        "sqlalchemy.ext.asyncio.AsyncSession",
        "sqlalchemy.ext.asyncio.session.AsyncSession",
        "sqlalchemy.ext.asyncio.async_scoped_session",
        "sqlalchemy.ext.asyncio.AsyncConnection",
        "sqlalchemy.ext.asyncio.engine.AsyncConnection",
        "sqlalchemy.engine.Connection",
        "sqlalchemy.engine.base.Connection",
        "sqlalchemy.Connection",
        "sqlmodel.Session",
        "sqlmodel.orm.session.Session",
        "sqlmodel.ext.asyncio.session.AsyncSession",
        "databases.Database",
    }
)

DEFAULT_SESSION_NAMES = (
    "session",
    "db",
    "db_session",
    "async_session",
    "sess",
    "conn",
    "connection",
    "database",
)

# Libraries whose objects are often called ``session``/``db``/``conn`` but are no database
# session: a name bound from one of their calls is never session-like.
NON_DATABASE_ROOTS = frozenset(
    {
        "aiohttp",
        "requests",
        "httpx",
        "urllib3",
        "boto3",
        "aioboto3",
        "botocore",
        "redis",
        "aioredis",
        "aiosmtplib",
        "smtplib",
        "ftplib",
        "paramiko",
        "websockets",
        "grpc",
        "elasticsearch",
        "opensearchpy",
        "stripe",
    }
)

SESSION_CLASS_NAMES = frozenset({"Session", "AsyncSession", "AsyncConnection"})
ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
UNION = frozenset({"typing.Union", "typing_extensions.Union"})
_NEVER_PROJECT = ("typing", "typing_extensions", "builtins", "sqlalchemy")

# True: a session type. False: not one. A qualified name: a name from another module of the
# project, which only the project phase can settle.
State = bool | str
Qualname = Callable[[ast.expr], "str | None"]


def annotation_state(node: ast.expr, qualname: Qualname, aliases: Container[str]) -> State:
    """Whether an annotation names a session type. ``qualname`` resolves a name or attribute
    chain in the scope of the annotation; ``aliases`` are the module's session aliases."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            inner = ast.parse(node.value.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError):
            return False
        return annotation_state(inner, qualname, aliases)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _any([node.left, node.right], qualname, aliases)
    if isinstance(node, ast.Subscript):
        base = qualname(node.value)
        elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if not elements:
            return False
        if base in ANNOTATED or base in OPTIONAL:
            return annotation_state(elements[0], qualname, aliases)
        return _any(elements, qualname, aliases) if base in UNION else False
    if isinstance(node, ast.Name) and node.id in aliases:
        return True
    name = qualname(node)
    if name is None:
        # Unbound (star import, or a snippet): trust the well-known class names.
        return isinstance(node, ast.Name) and node.id in SESSION_CLASS_NAMES
    if name in SESSION_TYPES:
        return True
    if name.split(".")[0] in _NEVER_PROJECT:
        return False
    return name


def _any(nodes: Sequence[ast.expr], qualname: Qualname, aliases: Container[str]) -> State:
    states = [annotation_state(n, qualname, aliases) for n in nodes]
    if True in states:
        return True
    return next((s for s in states if isinstance(s, str)), False)


def parse_annotation(code: str) -> ast.expr | None:
    """The stdlib tree of an annotation's source (from libcst), or None if it is not one."""
    try:
        return ast.parse(f"(\n{code}\n)", mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def call_state(func: str | None) -> bool | None:
    """What binding a name to a call of ``func`` (a qualified name) says: a known session class
    makes a session, a known non-database client makes none; None when it says nothing."""
    if func is None:
        return None
    if func in SESSION_TYPES:
        return True
    return False if func.split(".")[0] in NON_DATABASE_ROOTS else None
