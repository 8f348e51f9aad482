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
        enabled={rule.code},
    )
    path = case.module.replace(".", "/") + ".py"
    found = sorted((d.line, d.column) for d in diagnostics if d.path == path)
    assert found == sorted(case.expected), [d.message for d in diagnostics]
    assert all(d.code == rule.code for d in diagnostics)


TREE_CASES = [
    pytest.param(rule, case, id=f"{rule.code}-tree-{'invalid' if case.expected else 'valid'}-{i}")
    for rule in BUILTIN_RULES
    for i, case in enumerate(rule.tree_cases)
]


@pytest.mark.parametrize(("rule", "case"), TREE_CASES)
def test_tree_case(rule: type[Rule[object]], case: TreeCase, tmp_path: Path) -> None:
    for name, text in case.contents().items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if text:
            compile(text, name, "exec")  # a case that does not parse proves nothing
    result = check(CheckOptions(paths=(tmp_path,), preset=case.preset, select=(rule.code,), use_cache=False))
    assert all(d.code == rule.code for d in result.diagnostics)
    placed = [e for e in case.expected if not isinstance(e, str)]
    if placed:
        # Places with a line and column are exact.
        assert len(placed) == len(case.expected), "a case mixes places and paths"
        found = sorted((d.path, d.line, d.column) for d in result.diagnostics)
        assert found == sorted(placed), [d.message for d in result.diagnostics]
        return
    # A path alone is a file or folder finding, pinned to the folder's first module on line
    # 1: map it back to the folder.
    paths = [e for e in case.expected if isinstance(e, str)]
    flagged = sorted(
        next((e for e in paths if d.path == e or d.path.startswith(e + "/")), d.path)
        for d in result.diagnostics
    )
    assert flagged == sorted(paths), [d.message for d in result.diagnostics]
    assert all(d.line == 1 for d in result.diagnostics)
