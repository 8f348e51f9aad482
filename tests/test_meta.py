"""The rule catalogue keeps its promises: unique codes, full docs, enough cases, clean layers."""

from __future__ import annotations

import re

import pytest

from archlint.core import DOC_SECTIONS, Case, TreeCase
from archlint.rules import BUILTIN_RULES, FileRule, ProjectRule, Rule

RULE_IDS = [rule.code for rule in BUILTIN_RULES]


def test_codes_are_unique_sorted_and_well_formed() -> None:
    assert len(set(RULE_IDS)) == len(RULE_IDS)
    assert sorted(RULE_IDS) == RULE_IDS
    for rule in BUILTIN_RULES:
        assert re.fullmatch(r"[A-Z]{3}\d{3}", rule.code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    names = [rule.name for rule in BUILTIN_RULES]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("rule", BUILTIN_RULES, ids=RULE_IDS)
def test_doc_has_every_section_in_order(rule: type[Rule[object]]) -> None:
    doc = rule.doc()
    headings = re.findall(r"^## (.+)$", doc, flags=re.MULTILINE)
    assert tuple(headings) == DOC_SECTIONS
    for section in re.split(r"^## .+$", doc, flags=re.MULTILINE)[1:]:
        assert section.strip(), f"{rule.code} has an empty section"
    example = doc.split("## Example", 1)[1].split("## Options", 1)[0]
    assert example.count("```") >= 2, f"{rule.code} example has no code block"


@pytest.mark.parametrize("rule", BUILTIN_RULES, ids=RULE_IDS)
def test_every_rule_has_three_invalid_and_three_valid_cases(rule: type[Rule[object]]) -> None:
    cases: list[Case | TreeCase] = [*rule.cases, *rule.tree_cases]
    assert sum(1 for c in cases if c.expected) >= 3, f"{rule.code}: fewer than 3 invalid cases"
    assert sum(1 for c in cases if not c.expected) >= 3, f"{rule.code}: fewer than 3 valid cases"


@pytest.mark.parametrize("rule", BUILTIN_RULES, ids=RULE_IDS)
def test_rule_kind_is_consistent(rule: type[Rule[object]]) -> None:
    if issubclass(rule, FileRule):
        assert rule.roles, f"{rule.code} is a file rule for no role"
        assert rule.cases
    elif issubclass(rule, ProjectRule):
        assert rule.tree_cases
    else:  # reported by the engine itself: unparsable files, the suppression comments
        assert rule.code in ("SYN001", "SUP001", "SUP002")
        assert rule.cases
    assert rule.summary and not rule.summary.endswith(".")


@pytest.mark.parametrize("rule", BUILTIN_RULES, ids=RULE_IDS)
def test_the_fix_section_says_whether_archlint_fixes_it(rule: type[Rule[object]]) -> None:
    fix_section = rule.doc().split("## Fix", 1)[1]
    assert ("Autofixable" in fix_section) is rule.fixable, f"{rule.code}: Fix section and `fixable` disagree"
    if rule.fixable:
        assert "fix" in vars(rule), f"{rule.code} is fixable but has no fixer"
