"""One read-only traversal of a libcst tree that feeds every rule at once.

libcst's own ``visit`` rebuilds each node even for read-only visitors; walking the dataclass
fields directly costs about half as much, and rules here only read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Protocol

import libcst as cst

_WHITESPACE = (
    cst.SimpleWhitespace,
    cst.ParenthesizedWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Newline,
    cst.Comment,
)

_Callback = Callable[[cst.CSTNode], object]


class Hooks(Protocol):
    """The context object: called for every node, before rules on the way down, after on the way up."""

    def on_visit(self, node: cst.CSTNode) -> None: ...

    def on_leave(self, node: cst.CSTNode) -> None: ...


# Fields that only ever hold whitespace, comments or punctuation: no rule looks at them.
_SKIPPED_FIELDS = frozenset(
    {
        "leading_lines",
        "lines_after_decorators",
        "header",
        "footer",
        "lpar",
        "rpar",
        "comma",
        "semicolon",
        "colon",
        "equal",
        "dot",
        "whitespace",
        "newline",
    }
)

_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}
_IS_NODE: dict[type, bool] = {}


def _fields(kind: type[cst.CSTNode]) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = tuple(
            f.name
            for f in dataclasses.fields(kind)
            if f.name not in _SKIPPED_FIELDS and "whitespace" not in f.name
        )
        _FIELDS[kind] = names
    return names


def _is_node(kind: type) -> bool:
    # isinstance against libcst's abstract bases goes through ABCMeta; a per-type cache is
    # several times cheaper on trees of tens of thousands of nodes.
    known = _IS_NODE.get(kind)
    if known is None:
        known = _IS_NODE[kind] = issubclass(kind, cst.CSTNode) and not issubclass(kind, _WHITESPACE)
    return known


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    out: list[cst.CSTNode] = []
    for name in _fields(type(node)):
        value = getattr(node, name)
        kind = type(value)
        if kind is list or kind is tuple:
            out.extend(v for v in value if _is_node(type(v)))
        elif _is_node(kind):
            out.append(value)
    return out


def walk(module: cst.Module, hooks: Hooks, visitors: Sequence[object]) -> None:
    """Call ``visit_<Node>``/``leave_<Node>`` of every visitor on every node, iteratively."""
    dispatch: dict[type[cst.CSTNode], tuple[list[_Callback], list[_Callback]]] = {}

    def callbacks(kind: type[cst.CSTNode]) -> tuple[list[_Callback], list[_Callback]]:
        found = dispatch.get(kind)
        if found is None:
            name = kind.__name__
            enter = [f for v in visitors if (f := getattr(v, f"visit_{name}", None))]
            leave = [f for v in reversed(visitors) if (f := getattr(v, f"leave_{name}", None))]
            found = dispatch[kind] = (enter, leave)
        return found

    # An explicit stack: deeply nested expressions would overflow Python's recursion limit.
    stack: list[tuple[cst.CSTNode, bool]] = [(module, False)]
    while stack:
        node, leaving = stack.pop()
        enter, leave = callbacks(type(node))
        if leaving:
            for fn in leave:
                fn(node)
            hooks.on_leave(node)
            continue
        hooks.on_visit(node)
        for fn in enter:
            fn(node)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(_children(node)))
