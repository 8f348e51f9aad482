"""The CI output formats: SARIF against the official schema and a third-party reader, GitHub
annotations escaped against injection, GitLab Code Quality and JUnit against golden files."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from archlint.core import Diagnostic, RuleMeta, RunResult, Severity
from archlint.engine import CheckOptions, check
from archlint.formatters import BUILTIN, load

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
GOLDEN = REPO / "tests" / "golden" / "formatters"
SARIF_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "data" / "sarif-schema-2.1.0.json"
HOUSE = FIXTURES / "shapes" / "house-spelling" / "violating"
TEMPLATE = FIXTURES / "shapes" / "template" / "violating"


def all_fixtures() -> list[Path]:
    found = [*FIXTURES.glob("*/*/pyproject.toml"), *FIXTURES.glob("shapes/*/*/pyproject.toml")]
    return sorted(p.parent for p in found)


def _id(project: Path) -> str:
    return project.relative_to(FIXTURES).as_posix()


def run(project: Path) -> RunResult:
    return check(CheckOptions(paths=(project,), use_cache=False))


def render(name: str, result: RunResult) -> str:
    stream = io.StringIO()
    load(name).render(result, stream, color=False)
    return stream.getvalue()


def sarif(result: RunResult) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render("sarif", result))
    return document


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    return Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))


def test_every_format_is_registered_and_loads() -> None:
    for name in ("sarif", "github", "gitlab", "junit"):
        assert name in BUILTIN
        assert callable(load(name).render)


# --- SARIF -------------------------------------------------------------------------------------


def assert_valid_sarif(document: dict[str, Any], validator: Draft4Validator) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    assert document["version"] == "2.1.0"
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    (sarif_run,) = document["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(set(ids))
    for r in sarif_run["results"]:
        assert r["ruleId"] in ids
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        for location in r["locations"]:
            uri = location["physicalLocation"]["artifactLocation"]["uri"]
            assert not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri), uri
            assert not uri.startswith("/"), uri
            assert location["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    base = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")


@pytest.mark.parametrize("project", all_fixtures(), ids=_id)
def test_sarif_of_every_fixture_validates_against_the_official_schema(
    project: Path, validator: Draft4Validator
) -> None:
    result = run(project)
    document = sarif(result)
    assert_valid_sarif(document, validator)
    (sarif_run,) = document["runs"]
    assert len(sarif_run["results"]) == len(result.diagnostics) + len(result.suppressed_diagnostics)
    assert {r["id"] for r in sarif_run["tool"]["driver"]["rules"]} == set(result.rules)
    assert sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.as_uri() + "/"
    fingerprints = [r["partialFingerprints"]["archlint/v1"] for r in sarif_run["results"]]
    hidden = [s.diagnostic for s in result.suppressed_diagnostics]
    assert sorted(fingerprints) == sorted(d.fingerprint for d in [*result.diagnostics, *hidden])


def test_sarif_rules_carry_their_documentation() -> None:
    result = run(HOUSE)
    (sarif_run,) = sarif(result)["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "archlint"
    assert driver["informationUri"] == "https://pypi.org/project/archlint/"
    rule = next(r for r in driver["rules"] if r["id"] == "REP001")
    meta = result.rules["REP001"]
    assert rule["name"] == meta.name
    assert rule["shortDescription"]["text"] == meta.summary
    assert rule["fullDescription"]["text"].startswith("Flags transaction control in the data layer")
    assert "##" not in rule["fullDescription"]["text"]
    assert rule["help"]["text"] == meta.doc
    assert rule["help"]["markdown"] == meta.doc
    assert rule["defaultConfiguration"]["level"] == "error"
    assert rule["helpUri"] == "https://pypi.org/project/archlint/#rep001"
    # The first finding inside a function (import findings sit at module level, unnamed).
    index = next(i for i, d in enumerate(result.diagnostics) if d.symbol)
    first = sarif_run["results"][index]
    diagnostic = result.diagnostics[index]
    assert first["level"] == "error"
    assert first["message"]["text"] == diagnostic.message
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": diagnostic.line,
        "startColumn": diagnostic.column,
        "endLine": diagnostic.end_line,
        "endColumn": diagnostic.end_column,
    }
    assert first["locations"][0]["logicalLocations"] == [
        {"name": diagnostic.symbol, "fullyQualifiedName": diagnostic.symbol}
    ]
    assert sarif_run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_sarif_encodes_uris_fills_regions_and_reports_notifications(
    validator: Draft4Validator,
) -> None:
    result = RunResult(
        diagnostics=(
            Diagnostic(
                "ARC001",
                "odd file",
                "odd dir/50% done#1.py",
                line=4,
                column=2,
                severity=Severity.WARNING,
                symbol="Repo.save",
                fingerprint="ab" * 16,
            ),
        ),
        project_root="/tmp/a project",
        files_checked=1,
        preset="layered-v1",
        rules={"ARC001": RuleMeta("ARC001", "odd", "an odd rule", "## What it does\nIt is odd.")},
        notifications=("broken.py: cannot read the file: Permission denied",),
    )
    document = sarif(result)
    assert_valid_sarif(document, validator)
    (sarif_run,) = document["runs"]
    (found,) = sarif_run["results"]
    physical = found["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "odd%20dir/50%25%20done%231.py"
    assert physical["region"] == {"startLine": 4, "startColumn": 2, "endLine": 4, "endColumn": 2}
    assert found["level"] == "warning"
    assert found["locations"][0]["logicalLocations"] == [{"name": "save", "fullyQualifiedName": "Repo.save"}]
    assert sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///tmp/a%20project/"
    assert sarif_run["invocations"][0]["toolExecutionNotifications"] == [
        {"message": {"text": "broken.py: cannot read the file: Permission denied"}, "level": "warning"}
    ]
    assert sarif_run["tool"]["driver"]["rules"][0]["fullDescription"]["text"] == "It is odd."
    assert render("sarif", result) == render("sarif", result)
    assert render("sarif", result).endswith("}\n")


def copy_project(source: Path, tmp_path: Path) -> Path:
    project = tmp_path / source.name
    shutil.copytree(source, project)
    return project


def test_sarif_fingerprints_survive_lines_inserted_above_a_finding(tmp_path: Path) -> None:
    project = copy_project(TEMPLATE, tmp_path)
    target = "backend/app/api/routes/items.py"

    def located(document: dict[str, Any]) -> dict[str, int]:
        return {
            r["partialFingerprints"]["archlint/v1"]: r["locations"][0]["physicalLocation"]["region"][
                "startLine"
            ]
            for r in document["runs"][0]["results"]
            if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == target
        }

    before = located(sarif(run(project)))
    assert len(before) >= 2
    path = project / target
    path.write_text("# moved\n# moved\n# moved\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    after = located(sarif(run(project)))
    assert set(after) == set(before)
    assert {fingerprint: line + 3 for fingerprint, line in before.items()} == after


def test_sarif_keeps_a_suppressed_finding_with_its_justification(
    tmp_path: Path, validator: Draft4Validator
) -> None:
    project = copy_project(TEMPLATE, tmp_path)
    crud = project / "backend" / "app" / "crud.py"
    source = crud.read_text(encoding="utf-8")
    assert source.count("  # expect: REP001") == 1
    crud.write_text(
        source.replace("  # expect: REP001", "  # archlint: ignore[REP001] -- legacy"), encoding="utf-8"
    )
    result = run(project)
    assert [s.diagnostic.code for s in result.suppressed_diagnostics] == ["REP001"]
    assert "REP001" not in {d.code for d in result.diagnostics}
    document = sarif(result)
    assert_valid_sarif(document, validator)
    results = document["runs"][0]["results"]
    (hidden,) = [r for r in results if "suppressions" in r]
    assert hidden["ruleId"] == "REP001"
    assert hidden["suppressions"] == [{"kind": "inSource", "justification": "legacy"}]
    assert hidden["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "backend/app/crud.py"
    assert len(results) == len(result.diagnostics) + 1


def test_sarif_suppression_without_reason_has_no_justification(tmp_path: Path) -> None:
    project = copy_project(TEMPLATE, tmp_path)
    crud = project / "backend" / "app" / "crud.py"
    source = crud.read_text(encoding="utf-8")
    crud.write_text(source.replace("  # expect: REP001", "  # archlint: ignore[REP001]"), encoding="utf-8")
    (hidden,) = [r for r in sarif(run(project))["runs"][0]["results"] if "suppressions" in r]
    assert hidden["suppressions"] == [{"kind": "inSource"}]


@pytest.mark.parametrize("project", [HOUSE, TEMPLATE], ids=_id)
def test_sarif_tools_reads_as_many_findings_as_archlint_reports(project: Path, tmp_path: Path) -> None:
    result = run(project)
    assert result.diagnostics and not result.suppressed_diagnostics
    written = tmp_path / "archlint.sarif"
    written.write_text(render("sarif", result), encoding="utf-8")
    summary = subprocess.run(
        [sys.executable, "-m", "sarif", "summary", str(written)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    counts = {
        m.group(1): int(m.group(2))
        for m in re.finditer(r"^(error|warning|note): (\d+)$", summary, re.MULTILINE)
    }
    assert set(counts) == {"error", "warning", "note"}, summary
    assert sum(counts.values()) == len(result.diagnostics), summary
    assert counts["error"] == sum(d.severity is Severity.ERROR for d in result.diagnostics)


# --- GitHub, GitLab, JUnit golden files --------------------------------------------------------


@pytest.fixture
def house(monkeypatch: pytest.MonkeyPatch) -> RunResult:
    monkeypatch.chdir(REPO)
    return run(HOUSE)


def assert_golden(name: str, text: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("ARCHLINT_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), (
        f"{golden.name} differs; ARCHLINT_UPDATE_GOLDEN=1 rewrites it"
    )


def test_github_annotations_match_their_golden_file(house: RunResult) -> None:
    text = render("github", house)
    assert len(text.splitlines()) == len(house.diagnostics)
    assert all(line.startswith("::error file=fixtures/") for line in text.splitlines())
    assert_golden("house-spelling.github.txt", text)


def test_gitlab_code_quality_matches_its_golden_file(house: RunResult) -> None:
    text = render("gitlab", house)
    issues = json.loads(text)
    assert [i["fingerprint"] for i in issues] == [d.fingerprint for d in house.diagnostics]
    for issue, d in zip(issues, house.diagnostics, strict=True):
        assert issue == {
            "description": f"{d.code} {d.message}",
            "check_name": d.code,
            "fingerprint": d.fingerprint,
            "severity": "major",
            "location": {"path": house.display_path(d.path), "lines": {"begin": d.line}},
        }
    assert_golden("house-spelling.gitlab.json", text)


def test_junit_matches_its_golden_file_and_has_a_case_per_file(house: RunResult) -> None:
    text = render("junit", house)
    suite = ET.fromstring(text.split("\n", 1)[1]).find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == sorted(house.display_path(f) for f in house.checked_files)
    assert {c.get("classname") for c in cases} == {"archlint"}
    failures = [f for c in cases for f in c.findall("failure")]
    assert len(failures) == len(house.diagnostics)
    assert suite.get("tests") == str(len(cases))
    assert suite.get("failures") == str(sum(1 for c in cases if c.find("failure") is not None))
    first = house.diagnostics[0]
    shown = house.display_path(first.path)
    assert failures[0].get("type") == first.code
    assert failures[0].get("message") == f"{first.code} {first.message}"
    assert failures[0].text == f"{shown}:{first.line}:{first.column}: {first.code} {first.message}"
    assert_golden("house-spelling.junit.xml", text)


def test_junit_gives_a_finding_outside_the_checked_files_its_own_case() -> None:
    result = RunResult(
        diagnostics=(Diagnostic("LAY002", "a <folder> & more", "src/extra", line=1, column=1),),
        project_root="/p",
        files_checked=1,
        preset="layered-v1",
        checked_files=("src/main.py",),
    )
    suite = ET.fromstring(render("junit", result).split("\n", 1)[1]).find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c.findall("failure") for c in suite.findall("testcase")}
    assert set(cases) == {"src/main.py", "src/extra"}
    assert cases["src/main.py"] == []
    assert [f.get("message") for f in cases["src/extra"]] == ["LAY002 a <folder> & more"]


# --- GitHub escaping ---------------------------------------------------------------------------


def test_github_escapes_file_names_and_messages_so_nothing_can_inject_a_command() -> None:
    result = RunResult(
        diagnostics=(
            Diagnostic(
                "RTR001",
                "100% bad\r\n::error file=x.py::injected, really",
                "odd, dir/a::b%20.py",
                line=3,
                column=5,
                end_line=4,
                end_column=9,
            ),
            Diagnostic("RTR003", "just\nwarn", "plain.py", line=7, column=1, severity=Severity.WARNING),
        ),
        project_root="/p",
        files_checked=2,
        preset="layered-v1",
    )
    assert render("github", result) == (
        "::error file=odd%2C dir/a%3A%3Ab%2520.py,line=3,col=5,endLine=4,endColumn=9,title=RTR001"
        "::100%25 bad%0D%0A::error file=x.py::injected, really\n"
        "::warning file=plain.py,line=7,col=1,endLine=7,endColumn=1,title=RTR003::just%0Awarn\n"
    )


def test_a_config_error_still_writes_a_sarif_report_that_says_so(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from archlint.cli import app

    project = tmp_path / "project"
    shutil.copytree(REPO / "fixtures" / "shapes" / "template" / "clean", project)
    (project / "pyproject.toml").write_text('[tool.archlint]\npreset = "no-such-preset"\n')
    report = tmp_path / "archlint.sarif"
    result = CliRunner().invoke(app, ["check", str(project), "--format", f"sarif:{report}"])
    assert result.exit_code == 2
    document = json.loads(report.read_text())
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [notification] = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error" and "tool.archlint.preset" in notification["message"]["text"]
    assert document["runs"][0]["results"] == []
