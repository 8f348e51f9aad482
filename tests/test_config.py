"""Malformed configuration ends a run with exit 2 and one clear line naming the file and the key.

Each case writes a config next to a tiny valid layered-v1 backend in a temporary project and
runs ``archlint check`` in-process. The message must name the config file and the exact dotted
key (``tool.archlint.<key>`` in pyproject.toml, the bare key in archlint.toml), and nothing may
look like a traceback.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from archlint.cli import app

runner = CliRunner()

ROUTER = """\
from fastapi import APIRouter

router = APIRouter()


@router.get("/orders")
async def list_orders() -> list[str]:
    return []
"""

SERVICE = """\
class OrderService:
    def list(self) -> list[str]:
        return []
"""

REPOSITORY = """\
class OrderRepository:
    def all(self) -> list[str]:
        return []
"""


def write_backend(root: Path) -> None:
    """A minimal layered-v1 backend with nothing to report."""
    domain = root / "backend" / "src" / "v1" / "orders"
    domain.mkdir(parents=True)
    (domain / "__init__.py").write_text("")
    (domain / "router.py").write_text(ROUTER)
    (domain / "service.py").write_text(SERVICE)
    (domain / "repository.py").write_text(REPOSITORY)
    core = root / "backend" / "src" / "core"
    core.mkdir(parents=True)
    (core / "__init__.py").write_text("")


def make_project(root: Path, filename: str | None, text: str) -> Path:
    write_backend(root)
    if filename is not None:
        (root / filename).write_text(text)
    return root


def run_check(*args: str) -> Result:
    return runner.invoke(app, ["check", *args])


def combined(result: Result) -> str:
    """Everything the run wrote (stdout and stderr), whatever click's stream mixing."""
    parts = [result.stdout]
    with contextlib.suppress(ValueError):  # older click without separate stderr
        parts.append(result.stderr)
    return "\n".join(parts)


def names_key(message: str, key: str) -> bool:
    """``key`` appears as a whole dotted key: not as part of a longer key on either side."""
    return re.search(rf"(?<![\w.-]){re.escape(key)}(?![\w-]|\.\w)", message) is not None


def assert_no_crash(result: Result, text: str) -> None:
    assert "Traceback" not in text, text
    assert "internal error" not in text, text
    # An unhandled exception inside the app is caught by CliRunner: it must not happen.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


# --- the table of malformed configurations ---------------------------------------------------

P = "pyproject.toml"
A = "archlint.toml"


def pyproject(body: str) -> str:
    return '[project]\nname = "shop"\nversion = "0.1.0"\n\n' + body


BAD_CONFIGS = [
    # (id, file name, file text, dotted key the message must name)
    ("unknown-top-level-key", P, pyproject('[tool.archlint]\ncolour = "red"\n'), "tool.archlint.colour"),
    ("preset-not-a-string", P, pyproject("[tool.archlint]\npreset = 3\n"), "tool.archlint.preset"),
    ("root-not-a-string", P, pyproject('[tool.archlint]\nroot = ["backend/src"]\n'), "tool.archlint.root"),
    ("exclude-not-a-list", P, pyproject('[tool.archlint]\nexclude = "tests/**"\n'), "tool.archlint.exclude"),
    (
        "extend-exclude-list-of-ints",
        P,
        pyproject("[tool.archlint]\nextend-exclude = [1, 2]\n"),
        "tool.archlint.extend-exclude",
    ),
    ("select-not-a-list", P, pyproject('[tool.archlint]\nselect = "RTR"\n'), "tool.archlint.select"),
    ("ignore-mixed-list", P, pyproject('[tool.archlint]\nignore = ["RTR003", 3]\n'), "tool.archlint.ignore"),
    (
        "extend-select-boolean",
        P,
        pyproject("[tool.archlint]\nextend-select = true\n"),
        "tool.archlint.extend-select",
    ),
    (
        "session-names-not-a-list",
        P,
        pyproject('[tool.archlint]\nsession-names = "db"\n'),
        "tool.archlint.session-names",
    ),
    ("unknown-preset", P, pyproject('[tool.archlint]\npreset = "layered-v2"\n'), "tool.archlint.preset"),
    (
        "unknown-code-in-select",
        P,
        pyproject('[tool.archlint]\nselect = ["RTR003", "XYZ"]\n'),
        "tool.archlint.select",
    ),
    ("unknown-code-in-ignore", P, pyproject('[tool.archlint]\nignore = ["NOPE1"]\n'), "tool.archlint.ignore"),
    (
        "unknown-code-in-extend-select",
        P,
        pyproject('[tool.archlint]\nextend-select = ["QQQ"]\n'),
        "tool.archlint.extend-select",
    ),
    (
        "unknown-rule-table",
        P,
        pyproject("[tool.archlint]\n\n[tool.archlint.rules.XYZ999]\nmax_branches = 1\n"),
        "tool.archlint.rules.XYZ999",
    ),
    (
        "rule-entry-not-a-table",
        P,
        pyproject("[tool.archlint.rules]\nRTR003 = 2\n"),
        "tool.archlint.rules.RTR003",
    ),
    ("rules-not-a-table", P, pyproject('[tool.archlint]\nrules = ["RTR003"]\n'), "tool.archlint.rules"),
    (
        "unknown-option-RTR003",
        P,
        pyproject("[tool.archlint.rules.RTR003]\nmax_branchez = 1\n"),
        "tool.archlint.rules.RTR003.max_branchez",
    ),
    (
        "option-on-rule-without-options",
        P,
        pyproject("[tool.archlint.rules.RTR001]\nstrict = true\n"),
        "tool.archlint.rules.RTR001.strict",
    ),
    (
        "option-string",
        P,
        pyproject('[tool.archlint.rules.RTR003]\nmax_branches = "two"\n'),
        "tool.archlint.rules.RTR003.max_branches",
    ),
    (
        "option-negative",
        P,
        pyproject("[tool.archlint.rules.RTR003]\nmax_branches = -1\n"),
        "tool.archlint.rules.RTR003.max_branches",
    ),
    (
        "option-boolean",
        P,
        pyproject("[tool.archlint.rules.RTR003]\nmax_branches = true\n"),
        "tool.archlint.rules.RTR003.max_branches",
    ),
    (
        "option-float",
        P,
        pyproject("[tool.archlint.rules.RTR003]\nmax_branches = 1.5\n"),
        "tool.archlint.rules.RTR003.max_branches",
    ),
    ("layout-not-a-table", P, pyproject('[tool.archlint]\nlayout = "layered-v1"\n'), "tool.archlint.layout"),
    (
        "layout-unknown-key",
        P,
        pyproject('[tool.archlint.layout]\ndomainz = ["v1/*"]\n'),
        "tool.archlint.layout.domainz",
    ),
    (
        "layout-unknown-role",
        P,
        pyproject('[tool.archlint.layout.roles]\nroutr = ["router.py"]\n'),
        "tool.archlint.layout.roles.routr",
    ),
    (
        "layout-role-not-a-list",
        P,
        pyproject('[tool.archlint.layout.roles]\nrouter = "router.py"\n'),
        "tool.archlint.layout.roles.router",
    ),
    (
        "layout-roles-not-a-table",
        P,
        pyproject('[tool.archlint.layout]\nroles = ["router.py"]\n'),
        "tool.archlint.layout.roles",
    ),
    (
        "layout-domains-not-a-list",
        P,
        pyproject('[tool.archlint.layout]\ndomains = "v1/*"\n'),
        "tool.archlint.layout.domains",
    ),
    (
        "layout-shared-not-a-list",
        P,
        pyproject("[tool.archlint.layout]\nshared = 3\n"),
        "tool.archlint.layout.shared",
    ),
    (
        "layout-required-list-of-tables",
        P,
        pyproject("[tool.archlint.layout]\nrequired = [{a = 1}]\n"),
        "tool.archlint.layout.required",
    ),
    ("tool-archlint-not-a-table", P, pyproject('[tool]\narchlint = "layered-v1"\n'), "tool.archlint"),
    # archlint.toml: the same mistakes, keys without the tool.archlint. prefix
    ("archlint-toml-unknown-key", A, "colour = 1\n", "colour"),
    ("archlint-toml-ignore-not-a-list", A, 'ignore = "RTR003"\n', "ignore"),
    ("archlint-toml-unknown-preset", A, 'preset = "nope"\n', "preset"),
    ("archlint-toml-unknown-code-in-select", A, 'select = ["XYZ"]\n', "select"),
    ("archlint-toml-unknown-rule-table", A, "[rules.XYZ999]\nx = 1\n", "rules.XYZ999"),
    ("archlint-toml-option-string", A, '[rules.RTR003]\nmax_branches = "two"\n', "rules.RTR003.max_branches"),
    ("archlint-toml-unknown-option", A, "[rules.RTR003]\nmax = 1\n", "rules.RTR003.max"),
    ("archlint-toml-unknown-role", A, '[layout.roles]\nroutr = ["router.py"]\n', "layout.roles.routr"),
    ("archlint-toml-layout-unknown-key", A, "[layout]\nroot = 'x'\n", "layout.root"),
    ("archlint-toml-domains-not-a-list", A, '[layout]\ndomains = "v1/*"\n', "layout.domains"),
]


@pytest.mark.parametrize(
    ("filename", "text", "key"),
    [pytest.param(f, t, k, id=i) for i, f, t, k in BAD_CONFIGS],
)
def test_malformed_config_exits_2_naming_file_and_key(
    tmp_path: Path, filename: str, text: str, key: str
) -> None:
    project = make_project(tmp_path, filename, text)
    result = run_check(str(project))
    out = combined(result)
    assert result.exit_code == 2, out
    assert_no_crash(result, out)
    assert filename in out, out
    assert names_key(out, key), f"expected key {key!r} in: {out}"
    if filename == A:
        assert "tool.archlint" not in out, f"archlint.toml keys have no prefix: {out}"


# --- invalid TOML ------------------------------------------------------------------------------

INVALID_TOML = [
    pytest.param(P, pyproject('[tool.archlint]\npreset = "layered-v1\n'), id="pyproject"),
    pytest.param(A, 'preset = "layered-v1"\nselect = [1,,]\nroot = "x"\n', id="archlint-toml"),
    pytest.param(P, pyproject("[tool.archlint]\npreset = 1\npreset = 2\n"), id="duplicate-key"),
]


@pytest.mark.parametrize(("filename", "text"), INVALID_TOML)
def test_invalid_toml_exits_2_naming_file_and_position(tmp_path: Path, filename: str, text: str) -> None:
    project = make_project(tmp_path, filename, text)
    result = run_check(str(project))
    out = combined(result)
    assert result.exit_code == 2, out
    assert_no_crash(result, out)
    assert filename in out, out
    assert "TOML" in out, out
    assert re.search(r"line \d+", out), f"expected a line number in: {out}"


def test_invalid_toml_through_python_m(tmp_path: Path) -> None:
    """The real entry point (``python -m archlint``), not only the typer app."""
    project = make_project(tmp_path, P, pyproject('[tool.archlint\npreset = "layered-v1"\n'))
    proc = subprocess.run(
        [sys.executable, "-m", "archlint", "check", str(project)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "pyproject.toml" in proc.stderr
    assert proc.stdout == ""


def test_unknown_option_through_python_m_without_check(tmp_path: Path) -> None:
    """``archlint PATH`` (no subcommand) reports config errors the same way."""
    project = make_project(tmp_path, P, pyproject('[tool.archlint.rules.RTR003]\nmax_branches = "two"\n'))
    proc = subprocess.run(
        [sys.executable, "-m", "archlint", str(project)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "pyproject.toml" in proc.stderr
    assert names_key(proc.stderr, "tool.archlint.rules.RTR003.max_branches"), proc.stderr


# --- mistakes the loader must not let through ------------------------------------------------


def test_both_spellings_of_a_key_is_an_error(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        P,
        pyproject('[tool.archlint]\nextend_select = ["RTR003"]\nextend-select = ["RTR001"]\n'),
    )
    result = run_check(str(project))
    out = combined(result)
    assert result.exit_code == 2, out
    assert_no_crash(result, out)
    assert "pyproject.toml" in out
    assert "extend" in out and "select" in out


def test_type_error_names_the_key_as_written(tmp_path: Path) -> None:
    project = make_project(tmp_path, P, pyproject('[tool.archlint]\nextend_select = "RTR"\n'))
    result = run_check(str(project))
    out = combined(result)
    assert result.exit_code == 2, out
    assert_no_crash(result, out)
    assert names_key(out, "tool.archlint.extend_select"), out


@pytest.mark.parametrize("role", ["other", "shared"])
def test_internal_roles_are_not_configurable(tmp_path: Path, role: str) -> None:
    project = make_project(tmp_path, P, pyproject(f'[tool.archlint.layout.roles]\n{role} = ["misc.py"]\n'))
    result = run_check(str(project))
    out = combined(result)
    assert result.exit_code == 2, out
    assert names_key(out, f"tool.archlint.layout.roles.{role}"), out


# --- valid configurations ----------------------------------------------------------------------


def test_control_valid_config_is_clean(tmp_path: Path) -> None:
    """The tiny backend itself is clean, so every exit 2 above comes from its config."""
    project = make_project(tmp_path, P, pyproject('[tool.archlint]\npreset = "layered-v1"\n'))
    result = run_check(str(project))
    out = combined(result)
    assert result.exit_code == 0, out
    assert_no_crash(result, out)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param('[tool.archlint]\nextend_select = ["RTR003"]\n', id="extend_select"),
        pytest.param('[tool.archlint]\nextend-select = ["RTR003"]\n', id="extend-select"),
        pytest.param('[tool.archlint]\nextend_exclude = ["tests/**"]\n', id="extend_exclude"),
        pytest.param('[tool.archlint]\nsession_names = ["db"]\n', id="session_names"),
        pytest.param("[tool.archlint.rules.RTR003]\nmax_branches = 2\n", id="max_branches"),
        pytest.param("[tool.archlint.rules.RTR003]\nmax-branches = 0\n", id="max-branches"),
        pytest.param('[tool.archlint]\nselect = ["ALL"]\nignore = ["LAY"]\n', id="select-all"),
        pytest.param(
            '[tool.archlint.layout]\ndomains = ["v1/*"]\n'
            '[tool.archlint.layout.roles]\nrouter = ["router.py", "endpoints.py"]\n',
            id="layout-roles",
        ),
    ],
)
def test_valid_config_is_accepted(tmp_path: Path, body: str) -> None:
    project = make_project(tmp_path, P, pyproject(body))
    result = run_check(str(project))
    out = combined(result)
    assert result.exit_code in (0, 1), out
    assert_no_crash(result, out)


def test_valid_archlint_toml_is_accepted(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        A,
        'preset = "layered-v1"\nextend_select = ["RTR003"]\n[rules.RTR003]\nmax_branches = 2\n',
    )
    result = run_check(str(project))
    out = combined(result)
    assert result.exit_code in (0, 1), out
    assert_no_crash(result, out)


def test_pyproject_without_tool_archlint_falls_back_to_detection(tmp_path: Path) -> None:
    project = make_project(tmp_path, P, pyproject("[tool.ruff]\nline-length = 100\n"))
    result = run_check(str(project))
    out = combined(result)
    assert result.exit_code == 0, out
    assert_no_crash(result, out)
    assert "layered-v1" in out, out


def test_config_option_pointing_to_missing_file(tmp_path: Path) -> None:
    project = make_project(tmp_path, None, "")
    missing = tmp_path / "nowhere" / "archlint.toml"
    result = run_check(str(project), "--config", str(missing))
    out = combined(result)
    assert result.exit_code == 2, out
    assert_no_crash(result, out)
    assert "archlint.toml" in out, out


def test_config_option_pointing_to_pyproject_without_table(tmp_path: Path) -> None:
    project = make_project(tmp_path, P, pyproject(""))
    result = run_check(str(project), "--config", str(project / P))
    out = combined(result)
    assert result.exit_code == 2, out
    assert_no_crash(result, out)
    assert "pyproject.toml" in out and "tool.archlint" in out, out


def test_config_option_overrides_discovered_file(tmp_path: Path) -> None:
    """An explicit --config with an error is the one reported, not the discovered file."""
    project = make_project(tmp_path, P, pyproject('[tool.archlint]\npreset = "layered-v1"\n'))
    other = tmp_path / "other.toml"
    other.write_text('ignore = "RTR003"\n')
    result = run_check(str(project), "--config", str(other))
    out = combined(result)
    assert result.exit_code == 2, out
    assert_no_crash(result, out)
    assert "other.toml" in out, out
    assert names_key(out, "ignore"), out


def test_archlint_toml_wins_over_pyproject_in_same_folder(tmp_path: Path) -> None:
    """archlint.toml is read first: its error is reported, the pyproject table is not used."""
    project = make_project(tmp_path, P, pyproject('[tool.archlint]\npreset = "layered-v1"\n'))
    (project / A).write_text('select = ["XYZ"]\n')
    result = run_check(str(project))
    out = combined(result)
    assert result.exit_code == 2, out
    assert A in out and names_key(out, "select"), out


def test_cli_unknown_preset_names_the_option(tmp_path: Path) -> None:
    project = make_project(tmp_path, None, "")
    result = run_check(str(project), "--preset", "nope")
    out = combined(result)
    assert result.exit_code == 2, out
    assert_no_crash(result, out)
    assert "--preset" in out and "nope" in out, out


CLI_FLAGS = [
    pytest.param("--select", id="select"),
    pytest.param("--ignore", id="ignore"),
    pytest.param("--extend-select", id="extend-select"),
]


@pytest.mark.parametrize("flag", CLI_FLAGS)
def test_cli_unknown_code_names_the_option(tmp_path: Path, flag: str) -> None:
    project = make_project(tmp_path, None, "")
    result = run_check(str(project), flag, "XYZ999")
    out = combined(result)
    assert result.exit_code == 2, out
    assert_no_crash(result, out)
    assert "XYZ999" in out, out
    assert flag in out, out


@pytest.mark.parametrize("flag", CLI_FLAGS)
def test_cli_unknown_code_is_not_blamed_on_the_config_file(tmp_path: Path, flag: str) -> None:
    project = make_project(tmp_path, P, pyproject('[tool.archlint]\npreset = "layered-v1"\n'))
    result = run_check(str(project), flag, "XYZ999")
    out = combined(result)
    assert result.exit_code == 2, out
    assert_no_crash(result, out)
    assert "XYZ999" in out and flag in out, out
    assert "pyproject.toml" not in out and "tool.archlint" not in out, out


def test_config_errors_come_before_tree_errors(tmp_path: Path) -> None:
    """A bad rule option is reported even when the tree would also fail (no domain)."""
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "tool.py").write_text("x = 1\n")
    (tmp_path / P).write_text(
        pyproject(
            '[tool.archlint]\npreset = "layered-v1"\n[tool.archlint.rules.RTR003]\nmax_branches = "two"\n'
        )
    )
    result = run_check(str(tmp_path))
    out = combined(result)
    assert result.exit_code == 2, out
    assert_no_crash(result, out)
    assert names_key(out, "tool.archlint.rules.RTR003.max_branches"), out
