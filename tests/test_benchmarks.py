"""The realistic benchmark's generator: deterministic, real-sized modules that parse, and
archlint reports exactly the violations it plants (codes, files and lines; never timings)."""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

import pytest

from archlint.engine import CheckOptions, check

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import gen


def test_the_same_arguments_give_the_same_tree_and_a_bigger_tree_extends_a_smaller_one() -> None:
    first, again = gen.build("layered-v1", 6), gen.build("layered-v1", 6)
    assert first == again
    bigger = gen.build("layered-v1", 9)
    domain_files = {
        p: t for p, t in first.files.items() if p.startswith("backend/src/v1/") and p.count("/") == 4
    }
    assert domain_files and all(bigger.files[p] == t for p, t in domain_files.items())
    assert gen.build("layered-v1", 6, seed=1).files != first.files


@pytest.mark.parametrize("preset", gen.PRESETS)
def test_layer_modules_are_real_sized_and_every_file_parses(preset: str) -> None:
    tree = gen.build(preset, 24)
    sizes = {path: tree.files[path].count("\n") for path in tree.layer_modules}
    assert len(sizes) >= 24 * 4
    assert {p: n for p, n in sizes.items() if not 100 <= n <= 200} == {}
    for path, text in tree.files.items():
        if path.endswith(".py"):
            ast.parse(text, filename=path)


@pytest.mark.parametrize("preset", gen.PRESETS)
def test_archlint_reports_exactly_the_planted_violations(preset: str, tmp_path: Path) -> None:
    tree = gen.generate(tmp_path, preset, 3)
    planted = Counter(tree.expected)
    # Three domains carry one of each violation the convention's defaults report.
    expected_codes = {"RTR001", "RTR002", "RTR003"}
    if preset != "best-practices":  # SQL-first services, and SVC001 is opt-in there
        expected_codes |= {"REP001", "SVC001"}
    if preset == "modular-monolith":
        expected_codes.add("RTR004")
    assert {code for code, _, _ in planted} == expected_codes
    result = check(CheckOptions(paths=(tmp_path,), use_cache=False, jobs=1))
    found = Counter((d.code, d.path, d.line) for d in result.diagnostics)
    assert found == planted
