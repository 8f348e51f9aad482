"""Which names a statement or expression binds in its scope, so a local ``select`` shadows the import.

Python decides a name's scope for the whole function, but code that works never reads a local
before binding it, so binding names as the walk meets them gives the same answer without a
second pass over every function body.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libcst as cst
else:
    from archlint.core.lazy import libcst as cst


def target_names(target: cst.BaseExpression) -> Iterator[str]:
    """``a``, ``b`` and ``c`` for the target ``a, (b, *c)``; nothing for ``x.y`` or ``x[0]``."""
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, cst.Tuple | cst.List):
        for element in target.elements:
            yield from target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from target_names(target.value)


def bound_names(node: cst.CSTNode) -> Iterator[str]:
    """The names ``node`` binds in the scope it sits in (assignments, loop and ``with``
    targets, ``except ... as``, walrus, nested ``def``/``class``, ``match`` captures)."""
    if isinstance(node, cst.Assign):
        for target in node.targets:
            yield from target_names(target.target)
    elif isinstance(node, cst.AnnAssign | cst.AugAssign | cst.NamedExpr | cst.For | cst.CompFor):
        yield from target_names(node.target)
    elif isinstance(node, cst.WithItem | cst.ExceptHandler | cst.ExceptStarHandler):
        alias = node.asname if isinstance(node, cst.WithItem) else node.name
        if alias is not None and isinstance(alias.name, cst.BaseExpression):
            yield from target_names(alias.name)
    elif isinstance(node, cst.FunctionDef | cst.ClassDef):
        yield node.name.value
    elif isinstance(node, cst.MatchAs | cst.MatchStar):
        if node.name is not None:
            yield node.name.value
    elif isinstance(node, cst.MatchMapping) and node.rest is not None:
        yield node.rest.value


def comprehension_names(node: cst.BaseComp | cst.DictComp) -> set[str]:
    """The loop variables of a comprehension: local to it, they shadow the enclosing scope."""
    names: set[str] = set()
    comp: cst.CompFor | None = node.for_in
    while comp is not None:
        names.update(target_names(comp.target))
        comp = comp.inner_for_in
    return names


def lambda_names(node: cst.Lambda) -> set[str]:
    params = node.params
    found = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            found.add(star.name.value)
    return found


@functools.cache
def binding_types() -> frozenset[type]:
    """The node types that bind a name in their function's scope (exact types: checked per
    node). Built on first use: naming libcst classes at import time would load libcst."""
    return frozenset(
        {
            cst.Assign,
            cst.AnnAssign,
            cst.AugAssign,
            cst.NamedExpr,
            cst.For,
            cst.WithItem,
            cst.ExceptHandler,
            cst.ExceptStarHandler,
            cst.ClassDef,
            cst.MatchAs,
            cst.MatchStar,
            cst.MatchMapping,
        }
    )


@functools.cache
def scope_types() -> frozenset[type]:
    """Expressions that open a scope of their own: comprehensions and lambdas."""
    return frozenset({cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.Lambda})


def scope_names(node: cst.CSTNode) -> set[str]:
    """The names local to a comprehension or lambda."""
    if isinstance(node, cst.Lambda):
        return lambda_names(node)
    if isinstance(node, cst.ListComp | cst.SetComp | cst.DictComp | cst.GeneratorExp):
        return comprehension_names(node)
    return set()
