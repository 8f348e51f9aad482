"""Positions do not depend on libcst's internals: when its code generation hooks are missing or
behave differently, archlint takes the offsets from the public PositionProvider, and every
position it reports stays the same."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from archlint.core import Diagnostic
from archlint.engine import CheckOptions, check
from archlint.engine import positions as positions_module
from archlint.engine.positions import Positions, node_offsets, provider_offsets

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
VIOLATING = sorted(p.parent for p in FIXTURES.glob("**/violating/pyproject.toml"))


@pytest.fixture
def fresh_probe() -> Iterator[None]:
    """Each test decides afresh whether the internals may be used, and leaves no verdict."""
    positions_module.codegen_agrees.cache_clear()
    yield
    positions_module.codegen_agrees.cache_clear()


@pytest.fixture
def without_internals(monkeypatch: pytest.MonkeyPatch, fresh_probe: None) -> None:
    """As if libcst no longer had ``CodegenState`` where archlint looks for it."""
    monkeypatch.setattr(positions_module, "_OffsetState", None)


def run(project: Path) -> list[Diagnostic]:
    result = check(CheckOptions(paths=(project,), use_cache=False, jobs=1))
    return list(result.diagnostics)


def modules() -> Iterator[tuple[Path, str, cst.Module]]:
    """The modules of the presets' violating fixtures (the others hold the same constructs)."""
    for path in sorted(FIXTURES.glob("*/violating/**/*.py")):
        source = path.read_text(encoding="utf-8")
        try:
            yield path, source, cst.parse_module(source)
        except cst.ParserSyntaxError:
            continue


def test_the_internals_are_used_when_they_agree_with_the_provider(fresh_probe: None) -> None:
    assert positions_module.codegen_agrees()


def test_missing_internals_fall_back_to_the_provider(without_internals: None) -> None:
    assert not positions_module.codegen_agrees()
    tree = cst.parse_module("x = f(a)\n")
    assert node_offsets(tree) == provider_offsets(tree)


def test_internals_that_disagree_are_not_used(monkeypatch: pytest.MonkeyPatch, fresh_probe: None) -> None:
    state = positions_module._OffsetState
    assert state is not None
    original = state.after_codegen

    def off_by_one(self: positions_module._OffsetState, node: cst.CSTNode) -> None:
        original(self, node)
        start, end = self.spans[node]
        self.spans[node] = (start, end + 1)

    monkeypatch.setattr(state, "after_codegen", off_by_one)
    assert not positions_module.codegen_agrees()
    tree = cst.parse_module("if a:\n    b = (c)\n")
    assert node_offsets(tree) == provider_offsets(tree)


def test_fallback_offsets_equal_the_providers_for_every_node(without_internals: None) -> None:
    checked = 0
    for path, source, tree in modules():
        exact = MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)
        offsets = node_offsets(tree)
        positions = Positions(tree, source)
        for node, span in exact.items():
            start, end = offsets[node]
            assert (positions._point(start), positions._point(end)) == (
                (span.start.line, span.start.column),
                (span.end.line, span.end.column),
            ), (path, type(node).__name__)
            checked += 1
    assert checked > 10_000


def test_findings_are_the_same_without_the_internals(
    monkeypatch: pytest.MonkeyPatch, fresh_probe: None
) -> None:
    assert len(VIOLATING) >= 4
    expected = {project: run(project) for project in VIOLATING}
    calls: list[int] = []
    provider = positions_module.provider_offsets

    def counted(module: cst.Module) -> positions_module.Offsets:
        calls.append(1)
        return provider(module)

    monkeypatch.setattr(positions_module, "provider_offsets", counted)
    monkeypatch.setattr(positions_module, "_OffsetState", None)
    positions_module.codegen_agrees.cache_clear()
    for project, diagnostics in expected.items():
        assert run(project) == diagnostics, project
    assert not positions_module.codegen_agrees()
    assert len(calls) > 3, "no finding needed offsets: the fallback was not exercised"
    assert all(d.line and d.column for found in expected.values() for d in found)
