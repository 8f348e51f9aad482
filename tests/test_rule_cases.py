"""Every rule's inline cases: invalid ones are flagged at exactly their (line, column), valid ones not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archlint.core import Case, Role, TreeCase, valid
from archlint.engine import CheckOptions, check, check_sources
from archlint.rules import BUILTIN_RULES, Rule

CASES = [
    pytest.param(rule, case, id=f"{rule.code}-{'invalid' if case.expected else 'valid'}-{i}")
    for rule in BUILTIN_RULES
    for i, case in enumerate(rule.cases)
]


def run_case(rule: type[Rule[Any]], case: Case) -> None:
    """Lint the case's modules with the rule alone and compare with what the case expects.

    Every module of a case must parse (SYN001 runs alongside), or a valid case could pass
    by being unreadable; only SYN001's own cases are meant not to parse."""
    sources = {**case.others, case.module: case.code}
    diagnostics = check_sources(
        sources,
        {**case.roles, case.module: case.role},
        rule_options={rule.code: dict(case.options)} if case.options else None,
        enabled={rule.code, "SYN001", *case.also},
    )
    if rule.code != "SYN001":
        unparsable = [f"{d.path}:{d.line}: {d.message}" for d in diagnostics if d.code == "SYN001"]
        assert not unparsable, f"the case does not parse: {unparsable}"
    path = case.module.replace(".", "/") + ".py"
    found = sorted((d.line, d.column) for d in diagnostics if d.path == path and d.code == rule.code)
    assert found == sorted(case.expected), [d.message for d in diagnostics]
    assert all(d.code in (rule.code, "SYN001", *case.also) for d in diagnostics)


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_inline_case(rule: type[Rule[object]], case: Case) -> None:
    run_case(rule, case)


@pytest.mark.parametrize("broken", ["def get(:\n    pass\n", "x = (\n"])
def test_a_valid_case_that_does_not_parse_fails(broken: str) -> None:
    from archlint.rules.router import QueryInRouter

    with pytest.raises(AssertionError, match="does not parse"):
        run_case(QueryInRouter, valid(broken, role=Role.ROUTER))
    with pytest.raises(AssertionError, match="does not parse"):
        run_case(QueryInRouter, valid("x = 1\n", role=Role.ROUTER, others={"v1.helpers": broken}))


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
