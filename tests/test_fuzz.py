"""archlint never crashes on what it is given: any text is findings or SYN001, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archlint.core import Role
from archlint.engine import check_sources

# Generated programs are valid syntax, not sensible code: CPython warns about them.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

# CI runs a bounded number of examples; `HYPOTHESIS_PROFILE=long` runs many more locally.
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("long", max_examples=5_000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

FIXTURE_FILES = sorted((Path(__file__).resolve().parent.parent / "fixtures").rglob("*.py"))

FRAGMENTS = [
    "from sqlalchemy import select as s\n",
    "import sqlalchemy as sa\n",
    "from fastapi import APIRouter, HTTPException\n",
    "router = APIRouter()\n",
    "@router.get('/')\n",
    "async def handler(session: AsyncSession, x: int = 0):\n",
    "def helper(db):\n",
    "class Repo:\n",
    "    def __init__(self, s: 'AsyncSession'):\n",
    "        self._s = s\n",
    "    if x:\n",
    "        raise HTTPException(404)\n",
    "    return [i for i in range(3) if i]\n",
    "    await session.commit()\n",
    "    sa.select(1)\n",
    "    return s(1) if x else None\n",
    "    match x:\n        case 1:\n            pass\n",
    "    async with session.begin():\n        pass\n",
    "    # archlint: ignore[RTR001]\n",
    "        pass\n",
    "x = (\n",
    "'''\n",
    "\t",
    "\x00",
    "\u00e9 = 1\n",
]
ROLES = [Role.ROUTER, Role.SERVICE, Role.REPOSITORY, Role.DEPENDENCIES, None]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(st.sampled_from(FRAGMENTS), max_size=12),
    noise=st.text(max_size=40),
    role=st.sampled_from(ROLES),
)
def test_any_module_yields_findings_or_syn001(parts: list[str], noise: str, role: Role | None) -> None:
    source = "".join(parts) + noise
    diagnostics = check_sources({"v1.orders.module": source}, {"v1.orders.module": role})
    for d in diagnostics:
        assert d.line is None or d.line >= 1
        assert d.column is None or d.column >= 1
    if any(d.code == "SYN001" for d in diagnostics):
        assert [d.code for d in diagnostics] == ["SYN001"]


@settings(deadline=None)
@given(data=st.binary(max_size=200))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    from archlint.core import ModuleInfo
    from archlint.engine.analyze import analyze_file
    from archlint.engine.settings import FileSettings
    from archlint.rules import BUILTIN_RULES, FileRule

    rules = tuple(r for r in BUILTIN_RULES if issubclass(r, FileRule))
    options = {r.code: r.options_type() for r in rules}
    info = ModuleInfo(path="m.py", module="m", names=("m",), role=Role.ROUTER)
    result = analyze_file(data, info, FileSettings(rules, options, ("session",)))
    assert all(f.diagnostic.path == "m.py" for f in result.findings)


def _analyze(source: bytes, role: Role | None = Role.ROUTER) -> None:
    from archlint.core import ModuleInfo
    from archlint.engine.analyze import analyze_file
    from archlint.engine.settings import FileSettings
    from archlint.rules import BUILTIN_RULES, FileRule

    rules = tuple(r for r in BUILTIN_RULES if issubclass(r, FileRule) and (role is None or role in r.roles))
    options = {r.code: r.options_type() for r in rules}
    info = ModuleInfo(path="m.py", module="m", names=("m",), role=role)
    result = analyze_file(source, info, FileSettings(rules, options, ("session", "db")))
    for finding in result.findings:
        d = finding.diagnostic
        assert d.path == "m.py" and (d.line or 1) >= 1 and (d.column or 1) >= 1


@given(
    index=st.integers(min_value=0, max_value=max(len(FIXTURE_FILES) - 1, 0)),
    cuts=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 40), st.binary(max_size=8)), max_size=6),
    role=st.sampled_from(ROLES),
)
def test_mutated_fixture_files_never_crash(
    index: int, cuts: list[tuple[int, int, bytes]], role: Role | None
) -> None:
    source = bytearray(FIXTURE_FILES[index].read_bytes())
    for at, length, insert in cuts:
        at %= max(len(source), 1)
        source[at : at + length] = insert
    _analyze(bytes(source), role)


@pytest.mark.parametrize("depth", [10, 250, 400, 1_300, 5_000])
@pytest.mark.parametrize("shape", ["({0}1{1})", "[{0}1{1}]", "f{0}1{1}", "{{'a': {0}1{1}}}"])
def test_deeply_nested_inputs_never_crash(depth: int, shape: str) -> None:
    opener, closer = {"(": ("(", ")"), "[": ("[", "]"), "f": ("f(", ")"), "{": ("{'a': ", "}")}[shape[0]]
    _analyze(f"x = {opener * depth}1{closer * depth}\n".encode())


@pytest.mark.parametrize("operands", [100, 1_900, 8_000])
def test_long_chains_never_crash(operands: int) -> None:
    _analyze(("y = 0" + " + a" * operands + "\n").encode())
    _analyze(("y = (0" + "\n + a" * operands + ")\n").encode())


hypothesmith = pytest.importorskip("hypothesmith")


@settings(deadline=None)
@given(source=hypothesmith.from_grammar(), role=st.sampled_from(ROLES))
def test_generated_programs_never_crash(source: str, role: Role | None) -> None:
    _analyze(source.encode(), role)
