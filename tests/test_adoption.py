"""Adopting archlint on an old codebase: a baseline, warnings, per-file ignores."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archlint.cli import app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
runner = CliRunner()
CRUD = "backend/app/crud.py"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The full-stack-template shape with its violations (8 findings; REP001 and IMP001 in crud.py)."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "shapes" / "template" / "violating", root)
    return root


def run(project: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    report = project.parent / "report.json"
    result = runner.invoke(app, ["check", str(project), "--no-cache", "--format", f"json:{report}", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(report.read_text())["diagnostics"]


def entries(baseline: Path) -> list[dict[str, object]]:
    document = json.loads(baseline.read_text())
    assert document["version"] == 1
    return list(document["entries"])


def test_a_baseline_accepts_todays_findings_and_only_new_ones_fail(project: Path) -> None:
    baseline = project / ".archlint-baseline.json"
    code, found = run(project, "--baseline", str(baseline), "--update-baseline")
    assert code == 0 and len(found) == 0
    assert sum(int(str(e["count"])) for e in entries(baseline)) == 8

    assert run(project, "--baseline", str(baseline)) == (0, [])

    crud = project / CRUD
    crud.write_text("# a comment\n# and another, above every finding\n" + crud.read_text())
    assert run(project, "--baseline", str(baseline)) == (0, [])  # lines moved: still accepted

    crud.write_text(
        crud.read_text() + "\n\ndef purge(*, session: Session) -> None:\n    session.rollback()\n"
    )
    code, found = run(project, "--baseline", str(baseline))
    assert code == 1
    assert [(d["code"], d["project_path"], d["line"]) for d in found] == [("REP001", CRUD, 128)]


def test_update_baseline_drops_exactly_the_fixed_entry(project: Path) -> None:
    baseline = project / "baseline.json"
    run(project, "--baseline", str(baseline), "--update-baseline")
    before = entries(baseline)
    crud = project / CRUD
    crud.write_text(crud.read_text().replace("session.commit()  # expect: REP001", "session.flush()"))

    result = runner.invoke(app, ["check", str(project), "--no-cache", "--baseline", str(baseline)])
    assert result.exit_code == 0
    assert "1 baseline entry is fixed" in result.stdout and "backend/app/crud.py: REP001" in result.stdout

    run(project, "--baseline", str(baseline), "--update-baseline")
    after = entries(baseline)
    assert [e for e in before if e not in after] == [e for e in before if e["code"] == "REP001"]
    assert all(e in before for e in after)


def test_a_second_identical_violation_in_one_function_is_new(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "app/orders").mkdir(parents=True)
    (root / "app/users").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    body = "async def save(db, row):\n    db.add(row)\n    await db.commit()\n"
    for domain in ("orders", "users"):
        (root / f"app/{domain}/router.py").write_text("")
        (root / f"app/{domain}/repository.py").write_text(body)
    baseline = root / "baseline.json"
    run(root, "--baseline", str(baseline), "--update-baseline")
    orders = root / "app/orders/repository.py"
    orders.write_text(body + "    await db.commit()\n")
    code, found = run(root, "--baseline", str(baseline))
    assert code == 1
    assert [(d["code"], d["project_path"]) for d in found] == [("REP001", "app/orders/repository.py")]


def test_baseline_path_from_config_and_a_broken_baseline_is_a_clear_error(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.archlint]\nbaseline = "archlint-baseline.json"\n')
    assert run(project, "--update-baseline")[0] == 0
    assert (project / "archlint-baseline.json").is_file()
    assert run(project) == (0, [])
    (project / "archlint-baseline.json").write_text("{not json")
    result = runner.invoke(app, ["check", str(project), "--no-cache"])
    assert result.exit_code == 2
    assert "not an archlint baseline" in result.output


def test_warnings_are_reported_but_only_fail_with_strict(project: Path) -> None:
    code, found = run(project, "--warn", "RTR,REP,IMP")
    assert code == 0 and found and {d["severity"] for d in found} == {"warning"}
    strict = runner.invoke(app, ["check", str(project), "--no-cache", "--warn", "RTR,REP,IMP", "--strict"])
    assert strict.exit_code == 1
    sarif = project.parent / "out.sarif"
    runner.invoke(
        app, ["check", str(project), "--no-cache", "--warn", "RTR003", "--format", f"sarif:{sarif}"]
    )
    levels = {(r["ruleId"], r["level"]) for r in json.loads(sarif.read_text())["runs"][0]["results"]}
    assert levels == {
        ("RTR001", "error"),
        ("RTR002", "error"),
        ("RTR003", "warning"),
        ("REP001", "error"),
        ("IMP001", "error"),
    }


def test_warn_from_config_names_unknown_codes(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.archlint]\nwarn = ["RTR999"]\n')
    result = runner.invoke(app, ["check", str(project)])
    assert result.exit_code == 2
    assert "tool.archlint.warn" in result.output and "RTR999" in result.output


def test_per_file_ignores(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        + "\n[tool.archlint.per-file-ignores]\n"
        + '"backend/app/api/routes/**" = ["RTR"]\n"crud.py" = ["REP001", "IMP001"]\n'
    )
    assert run(project) == (0, [])
    pyproject.write_text(
        pyproject.read_text().replace('"crud.py" = ["REP001", "IMP001"]', '"crud.py" = ["REP9"]')
    )
    result = runner.invoke(app, ["check", str(project)])
    assert result.exit_code == 2
    assert 'per-file-ignores."crud.py"' in result.output


def test_statistics_count_per_code_domain_and_layer() -> None:
    drift = FIXTURES / "modular-monolith" / "layout-drift"
    result = runner.invoke(app, ["check", str(drift), "--no-cache", "--statistics", "--format", "json"])
    assert result.exit_code == 1
    stats = json.loads(result.stdout)
    assert [(row["code"], row["count"]) for row in stats["by_code"]] == [
        ("LAY001", 1),
        ("LAY002", 1),
        ("LAY003", 1),
        ("SYN001", 1),
    ]
    assert stats["by_domain"] == {"app/invoices": 2, "(outside any domain)": 1, "app/reports": 1}
    assert stats["by_layer"] == {"(folder)": 3, "constants": 1}
    assert (stats["findings"], stats["files"], stats["folders"]) == (4, 1, 3)
    text = runner.invoke(app, ["check", str(drift), "--no-cache"], env={"NO_COLOR": "1"})
    assert "Found 4 findings in 1 file and 3 folders" in text.stdout


def test_quiet_prints_only_the_findings(project: Path) -> None:
    loud = runner.invoke(app, ["check", str(project), "--no-cache"], env={"NO_COLOR": "1"})
    quiet = runner.invoke(app, ["check", str(project), "--no-cache", "-q"], env={"NO_COLOR": "1"})
    assert "Found 8 findings" in loud.stdout and "Found" not in quiet.stdout
    assert quiet.stdout == loud.stdout[: len(quiet.stdout)]  # the same findings, no summary


def test_progress_hears_every_analysed_file(project: Path) -> None:
    from archlint.engine import CheckOptions, check

    heard: list[tuple[int, int]] = []
    check(CheckOptions(paths=(project,), use_cache=False, jobs=1, progress=lambda d, t: heard.append((d, t))))
    assert heard and heard[-1][0] == heard[-1][1] and [d for d, _ in heard] == list(range(1, len(heard) + 1))
