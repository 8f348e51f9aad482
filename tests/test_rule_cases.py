"""Every rule's inline cases: invalid ones are flagged at exactly their (line, column), valid ones not."""

from __future__ import annotations

from pathlib import Path

import pytest

from archlint.core import Case, TreeCase
from archlint.engine import CheckOptions, check, check_sources
from archlint.rules import BUILTIN_RULES, Rule

CASES = [
    pytest.param(rule, case, id=f"{rule.code}-{'invalid' if case.expected else 'valid'}-{i}")
    for rule in BUILTIN_RULES
    for i, case in enumerate(rule.cases)
]


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_inline_case(rule: type[Rule[object]], case: Case) -> None:
    sources = {**case.others, case.module: case.code}
    diagnostics = check_sources(
        sources,
        {case.module: case.role},
        rule_options={rule.code: dict(case.options)} if case.options else None,
        enabled={rule.code, *case.also},
    )
    path = case.module.replace(".", "/") + ".py"
    found = sorted((d.line, d.column) for d in diagnostics if d.path == path and d.code == rule.code)
    assert found == sorted(case.expected), [d.message for d in diagnostics]
    assert all(d.code in (rule.code, *case.also) for d in diagnostics)


TREE_CASES = [
    pytest.param(rule, case, id=f"{rule.code}-tree-{'invalid' if case.expected else 'valid'}-{i}")
    for rule in BUILTIN_RULES
    for i, case in enumerate(rule.tree_cases)
]


@pytest.mark.parametrize(("rule", "case"), TREE_CASES)
def test_tree_case(rule: type[Rule[object]], case: TreeCase, tmp_path: Path) -> None:
    for name in case.files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(case.sources.get(name, ""))
    result = check(CheckOptions(paths=(tmp_path,), preset=case.preset, select=(rule.code,)))
    if case.sources:
        found = sorted((d.path, d.line, d.column) for d in result.diagnostics)
        assert found == sorted(case.at), [d.message for d in result.diagnostics]
        assert all(d.code == rule.code for d in result.diagnostics)
        return
    # A folder finding is pinned to the folder's first module: map it back to the folder.
    flagged = sorted(
        next((e for e in case.expected if d.path == e or d.path.startswith(e + "/")), d.path)
        for d in result.diagnostics
    )
    assert flagged == sorted(case.expected)
    assert all(d.line == 1 and d.code == rule.code for d in result.diagnostics)
