"""A tree case proves nothing about code that does not parse: every Python source in one does."""

from __future__ import annotations

import ast

import pytest

from archlint.rules import BUILTIN_RULES

SOURCES = [
    pytest.param(path, text, id=f"{rule.code}-{i}-{path}")
    for rule in BUILTIN_RULES
    for i, case in enumerate(rule.tree_cases)
    for path, text in case.sources.items()
    if path.endswith(".py")
]


@pytest.mark.parametrize(("path", "text"), SOURCES)
def test_every_python_source_of_a_tree_case_parses(path: str, text: str) -> None:
    ast.parse(text, filename=path)
