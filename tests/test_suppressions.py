"""Suppression comments in a whole run: what they hide, and when SUP001/SUP002 judge them.

A comment is only called unused when the rule it names ran on the file: not for a rule left
out by ``--select``, ``ignore`` or per-file-ignores, and a comment that hides a finding the
baseline also holds is used.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archlint.core import ConfigError
from archlint.engine import CheckOptions, check
from archlint.engine.suppressions import parse_suppressions

ROUTER = """\
from fastapi import APIRouter

router = APIRouter()


@router.post("/")
async def close_order(order_id: int, session: AsyncSession):
    if order_id > 10:
        pass
    await session.commit()
"""
# line 8: RTR003 (col 5); line 10: RTR002 (col 11)

Found = tuple[str, str, int | None, int | None]


def project(tmp_path: Path, router: str, config: str = "", **extra: str) -> Path:
    files = {
        "pyproject.toml": f'[tool.archlint]\npreset = "layered-v1"\n{config}',
        "backend/src/v1/orders/router.py": router,
        "backend/src/v1/orders/service.py": "def create():\n    return 1\n",
        **extra,
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def found(root: Path, **options: object) -> list[Found]:
    result = check(CheckOptions(paths=(root,), use_cache=False, **options))  # type: ignore[arg-type]
    return [(d.code, d.message, d.line, d.column) for d in result.diagnostics]


def codes_at(findings: list[Found]) -> list[tuple[str, int | None, int | None]]:
    return [(code, line, column) for code, _, line, column in findings]


def with_comment(line: str, comment: str, source: str = ROUTER) -> str:
    assert line in source
    return source.replace(line, f"{line}  {comment}", 1)


# -- hiding ------------------------------------------------------------------------------------


def test_a_used_suppression_is_not_reported(tmp_path: Path) -> None:
    router = with_comment("    if order_id > 10:", "# archlint: ignore[RTR003] -- legacy")
    router = with_comment("    await session.commit()", "# archlint: ignore[RTR002]", router)
    assert found(project(tmp_path, router)) == []


def test_a_bare_ignore_hides_nothing_and_is_sup002(tmp_path: Path) -> None:
    router = with_comment("    await session.commit()", "# archlint: ignore")
    findings = found(project(tmp_path, router))
    assert codes_at(findings) == [("RTR003", 8, 5), ("RTR002", 10, 11), ("SUP002", 10, 29)]
    assert "`# archlint: ignore[RTR002]`" in findings[2][1]


def test_ignore_file_counts_only_in_the_leading_comments(tmp_path: Path) -> None:
    leading = "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\n# archlint: ignore-file[RTR003, RTR002]\n"
    assert found(project(tmp_path / "a", leading + ROUTER)) == []

    after_docstring = '"""Orders."""\n# archlint: ignore-file[RTR003]\n' + ROUTER
    findings = found(project(tmp_path / "b", after_docstring))
    assert codes_at(findings) == [("SUP002", 2, 1), ("RTR003", 10, 5), ("RTR002", 12, 11)]
    assert "misplaced" in findings[0][1]

    at_the_end = ROUTER + "# archlint: ignore-file[RTR002]\n"
    assert [c for c, *_ in found(project(tmp_path / "c", at_the_end))] == ["RTR003", "RTR002", "SUP002"]


def test_a_finding_covered_twice_uses_both_comments(tmp_path: Path) -> None:
    router = ROUTER.replace(
        "    await session.commit()\n",
        "    await (  # archlint: ignore[RTR002]\n"
        "        session.commit()  # archlint: ignore[RTR002]\n"
        "    )\n",
    )
    assert codes_at(found(project(tmp_path, router))) == [("RTR003", 8, 5)]


def test_a_folder_finding_is_hidden_by_ignore_file_in_the_module_it_is_pinned_to(tmp_path: Path) -> None:
    helpers = {"backend/src/helpers/dates.py": "def today():\n    return 1\n"}
    assert ("LAY003", None) in [(c, None) for c, *_ in found(project(tmp_path / "a", "", **helpers))]
    hidden = {
        "backend/src/helpers/__init__.py": "# archlint: ignore-file[LAY003] -- moving in Q3\n",
        **helpers,
    }
    assert found(project(tmp_path / "b", "", **hidden)) == []


# -- SUP001: unused, unknown ---------------------------------------------------------------------


def test_unused_and_unknown_codes_are_one_finding_on_the_comment(tmp_path: Path) -> None:
    router = with_comment("    await session.commit()", "# archlint: ignore[RTR002, RTR001, RTR03]")
    findings = found(project(tmp_path, router))
    assert codes_at(findings) == [("RTR003", 8, 5), ("SUP001", 10, 29)]
    message = findings[1][1]
    assert message.startswith("unused suppression: RTR001 is not reported on this line")
    assert "unknown rule code RTR03 (did you mean RTR003?)" in message
    assert "RTR002" not in message


def test_a_family_prefix_is_an_unknown_code_naming_full_codes(tmp_path: Path) -> None:
    router = with_comment("    await session.commit()", "# archlint: ignore[RTR]")
    findings = found(project(tmp_path, router))
    assert ("SUP001", 10, 29) in codes_at(findings)
    assert "unknown rule code RTR: a suppression names full codes (RTR001, RTR002, RTR003, ...)" in str(
        findings
    )


def test_an_unused_ignore_file_is_reported_at_its_comment(tmp_path: Path) -> None:
    router = "# archlint: ignore-file[RTR001] -- legacy\n" + ROUTER
    findings = found(project(tmp_path, router))
    assert codes_at(findings)[0] == ("SUP001", 1, 1)
    assert "RTR001 is not reported in this file" in findings[0][1]


def test_sup_codes_cannot_be_suppressed_inline(tmp_path: Path) -> None:
    router = with_comment("    await session.commit()", "# archlint: ignore[RTR002, SUP001, SUP002]")
    router = with_comment("    if order_id > 10:", "# archlint: ignore", router)
    findings = found(project(tmp_path, router))
    assert codes_at(findings) == [("RTR003", 8, 5), ("SUP002", 8, 24), ("SUP001", 10, 29)]
    assert "SUP001 cannot be suppressed inline" in findings[2][1]


def test_a_rule_that_did_not_run_is_not_judged(tmp_path: Path) -> None:
    router = with_comment(
        "    return_value = 1", "# archlint: ignore[RTR001]", ROUTER + "    return_value = 1\n"
    )
    router = with_comment("    await session.commit()", "# archlint: ignore[RTR003]", router)
    root = project(tmp_path, router)
    everything = [(c, line) for c, _, line, _ in found(root)]
    assert ("SUP001", 10) in everything and ("SUP001", 11) in everything
    selected = found(root, select=("RTR002", "SUP001"))
    assert codes_at(selected) == [("RTR002", 10, 11)]
    ignored = found(root, ignore=("RTR001",))
    assert [(c, line) for c, _, line, _ in ignored] == [("RTR003", 8), ("RTR002", 10), ("SUP001", 10)]


def test_per_file_ignores_switch_a_code_off_for_judging_too(tmp_path: Path) -> None:
    router = with_comment("    await session.commit()", "# archlint: ignore[RTR001]")
    config = '[tool.archlint.per-file-ignores]\n"**/router.py" = ["RTR001"]\n'
    assert [c for c, *_ in found(project(tmp_path / "a", router, config))] == ["RTR003", "RTR002"]
    config = '[tool.archlint.per-file-ignores]\n"**/router.py" = ["SUP"]\n'
    assert [c for c, *_ in found(project(tmp_path / "b", router, config))] == ["RTR003", "RTR002"]


def test_a_suppression_hiding_a_baselined_finding_is_used(tmp_path: Path) -> None:
    root = project(tmp_path, ROUTER)
    baseline = tmp_path / "baseline.json"
    check(CheckOptions(paths=(root,), baseline=baseline, update_baseline=True, use_cache=False))
    assert found(root, baseline=baseline) == []
    router = with_comment("    await session.commit()", "# archlint: ignore[RTR002] -- legacy")
    (root / "backend/src/v1/orders/router.py").write_text(router)
    assert found(root, baseline=baseline) == []


def test_sup_findings_are_limited_to_the_paths_named(tmp_path: Path) -> None:
    stale = "def create():  # archlint: ignore[SVC001]\n    return 1\n"
    root = project(tmp_path, ROUTER, **{"backend/src/v1/orders/service.py": stale})
    assert ("SUP001", 1, 16) in codes_at(found(root))
    router = root / "backend/src/v1/orders/router.py"
    assert [c for c, *_ in found(router)] == ["RTR003", "RTR002"]


# -- SUP002: reasons ---------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["require-reason", "require_reason"])
def test_require_reason(tmp_path: Path, spelling: str) -> None:
    router = with_comment("    if order_id > 10:", "# archlint: ignore[RTR003] -- legacy admin endpoint")
    router = with_comment("    await session.commit()", "# archlint: ignore[RTR002]", router)
    assert found(project(tmp_path / "off", router)) == []
    findings = found(project(tmp_path / spelling, router, f"{spelling} = true\n"))
    assert codes_at(findings) == [("SUP002", 10, 29)]
    assert "gives no reason" in findings[0][1]


def test_require_reason_must_be_a_boolean(tmp_path: Path) -> None:
    root = project(tmp_path, ROUTER, 'require-reason = "yes"\n')
    with pytest.raises(ConfigError, match=r"require-reason.*expected a boolean, got a string"):
        check(CheckOptions(paths=(root,)))


# -- reading the comments ----------------------------------------------------------------------


def test_parsing_keeps_column_placement_and_codes() -> None:
    text = (
        "# archlint: ignore-file[lay001]\n"
        '"""Doc."""\n'
        "x = 1  # noqa: E501  # archlint: ignore[RTR001 RTR002,RTR001] -- why not\n"
        "# archlint: ignore-file[RTR003]\n"
        "    # archlint:ignore\n"
    )
    first, second, third, fourth = parse_suppressions(text)
    assert (first.line, first.column, first.codes, first.file_level, first.leading) == (
        1,
        1,
        ("LAY001",),
        True,
        True,
    )
    assert (second.line, second.column, second.codes, second.reason) == (
        3,
        22,
        ("RTR001", "RTR002"),
        "why not",
    )
    assert not second.own_line
    assert (third.file_level, third.leading, third.own_line) == (True, False, True)
    assert (fourth.codes, fourth.column, fourth.own_line) == ((), 5, True)


def test_columns_of_a_file_with_tab_indentation_are_the_original_ones(tmp_path: Path) -> None:
    router = (
        "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
        '@router.post("/")\nasync def close(session: AsyncSession):\n'
        "  if True:\n"
        "\t  await session.commit()  # archlint: ignore\n"  # CPython reads this, libcst only untabbed
    )
    findings = codes_at(found(project(tmp_path, router)))
    assert findings == [("RTR003", 8, 3), ("RTR002", 9, 10), ("SUP002", 9, 28)]


def test_a_line_suppression_of_a_whole_file_finding_points_to_ignore_file(tmp_path: Path) -> None:
    helpers = {
        "backend/src/helpers/__init__.py": "# archlint: ignore[LAY003]\n",
        "backend/src/helpers/dates.py": "def today():\n    return 1\n",
    }
    findings = found(project(tmp_path, "", **helpers))
    assert codes_at(findings) == [("LAY003", 1, 1), ("SUP001", 1, 1)]
    assert "`# archlint: ignore-file[LAY003]`" in findings[1][1]
