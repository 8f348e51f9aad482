"""The command line: exit codes, formats, selection flags, colour, rules/explain, entry points."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from archlint import __version__
from archlint.cli import app, main
from archlint.core import DOC_SECTIONS
from archlint.engine import rules_by_code

REPO = Path(__file__).resolve().parent.parent
CLEAN = REPO / "fixtures" / "layered-v1" / "clean"
VIOLATING = REPO / "fixtures" / "layered-v1" / "violating"

needs_fixtures = pytest.mark.skipif(
    not (CLEAN.is_dir() and VIOLATING.is_dir()), reason="layered-v1 fixtures not present"
)

ANSI = re.compile(r"\x1b\[")
CONCISE_LINE = re.compile(
    r"^(?P<path>[^:\s][^:]*\.py):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]{3}\d{3}) \S.*$"
)
DIAGNOSTIC_KEYS = {
    "code",
    "message",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "severity",
    "rule",
}

runner = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    base = {"NO_COLOR": None, "FORCE_COLOR": None}  # whatever the developer's shell says
    return runner.invoke(app, list(args), env={**base, **(env or {})})


def stderr_of(result: Result) -> str:
    try:
        return result.stderr
    except ValueError:  # older click without separate stderr
        return result.output


def everything(result: Result) -> str:
    return result.stdout + "\n" + stderr_of(result)


def assert_clean_exit(result: Result, code: int) -> None:
    text = everything(result)
    assert result.exit_code == code, text
    assert "Traceback" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def codes_from_json(result: Result) -> list[str]:
    return [d["code"] for d in json.loads(result.stdout)["diagnostics"]]


def write_backend(root: Path) -> Path:
    domain = root / "backend" / "src" / "v1" / "orders"
    domain.mkdir(parents=True)
    for name in ("__init__.py", "router.py", "service.py", "repository.py"):
        (domain / name).write_text("")
    (root / "backend" / "src" / "core").mkdir()
    (root / "backend" / "src" / "core" / "__init__.py").write_text("")
    return root


# --- exit codes --------------------------------------------------------------------------------


@needs_fixtures
def test_clean_fixture_exits_0() -> None:
    result = invoke("check", str(CLEAN))
    assert_clean_exit(result, 0)


@needs_fixtures
def test_violating_fixture_exits_1() -> None:
    result = invoke("check", str(VIOLATING))
    assert_clean_exit(result, 1)


def test_tiny_backend_exits_0(tmp_path: Path) -> None:
    """Independent of the shared fixtures: an empty but well-laid-out backend is clean."""
    result = invoke("check", str(write_backend(tmp_path)))
    assert_clean_exit(result, 0)


def test_missing_path_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "does-not-exist"
    result = invoke("check", str(missing))
    assert_clean_exit(result, 2)
    assert "does-not-exist" in stderr_of(result)
    assert result.stdout == ""


def test_unknown_format_exits_2(tmp_path: Path) -> None:
    result = invoke("check", str(write_backend(tmp_path)), "--format", "yaml")
    assert_clean_exit(result, 2)
    err = stderr_of(result)
    assert "yaml" in err
    assert "json" in err and "concise" in err, "the message lists the available formats"


def test_empty_dir_exits_2(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text("# nothing to lint\n")
    result = invoke("check", str(tmp_path))
    assert_clean_exit(result, 2)
    err = stderr_of(result)
    assert "Python file" in err, err
    assert str(tmp_path) in err, "says where it looked"
    assert "passed" not in result.stdout.lower()


def test_dir_matching_no_layout_exits_2(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "migrate.py").write_text("print('hi')\n")
    (tmp_path / "setup.py").write_text("")
    result = invoke("check", str(tmp_path))
    assert_clean_exit(result, 2)
    err = stderr_of(result)
    assert "looked for" in err, err
    # says what it looked for: the layer names of the role vocabulary
    assert "router.py" in err and "repository.py" in err, err
    assert "passed" not in result.stdout.lower()


def test_preset_matching_no_domain_exits_2(tmp_path: Path) -> None:
    (tmp_path / "backend" / "src" / "misc").mkdir(parents=True)
    (tmp_path / "backend" / "src" / "misc" / "x.py").write_text("")
    result = invoke("check", str(tmp_path), "--preset", "layered-v1")
    assert_clean_exit(result, 2)
    err = stderr_of(result)
    assert "layered-v1" in err and "v1/*" in err, err


# --- `archlint PATH` is `archlint check PATH` --------------------------------------------------


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    code = exc.value.code
    return (0 if code is None else int(code)), out, err


@needs_fixtures
@pytest.mark.parametrize("fmt", ["concise", "text"])
def test_bare_path_equals_check(
    fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    bare = run_main([str(VIOLATING), "--format", fmt], capsys)
    explicit = run_main(["check", str(VIOLATING), "--format", fmt], capsys)
    assert bare == explicit
    assert bare[0] == 1
    assert bare[1]


def test_bare_path_errors_like_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "nope")
    bare = run_main([missing], capsys)
    explicit = run_main(["check", missing], capsys)
    assert bare == explicit
    assert bare[0] == 2


# --- selection ---------------------------------------------------------------------------------


@needs_fixtures
def test_exit_zero() -> None:
    result = invoke("check", str(VIOLATING), "--exit-zero", "--format", "json")
    assert_clean_exit(result, 0)
    assert codes_from_json(result), "findings are still reported"


@needs_fixtures
def test_select_restricts_codes() -> None:
    result = invoke("check", str(VIOLATING), "--select", "RTR003", "--format", "json")
    assert_clean_exit(result, 1)
    codes = codes_from_json(result)
    assert codes and set(codes) == {"RTR003"}


@needs_fixtures
def test_ignore_prefix_removes_family() -> None:
    everything_ = codes_from_json(invoke("check", str(VIOLATING), "--format", "json"))
    assert any(c.startswith("RTR") for c in everything_), "fixture has router findings"
    result = invoke("check", str(VIOLATING), "--ignore", "RTR", "--format", "json")
    codes = codes_from_json(result)
    assert not any(c.startswith("RTR") for c in codes)
    # The fixture's one unused suppression is for RTR003: once RTR003 does not run, the
    # comment is not judged (SUP001 never calls a suppression for a rule that did not run unused).
    assert "SUP001" in everything_ and "SUP001" not in codes
    assert set(codes) == {c for c in everything_ if not c.startswith(("RTR", "SUP"))}
    assert codes, "the other families remain"


@needs_fixtures
def test_select_comma_separated_and_repeated() -> None:
    a = invoke("check", str(VIOLATING), "--select", "RTR001,SVC001", "--format", "json")
    b = invoke("check", str(VIOLATING), "--select", "RTR001", "--select", "SVC001", "--format", "json")
    assert set(codes_from_json(a)) == {"RTR001", "SVC001"}
    assert a.stdout == b.stdout


# --- formats -----------------------------------------------------------------------------------


@needs_fixtures
def test_concise_line_shape() -> None:
    result = invoke("check", str(VIOLATING), "--format", "concise")
    assert_clean_exit(result, 1)
    lines = result.stdout.splitlines()
    assert lines
    for line in lines:
        match = CONCISE_LINE.match(line)
        assert match, line
        assert not Path(match["path"]).is_absolute(), "paths are relative to the working directory"
        assert Path(match["path"]).is_file(), line


@needs_fixtures
def test_json_document() -> None:
    result = invoke("check", str(VIOLATING), "--format", "json")
    assert_clean_exit(result, 1)
    document = json.loads(result.stdout)
    assert document["version"] == 1
    diagnostics = document["diagnostics"]
    assert diagnostics
    for d in diagnostics:
        assert set(d) >= DIAGNOSTIC_KEYS, d
        assert isinstance(d["line"], int) and isinstance(d["column"], int)
        assert Path(d["path"]).is_file()  # opens from where archlint ran
        assert (VIOLATING / d["project_path"]).is_file()
    summary = document["summary"]
    assert isinstance(summary, dict)
    assert summary["findings"] == len(diagnostics)


@needs_fixtures
def test_json_on_clean_fixture() -> None:
    result = invoke("check", str(CLEAN), "--format", "json")
    assert_clean_exit(result, 0)
    document = json.loads(result.stdout)
    assert document["version"] == 1
    assert document["diagnostics"] == []
    assert "summary" in document


@needs_fixtures
@pytest.mark.parametrize("fmt", ["json", "concise", "text"])
def test_output_file(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "reports" / f"archlint.{fmt}"
    result = invoke("check", str(VIOLATING), "--format", fmt, "--output", str(target))
    assert_clean_exit(result, 1)
    assert result.stdout == ""
    written = target.read_text(encoding="utf-8")
    assert written
    assert not ANSI.search(written), "a file report has no colour codes"
    if fmt == "json":
        assert json.loads(written)["version"] == 1
    same = invoke("check", str(VIOLATING), "--format", fmt)
    if fmt != "text":
        assert written == same.stdout


# --- colour ------------------------------------------------------------------------------------


@needs_fixtures
def test_non_tty_text_has_no_ansi() -> None:
    result = invoke("check", str(VIOLATING))
    assert_clean_exit(result, 1)
    assert not ANSI.search(result.stdout)


@needs_fixtures
def test_no_color_env_has_no_ansi() -> None:
    result = invoke("check", str(VIOLATING), env={"NO_COLOR": "1"})
    assert_clean_exit(result, 1)
    assert not ANSI.search(result.stdout)


@needs_fixtures
def test_color_flag_forces_ansi() -> None:
    """Positive control for the two tests above: colour does exist when asked for."""
    result = invoke("check", str(VIOLATING), "--color")
    assert_clean_exit(result, 1)
    assert ANSI.search(result.stdout)


def _run_on_tty(args: list[str], env: dict[str, str]) -> str:
    """Run ``python -m archlint`` with stdout on a pseudo-terminal; return what it printed."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "archlint", *args],
            stdout=slave,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        os.close(slave)
        chunks: list[bytes] = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO once the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=60)
    finally:
        os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


@needs_fixtures
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_no_color_env_is_honoured_on_a_terminal() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["COLUMNS"] = "200"
    coloured = _run_on_tty([str(VIOLATING)], env)
    assert ANSI.search(coloured), "a terminal gets colour by default"
    plain = _run_on_tty([str(VIOLATING)], {**env, "NO_COLOR": "1"})
    assert "RTR001" in plain
    assert not ANSI.search(plain)


# --- rules and explain -------------------------------------------------------------------------


def test_rules_lists_every_code() -> None:
    result = invoke("rules")
    assert_clean_exit(result, 0)
    listed = set(re.findall(r"\b[A-Z]{3}\d{3}\b", result.stdout))
    assert listed == set(rules_by_code())


def test_rules_json() -> None:
    result = invoke("rules", "--format", "json")
    assert_clean_exit(result, 0)
    rows = json.loads(result.stdout)
    assert {r["code"] for r in rows} == set(rules_by_code())
    assert sorted(r["code"] for r in rows if r["fixable"]) == ["IMP003", "LOG001", "SUP001"]


def test_explain_rtr001_sections() -> None:
    result = invoke("explain", "RTR001")
    assert_clean_exit(result, 0)
    for section in ("What it does", "Why is this bad?", "Example", "Options", "Fix"):
        assert section in result.stdout, section
    assert "RTR001" in result.stdout
    assert not ANSI.search(result.stdout)


@pytest.mark.parametrize("code", sorted(rules_by_code()))
def test_explain_every_rule_has_the_sections_in_order(code: str) -> None:
    result = invoke("explain", code.lower())
    assert_clean_exit(result, 0)
    positions = [result.stdout.find(section) for section in DOC_SECTIONS]
    assert -1 not in positions, (code, positions)
    assert positions == sorted(positions), (code, positions)


def test_explain_unknown_code_exits_2() -> None:
    result = invoke("explain", "NOPE")
    assert_clean_exit(result, 2)
    assert "NOPE" in stderr_of(result)
    assert result.stdout == ""


# --- version -----------------------------------------------------------------------------------


def test_python_m_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "archlint", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert __version__ in proc.stdout
    assert "Traceback" not in proc.stderr


def test_version_in_process() -> None:
    result = invoke("--version")
    assert_clean_exit(result, 0)
    assert __version__ in result.stdout
