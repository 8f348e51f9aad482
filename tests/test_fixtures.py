"""Every fixture backend yields exactly the findings marked in it, and clean ones yield none."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from archlint.engine import CheckOptions, check

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MARKER = re.compile(r"#\s*expect:\s*([A-Z]{3}\d{3}(?:\s*,\s*[A-Z]{3}\d{3})*)")

Expectation = tuple[str, str, int | None]


def variants() -> list[Path]:
    """Every fixture backend: ``<preset>/<variant>/`` and ``shapes/<shape>/<variant>/``."""
    found = [*FIXTURES.glob("*/*/pyproject.toml"), *FIXTURES.glob("shapes/*/*/pyproject.toml")]
    return sorted(p.parent for p in found)


def expected_findings(project: Path) -> set[Expectation]:
    expected: set[Expectation] = set()
    for path in sorted(project.rglob("*.py")):
        rel = path.relative_to(project).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            match = MARKER.search(line)
            if match:
                for code in match.group(1).split(","):
                    expected.add((code.strip(), rel, number))
    listed = project / "expected.toml"
    if listed.exists():
        for entry in tomllib.loads(listed.read_text()).get("expect", []):
            expected.add((entry["code"], entry["path"], entry.get("line")))
    return expected


def _id(project: Path) -> str:
    return project.relative_to(FIXTURES).as_posix()


@pytest.mark.parametrize("project", variants(), ids=_id)
def test_fixture_findings_match_expectations(project: Path) -> None:
    result = check(CheckOptions(paths=(project,), use_cache=False))
    found = {(d.code, d.path, d.line) for d in result.diagnostics}
    expected = expected_findings(project)
    assert sorted(found - expected, key=str) == [], "unexpected findings"
    assert sorted(expected - found, key=str) == [], "missed findings"
    if project.name == "clean":
        assert not expected


def test_every_preset_has_clean_and_violating_fixtures() -> None:
    presets = {"layered-v1", "best-practices", "modular-monolith", "domain-routers"}
    for preset in presets:
        names = {p.name for p in (FIXTURES / preset).iterdir() if p.is_dir()}
        assert "clean" in names
        assert len(names - {"clean"}) >= 1, f"{preset} has no violating variant"
