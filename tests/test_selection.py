"""Rule selection never switches everything off silently.

SYN001 (a file archlint could not parse) stays on whatever ``select`` says, unless an ignore
selector names it or its family (``SYN001``, ``SYN``); an empty selector is an error naming its
key; a selection that leaves no rule to run is a usage error (exit 2), never a clean pass.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from archlint.cli import app
from archlint.config import load_config
from archlint.core import ConfigError, UsageError
from archlint.engine.selection import (
    ALWAYS_ON,
    check_selectors,
    enabled_codes,
    matching_codes,
    rules_by_code,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "layered-v1" / "clean"
BROKEN = "backend/src/core/broken.py"
CODES = sorted(rules_by_code())

runner = CliRunner()


def output(result: Result) -> str:
    parts = [result.stdout]
    with contextlib.suppress(ValueError):  # a click without separate stderr
        parts.append(result.stderr)
    return "\n".join(parts)


def project_with_unparsable_file(tmp_path: Path, archlint_toml: str | None = None) -> Path:
    """The clean layered-v1 fixture plus one file that does not parse."""
    project = tmp_path / "taskboard"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".archlint_cache"))
    (project / BROKEN).write_text("def broken(:\n    pass\n", encoding="utf-8")
    if archlint_toml is not None:
        (project / "archlint.toml").write_text('preset = "layered-v1"\n' + archlint_toml, encoding="utf-8")
    return project


def codes_reported(project: Path, *args: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["check", str(project), "--no-cache", "--format", "json", *args])
    assert result.exit_code in (0, 1), output(result)
    report = json.loads(result.stdout)
    return result.exit_code, [d["code"] for d in report["diagnostics"]]


def error_line(project: Path, *args: str) -> str:
    """The one ``archlint: error:`` line of a run that must exit 2."""
    result = runner.invoke(app, ["check", str(project), "--no-cache", *args])
    out = output(result)
    assert result.exit_code == 2, out
    assert "Traceback" not in out, out
    lines = [line for line in out.splitlines() if line.startswith("archlint: error:")]
    assert len(lines) == 1, out
    return lines[0]


# --- SYN001 is always on ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("--select", "RTR001"), id="select-one-code"),
        pytest.param(("--select", "LAY"), id="select-layout-rules"),
        pytest.param(("--select", "RTR,SVC"), id="select-prefixes"),
        pytest.param(("--ignore", "S"), id="ignore-short-prefix"),
        pytest.param(("--ignore", "RTR,LAY,REP,SVC"), id="ignore-all-other-families"),
        pytest.param(("--select", "RTR001", "--ignore", "SY"), id="ignore-partial-family"),
    ],
)
def test_unparsable_file_is_reported_whatever_is_selected(tmp_path: Path, args: tuple[str, ...]) -> None:
    project = project_with_unparsable_file(tmp_path)
    exit_code, codes = codes_reported(project, *args)
    assert codes == ["SYN001"]
    assert exit_code == 1


def test_config_select_keeps_syn001(tmp_path: Path) -> None:
    project = project_with_unparsable_file(tmp_path, 'select = ["RTR001", "LAY"]\n')
    assert codes_reported(project) == (1, ["SYN001"])


@pytest.mark.parametrize(
    ("args", "archlint_toml"),
    [
        pytest.param(("--ignore", "SYN001"), None, id="cli-code"),
        pytest.param(("--ignore", "syn"), None, id="cli-family-lower-case"),
        pytest.param(("--select", "RTR001", "--ignore", "SYN0"), None, id="cli-narrower-prefix"),
        pytest.param((), 'ignore = ["SYN001"]\n', id="config-code"),
        pytest.param((), 'select = ["RTR"]\nignore = ["SYN"]\n', id="config-family"),
    ],
)
def test_ignore_naming_syn001_turns_it_off(
    tmp_path: Path, args: tuple[str, ...], archlint_toml: str | None
) -> None:
    project = project_with_unparsable_file(tmp_path, archlint_toml)
    assert codes_reported(project, *args) == (0, [])


def test_per_file_ignores_in_lower_case_match(tmp_path: Path) -> None:
    """Selectors are matched the way they are checked: stripped, in any case."""
    project = project_with_unparsable_file(tmp_path, f'[per-file-ignores]\n"{BROKEN}" = [" syn "]\n')
    assert codes_reported(project) == (0, [])


def test_warn_in_lower_case_matches(tmp_path: Path) -> None:
    project = project_with_unparsable_file(tmp_path, 'warn = ["syn001"]\n')
    exit_code, codes = codes_reported(project)
    assert (exit_code, codes) == (0, ["SYN001"])


def test_enabled_codes_keeps_always_on_rules() -> None:
    assert {"SYN001"} == ALWAYS_ON
    assert enabled_codes("layered-v1", select=("RTR001",), extend_select=(), ignore=()) == {
        "RTR001",
        "SYN001",
    }
    assert "SYN001" in enabled_codes("layered-v1", select=("ALL",), extend_select=(), ignore=("S",))
    assert "SYN001" not in enabled_codes("layered-v1", select=("ALL",), extend_select=(), ignore=("SYN",))
    assert "SYN001" not in enabled_codes("layered-v1", select=None, extend_select=(), ignore=(" syn001 ",))


# --- nothing selected ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("--ignore", "ALL"), id="ignore-all"),
        pytest.param(("--ignore", "all"), id="ignore-all-lower-case"),
        pytest.param(("--select", "RTR001", "--ignore", "RTR"), id="select-then-ignore"),
        pytest.param(("--extend-select", "RTR004", "--ignore", "ALL"), id="extend-then-ignore-all"),
    ],
)
def test_a_run_that_selects_no_rule_says_so(tmp_path: Path, args: tuple[str, ...]) -> None:
    project = project_with_unparsable_file(tmp_path)
    line = error_line(project, *args)
    assert "no rule selected" in line, line


@pytest.mark.parametrize("args", [("--select", ""), ("--select", " , "), ("--ignore", ""), ("--warn", "")])
def test_an_empty_selector_on_the_command_line_is_named(tmp_path: Path, args: tuple[str, ...]) -> None:
    project = project_with_unparsable_file(tmp_path)
    line = error_line(project, *args)
    assert f"{args[0]}: empty rule selector" in line, line


@pytest.mark.parametrize(
    "archlint_toml",
    [
        pytest.param("select = []\n", id="select-empty-list"),
        pytest.param('ignore = ["ALL"]\n', id="ignore-all"),
        pytest.param('select = ["RTR001"]\nignore = ["RTR"]\n', id="select-then-ignore"),
    ],
)
def test_a_config_that_selects_no_rule_says_so(tmp_path: Path, archlint_toml: str) -> None:
    project = project_with_unparsable_file(tmp_path, archlint_toml)
    line = error_line(project)
    assert "no rule selected" in line, line


def test_ignore_all_message_names_the_selection() -> None:
    with pytest.raises(UsageError, match=r"no rule selected: ignore ALL leaves none of the layered-v1"):
        enabled_codes("layered-v1", select=None, extend_select=(), ignore=("ALL",))


def test_select_empty_message_names_select() -> None:
    with pytest.raises(UsageError, match=r"no rule selected: select is empty"):
        enabled_codes("layered-v1", select=(), extend_select=(), ignore=())


def test_only_syn001_selected_is_a_selection() -> None:
    assert enabled_codes("layered-v1", select=("SYN",), extend_select=(), ignore=()) == {"SYN001"}
    families = ("RTR", "LAY", "REP", "SVC", "SUP", "IMP", "LOG")
    kept = enabled_codes("layered-v1", select=None, extend_select=(), ignore=families)
    assert kept == {"SYN001"}


# --- empty selectors -------------------------------------------------------------------------


def raise_config_error(key: str, problem: str) -> ConfigError:
    return ConfigError("<test>", key, problem)


@pytest.mark.parametrize("selector", ["", " ", "\t", "  \n"])
def test_check_selectors_rejects_an_empty_selector(selector: str) -> None:
    with pytest.raises(ConfigError, match=r"ignore: empty rule selector"):
        check_selectors(["RTR001", selector], CODES, "ignore", raise_config_error)


def test_an_empty_selector_matches_nothing() -> None:
    """Were it matched, "" would be a prefix of every code: ignore = [""] ignored every rule."""
    assert matching_codes([""]) == frozenset()
    assert matching_codes([" "]) == frozenset()
    assert matching_codes(["ALL"]) == frozenset(CODES)
    assert matching_codes(["rtr00"]) == {code for code in CODES if code.startswith("RTR00")}
    assert matching_codes(["rtr00"]) >= {"RTR001", "RTR002", "RTR003", "RTR004", "RTR005"}
    assert "SYN001" not in matching_codes(["RTR001"])


def test_cli_empty_select_names_select(tmp_path: Path) -> None:
    project = project_with_unparsable_file(tmp_path)
    line = error_line(project, "--select", "")
    assert "select" in line, line


# --- keys named as written -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "key", "canonical"),
    [
        pytest.param(
            'extend_select = ["XYZ"]\n', "tool.archlint.extend_select", "extend-select", id="extend_select"
        ),
        pytest.param(
            'extend-select = ["XYZ"]\n', "tool.archlint.extend-select", "extend-select", id="extend-select"
        ),
        pytest.param(
            'per_file_ignores = {"a.py" = ["XYZ"]}\n',
            'tool.archlint.per_file_ignores."a.py"',
            'per-file-ignores."a.py"',
            id="per_file_ignores",
        ),
        pytest.param('warn = ["XYZ"]\n', "tool.archlint.warn", "warn", id="warn"),
    ],
)
def test_key_error_names_the_key_as_written(tmp_path: Path, written: str, key: str, canonical: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.archlint]\n" + written, encoding="utf-8")
    config = load_config(path)
    error = config.key_error(canonical, "problem")
    assert error.key == key
    assert str(error) == f"{path}: {key}: problem"


def test_config_error_is_one_printable_line() -> None:
    error = ConfigError("odd\nname.toml", 'tool.archlint."a\tb"', "bad \ud800 value")
    assert "\n" not in str(error) and "\t" not in str(error)
    assert str(error).isprintable()
