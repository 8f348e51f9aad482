"""A table of malformed configurations: each ends ``archlint check`` with exit 2 and one line.

Every case copies the clean layered-v1 fixture to a temporary folder, replaces its
pyproject.toml (or writes an archlint.toml next to it, or a broken pyproject.toml in the folder
above, which ``find_config`` walks past), and runs the CLI in-process. The run must exit 2 with
exactly one ``archlint: error:`` line naming the config file and the key as the user wrote it
(``extend_select`` when they wrote ``extend_select``), and nothing like a traceback.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from archlint.cli import app

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "layered-v1" / "clean"

runner = CliRunner()

P = "pyproject.toml"
A = "archlint.toml"
PARENT = "../pyproject.toml"  # a pyproject.toml in the folder above the project


@dataclass(frozen=True)
class Case:
    id: str
    where: str  # P, A or PARENT
    content: str | bytes
    key: str | None  # the dotted key the message must name, as written; None: the file only


def pyproject(body: str) -> str:
    return '[project]\nname = "taskboard-api"\nversion = "0.1.0"\n\n' + body


def tool(body: str) -> str:
    """A pyproject.toml whose ``[tool.archlint]`` table holds ``body``."""
    return pyproject("[tool.archlint]\n" + body)


def utf16(text: str, encoding: str = "utf-16") -> bytes:
    return text.encode(encoding)


VALID_TABLE = '[tool.archlint]\npreset = "layered-v1"\n'
T = "tool.archlint"

ENCODINGS = [
    Case("binary-png-header", P, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR[tool.archlint]\xff\xd8", None),
    Case("binary-all-bytes", P, bytes(range(256)) + b"\n[tool.archlint]\n", None),
    Case("binary-no-nul", P, b"\xff\xfa\xc0\xc1 [tool.archlint] \xfe", None),
    Case("utf16-le-bom", P, utf16(pyproject(VALID_TABLE)), None),
    Case("utf16-be-bom", P, codecs.BOM_UTF16_BE + utf16(pyproject(VALID_TABLE), "utf-16-be"), None),
    Case("utf16-le-without-bom", P, utf16(pyproject(VALID_TABLE), "utf-16-le"), None),
    Case("utf16-be-without-bom", P, utf16(pyproject(VALID_TABLE), "utf-16-be"), None),
    Case("utf32-bom", P, pyproject(VALID_TABLE).encode("utf-32"), None),
    Case("utf8-bom", P, codecs.BOM_UTF8 + pyproject(VALID_TABLE).encode(), None),
    Case("latin-1", P, pyproject('# café\n[tool.archlint]\npreset = "layered-v1"\n').encode("latin-1"), None),
    Case("nul-byte-in-utf8", P, pyproject(VALID_TABLE + "\x00\n").encode(), None),
    Case("archlint-toml-binary", A, b"\x00\x01\x02\xff\xfe\xfd", None),
    Case("archlint-toml-utf16", A, utf16('preset = "layered-v1"\n'), None),
    Case("archlint-toml-utf16-without-bom", A, utf16('preset = "layered-v1"\n', "utf-16-le"), None),
    Case("archlint-toml-utf8-bom", A, codecs.BOM_UTF8 + b'preset = "layered-v1"\n', None),
    Case("archlint-toml-latin-1", A, "# café\npreset = 'layered-v1'\n".encode("latin-1"), None),
    Case("parent-binary", PARENT, b"\x89PNG\x00\x00[tool.archlint]\xff", None),
    Case("parent-utf16", PARENT, utf16(pyproject(VALID_TABLE)), None),
    Case("parent-utf16-without-bom", PARENT, utf16(pyproject(VALID_TABLE), "utf-16-le"), None),
    Case("parent-utf8-bom", PARENT, codecs.BOM_UTF8 + pyproject(VALID_TABLE).encode(), None),
    Case("parent-invalid-toml", PARENT, pyproject('[tool.archlint\npreset = "layered-v1"\n'), None),
]

INVALID_TOML = [
    Case("unclosed-string", P, tool('preset = "layered-v1\n'), None),
    Case("unclosed-table-header", P, pyproject('[tool.archlint\npreset = "layered-v1"\n'), None),
    Case("duplicate-key", P, tool("preset = 1\npreset = 2\n"), None),
    Case("duplicate-table", P, tool('preset = "layered-v1"\n') + '[tool.archlint]\nroot = "x"\n', None),
    Case("bare-string-value", P, tool("preset = layered-v1\n"), None),
    Case("double-comma", P, tool("select = [1,,]\n"), None),
    Case("nested-too-deeply", P, tool("select = " + "[" * 5000 + "\n"), None),
    Case("inline-table-newline", P, tool('per-file-ignores = {"a" = ["RTR"],\n}\n'), None),
    Case("archlint-toml-invalid", A, 'preset = "layered-v1"\nselect = [1,,]\n', None),
    Case("lone-surrogate-escape", P, tool('"\\ud800" = 1\n'), None),
    Case("archlint-toml-control-char", A, 'preset = "layered\x01-v1"\n', None),
]

TABLE_SHAPE = [
    Case("tool-archlint-string", P, pyproject('[tool]\narchlint = "layered-v1"\n'), T),
    Case("tool-archlint-list", P, 'tool.archlint = ["RTR"]\n[project]\nname = "taskboard-api"\n', T),
]

WRONG_TYPES = [
    Case("preset-integer", P, tool("preset = 3\n"), f"{T}.preset"),
    Case("preset-list", P, tool('preset = ["layered-v1"]\n'), f"{T}.preset"),
    Case("root-integer", P, tool("root = 1\n"), f"{T}.root"),
    Case("root-list", P, tool('root = ["backend/src"]\n'), f"{T}.root"),
    Case("exclude-string", P, tool('exclude = "tests/**"\n'), f"{T}.exclude"),
    Case("exclude-list-of-integers", P, tool("exclude = [1]\n"), f"{T}.exclude"),
    Case("extend-exclude-string", P, tool('extend-exclude = "x"\n'), f"{T}.extend-exclude"),
    Case("extend_exclude-booleans", P, tool("extend_exclude = [true]\n"), f"{T}.extend_exclude"),
    Case("select-string", P, tool('select = "RTR"\n'), f"{T}.select"),
    Case("select-integers", P, tool("select = [1]\n"), f"{T}.select"),
    Case("ignore-string", P, tool('ignore = "RTR"\n'), f"{T}.ignore"),
    Case("ignore-nested-list", P, tool('ignore = [["RTR"]]\n'), f"{T}.ignore"),
    Case("extend-select-boolean", P, tool("extend-select = true\n"), f"{T}.extend-select"),
    Case("extend_select-string", P, tool('extend_select = "RTR"\n'), f"{T}.extend_select"),
    Case("session-names-string", P, tool('session-names = "db"\n'), f"{T}.session-names"),
    Case("session_names-integers", P, tool("session_names = [1]\n"), f"{T}.session_names"),
    Case(
        "extend-session-names-table", P, tool("extend-session-names = {a = 1}\n"), f"{T}.extend-session-names"
    ),
    Case(
        "extend_session_names-string", P, tool('extend_session_names = "uow"\n'), f"{T}.extend_session_names"
    ),
    Case("baseline-list", P, tool('baseline = ["a.json"]\n'), f"{T}.baseline"),
    Case("baseline-date", P, tool("baseline = 2024-01-01\n"), f"{T}.baseline"),
    Case("warn-string", P, tool('warn = "RTR"\n'), f"{T}.warn"),
    Case("warn-floats", P, tool("warn = [1.5]\n"), f"{T}.warn"),
    Case("per-file-ignores-list", P, tool('per-file-ignores = ["RTR001"]\n'), f"{T}.per-file-ignores"),
    Case("per_file_ignores-string", P, tool('per_file_ignores = "x"\n'), f"{T}.per_file_ignores"),
    Case(
        "per-file-ignores-value-string",
        P,
        tool('per-file-ignores = {"tests/**" = "RTR001"}\n'),
        f'{T}.per-file-ignores."tests/**"',
    ),
    Case(
        "per_file_ignores-value-integers",
        P,
        tool('per_file_ignores = {"tests/**" = [1]}\n'),
        f'{T}.per_file_ignores."tests/**"',
    ),
    Case("layout-string", P, tool('layout = "layered-v1"\n'), f"{T}.layout"),
    Case(
        "layout-domains-string",
        P,
        pyproject('[tool.archlint.layout]\ndomains = "v1/*"\n'),
        f"{T}.layout.domains",
    ),
    Case(
        "layout-domains-date",
        P,
        pyproject("[tool.archlint.layout]\ndomains = 1979-05-27\n"),
        f"{T}.layout.domains",
    ),
    Case("layout-shared-integer", P, pyproject("[tool.archlint.layout]\nshared = 3\n"), f"{T}.layout.shared"),
    Case("layout-roles-list", P, pyproject('[tool.archlint.layout]\nroles = ["x"]\n'), f"{T}.layout.roles"),
    Case(
        "layout-role-string",
        P,
        pyproject('[tool.archlint.layout.roles]\nrouter = "router.py"\n'),
        f"{T}.layout.roles.router",
    ),
    Case(
        "layout-role-integers",
        P,
        pyproject("[tool.archlint.layout.roles]\nservice = [1]\n"),
        f"{T}.layout.roles.service",
    ),
    Case(
        "layout-required-tables",
        P,
        pyproject("[tool.archlint.layout]\nrequired = [{a = 1}]\n"),
        f"{T}.layout.required",
    ),
    Case(
        "layout-allow-string",
        P,
        pyproject('[tool.archlint.layout]\nallow = "auth.py"\n'),
        f"{T}.layout.allow",
    ),
    Case("rules-list", P, tool('rules = ["RTR003"]\n'), f"{T}.rules"),
    Case("rule-integer", P, pyproject("[tool.archlint.rules]\nRTR003 = 2\n"), f"{T}.rules.RTR003"),
    Case(
        "option-string",
        P,
        pyproject('[tool.archlint.rules.RTR003]\nmax_branches = "two"\n'),
        f"{T}.rules.RTR003.max_branches",
    ),
    Case(
        "option-negative",
        P,
        pyproject("[tool.archlint.rules.RTR003]\nmax_branches = -1\n"),
        f"{T}.rules.RTR003.max_branches",
    ),
    Case(
        "option-boolean",
        P,
        pyproject("[tool.archlint.rules.RTR003]\nmax_branches = true\n"),
        f"{T}.rules.RTR003.max_branches",
    ),
    Case(
        "option-float",
        P,
        pyproject("[tool.archlint.rules.RTR003]\nmax_branches = 1.5\n"),
        f"{T}.rules.RTR003.max_branches",
    ),
    Case(
        "option-dashed-list",
        P,
        pyproject("[tool.archlint.rules.RTR003]\nmax-branches = [1]\n"),
        f"{T}.rules.RTR003.max-branches",
    ),
    Case("archlint-toml-select-string", A, 'select = "RTR"\n', "select"),
    Case("archlint-toml-extend_select-boolean", A, "extend_select = false\n", "extend_select"),
    Case("archlint-toml-role-string", A, '[layout.roles]\nrouter = "router.py"\n', "layout.roles.router"),
    Case(
        "archlint-toml-option-string",
        A,
        '[rules.RTR003]\nmax-branches = "two"\n',
        "rules.RTR003.max-branches",
    ),
]

UNKNOWN_KEYS = [
    Case("unknown-key", P, tool('colour = "red"\n'), f"{T}.colour"),
    Case("unknown-key-underscores", P, tool("extend_colour = 1\n"), f"{T}.extend_colour"),
    Case("unknown-key-dashes", P, tool("extend-colour = 1\n"), f"{T}.extend-colour"),
    Case("unknown-key-plural", P, tool('selects = ["RTR"]\n'), f"{T}.selects"),
    Case("unknown-key-capitalised", P, tool('Select = ["RTR"]\n'), f"{T}.Select"),
    Case("unknown-key-double-underscore", P, tool('extend__select = ["RTR"]\n'), f"{T}.extend__select"),
    Case("unknown-key-with-space", P, tool('"extend select" = ["RTR"]\n'), f'{T}."extend select"'),
    Case("unknown-key-with-newline", P, tool('"col\\nour" = 1\n'), f'{T}."col\\nour"'),
    Case(
        "layout-unknown-key",
        P,
        pyproject('[tool.archlint.layout]\ndomainz = ["v1/*"]\n'),
        f"{T}.layout.domainz",
    ),
    Case(
        "layout-unknown-key-underscores",
        P,
        pyproject('[tool.archlint.layout]\nextend_domains = ["v1/*"]\n'),
        f"{T}.layout.extend_domains",
    ),
    Case("layout-root", P, pyproject("[tool.archlint.layout]\nroot = 'x'\n"), f"{T}.layout.root"),
    Case(
        "unknown-option",
        P,
        pyproject("[tool.archlint.rules.RTR003]\nmax_branchez = 1\n"),
        f"{T}.rules.RTR003.max_branchez",
    ),
    Case(
        "option-of-rule-without-options",
        P,
        pyproject("[tool.archlint.rules.RTR001]\nstrict_mode = true\n"),
        f"{T}.rules.RTR001.strict_mode",
    ),
    Case("archlint-toml-unknown-key", A, "extend_colour = 1\n", "extend_colour"),
    Case("archlint-toml-layout-unknown-key", A, "[layout]\nextend-shared = []\n", "layout.extend-shared"),
]

UNKNOWN_NAMES = [
    Case(
        "unknown-role",
        P,
        pyproject('[tool.archlint.layout.roles]\nroutr = ["router.py"]\n'),
        f"{T}.layout.roles.routr",
    ),
    Case(
        "role-other",
        P,
        pyproject('[tool.archlint.layout.roles]\nother = ["misc.py"]\n'),
        f"{T}.layout.roles.other",
    ),
    Case(
        "role-shared",
        P,
        pyproject('[tool.archlint.layout.roles]\nshared = ["core"]\n'),
        f"{T}.layout.roles.shared",
    ),
    Case(
        "role-capitalised",
        P,
        pyproject('[tool.archlint.layout.roles]\nRouter = ["router.py"]\n'),
        f"{T}.layout.roles.Router",
    ),
    Case(
        "role-with-space",
        P,
        pyproject('[tool.archlint.layout.roles]\n"http router" = ["router.py"]\n'),
        f'{T}.layout.roles."http router"',
    ),
    Case("unknown-preset", P, tool('preset = "layered-v2"\n'), f"{T}.preset"),
    Case("empty-preset", P, tool('preset = ""\n'), f"{T}.preset"),
    Case("preset-capitalised", P, tool('preset = "Layered-V1"\n'), f"{T}.preset"),
    Case("unknown-code-in-select", P, tool('select = ["RTR003", "XYZ"]\n'), f"{T}.select"),
    Case("unknown-code-in-ignore", P, tool('ignore = ["NOPE1"]\n'), f"{T}.ignore"),
    Case("unknown-code-in-extend-select", P, tool('extend-select = ["QQQ"]\n'), f"{T}.extend-select"),
    Case("unknown-code-in-extend_select", P, tool('extend_select = ["QQQ"]\n'), f"{T}.extend_select"),
    Case("unknown-code-in-warn", P, tool('warn = ["ZZZ"]\n'), f"{T}.warn"),
    Case("malformed-code-in-select", P, tool('select = ["RTR-003"]\n'), f"{T}.select"),
    Case(
        "unknown-code-in-per-file-ignores",
        P,
        tool('per-file-ignores = {"tests/**" = ["XYZ"]}\n'),
        f'{T}.per-file-ignores."tests/**"',
    ),
    Case(
        "unknown-code-in-per_file_ignores",
        P,
        tool('per_file_ignores = {"tests/**" = ["XYZ"]}\n'),
        f'{T}.per_file_ignores."tests/**"',
    ),
    Case("unknown-rule-table", P, pyproject("[tool.archlint.rules.XYZ999]\nx = 1\n"), f"{T}.rules.XYZ999"),
    Case(
        "rule-table-lower-case",
        P,
        pyproject("[tool.archlint.rules.rtr003]\nmax_branches = 1\n"),
        f"{T}.rules.rtr003",
    ),
    Case("archlint-toml-unknown-preset", A, 'preset = "nope"\n', "preset"),
    Case("archlint-toml-unknown-role", A, '[layout.roles]\nroutr = ["router.py"]\n', "layout.roles.routr"),
    Case("archlint-toml-unknown-rule", A, "[rules.XYZ999]\nx = 1\n", "rules.XYZ999"),
    Case("archlint-toml-unknown-code-in-extend_select", A, 'extend_select = ["QQQ"]\n', "extend_select"),
]

EMPTY_SELECTORS = [
    Case("select-empty-string", P, tool('select = [""]\n'), f"{T}.select"),
    Case("select-blank", P, tool('select = [" "]\n'), f"{T}.select"),
    Case("ignore-empty-string", P, tool('ignore = [""]\n'), f"{T}.ignore"),
    Case("ignore-empty-among-codes", P, tool('ignore = ["RTR001", ""]\n'), f"{T}.ignore"),
    Case("extend-select-empty-string", P, tool('extend-select = [""]\n'), f"{T}.extend-select"),
    Case("extend_select-blank", P, tool('extend_select = ["  "]\n'), f"{T}.extend_select"),
    Case("warn-empty-string", P, tool('warn = [""]\n'), f"{T}.warn"),
    Case(
        "per-file-ignores-empty-string",
        P,
        tool('per-file-ignores = {"tests/**" = [""]}\n'),
        f'{T}.per-file-ignores."tests/**"',
    ),
    Case("archlint-toml-ignore-empty-string", A, 'ignore = [""]\n', "ignore"),
    Case("archlint-toml-extend_select-tab", A, 'extend_select = ["\\t"]\n', "extend_select"),
]

DUPLICATE_SPELLINGS = [
    Case(
        "extend_select-then-extend-select",
        P,
        tool('extend_select = ["RTR003"]\nextend-select = ["RTR001"]\n'),
        f"{T}.extend-select",
    ),
    Case(
        "extend-select-then-extend_select",
        P,
        tool('extend-select = ["RTR003"]\nextend_select = ["RTR001"]\n'),
        f"{T}.extend_select",
    ),
    Case(
        "extend-exclude-both",
        P,
        tool('extend-exclude = ["a"]\nextend_exclude = ["b"]\n'),
        f"{T}.extend_exclude",
    ),
    Case(
        "session-names-both", P, tool('session_names = ["db"]\nsession-names = ["s"]\n'), f"{T}.session-names"
    ),
    Case(
        "per-file-ignores-both",
        P,
        tool('per-file-ignores = {"a" = ["RTR"]}\nper_file_ignores = {"b" = ["RTR"]}\n'),
        f"{T}.per_file_ignores",
    ),
    Case(
        "option-both",
        P,
        pyproject("[tool.archlint.rules.RTR003]\nmax_branches = 1\nmax-branches = 2\n"),
        f"{T}.rules.RTR003.max-branches",
    ),
    Case(
        "archlint-toml-both", A, 'extend-select = ["RTR003"]\nextend_select = ["RTR001"]\n', "extend_select"
    ),
]

CASES = ENCODINGS + INVALID_TOML + TABLE_SHAPE + WRONG_TYPES + UNKNOWN_KEYS + UNKNOWN_NAMES + EMPTY_SELECTORS
CASES += DUPLICATE_SPELLINGS


def make_project(tmp_path: Path) -> Path:
    """The clean layered-v1 fixture, copied (without its cache) under ``tmp_path``."""
    project = tmp_path / "taskboard"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".archlint_cache"))
    return project


def write(path: Path, content: str | bytes) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="\n")


def place(project: Path, case: Case) -> Path:
    """Write the case's file; the config file the message must name."""
    if case.where == PARENT:
        # The project's own pyproject.toml has no [tool.archlint]: the search goes on upwards.
        write(project / P, pyproject("[tool.ruff]\nline-length = 100\n"))
        target = project.parent / P
    else:
        target = project / case.where
    write(target, case.content)
    return target


def output(result: Result) -> str:
    parts = [result.stdout]
    with contextlib.suppress(ValueError):  # a click without separate stderr
        parts.append(result.stderr)
    return "\n".join(parts)


def names_key(message: str, key: str) -> bool:
    """``key`` appears as a whole dotted key: not as part of a longer key on either side."""
    return re.search(rf"(?<![\w.-]){re.escape(key)}(?![\w-]|\.\w)", message) is not None


def test_the_table_is_large() -> None:
    assert len(CASES) >= 75
    assert len({case.id for case in CASES}) == len(CASES)


def test_control_the_copied_fixture_is_clean(tmp_path: Path) -> None:
    """Every exit 2 below comes from the config: the backend itself passes."""
    project = make_project(tmp_path)
    result = runner.invoke(app, ["check", str(project)])
    assert result.exit_code == 0, output(result)


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_malformed_config_is_one_clear_error(tmp_path: Path, case: Case) -> None:
    project = make_project(tmp_path)
    target = place(project, case)
    result = runner.invoke(app, ["check", str(project)])
    out = output(result)
    assert result.exit_code == 2, out
    assert "Traceback" not in out and "internal error" not in out, out
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    errors = [line for line in out.splitlines() if line.startswith("archlint: error:")]
    assert len(errors) == 1, out
    assert len([line for line in out.splitlines() if line.strip()]) == 1, f"one line only: {out!r}"
    line = errors[0]
    assert str(target) in line, f"expected {target} in: {line}"
    if case.key is not None:
        assert names_key(line, case.key), f"expected key {case.key!r} in: {line}"
    if case.where == A:
        assert "tool.archlint" not in line, f"archlint.toml keys have no prefix: {line}"


def test_broken_pyproject_above_that_cannot_hold_the_table_is_skipped(tmp_path: Path) -> None:
    """Another project's broken pyproject.toml above this one (no mention of archlint) does not
    stop the run: it cannot hold [tool.archlint]."""
    project = make_project(tmp_path)
    write(project / P, pyproject("[tool.ruff]\nline-length = 100\n"))
    write(tmp_path / P, b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    result = runner.invoke(app, ["check", str(project)])
    assert result.exit_code == 0, output(result)


def test_broken_utf16_pyproject_above_without_archlint_is_skipped(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    write(project / P, pyproject("[tool.ruff]\nline-length = 100\n"))
    write(tmp_path / P, utf16(pyproject("[tool.ruff]\nline-length = 100\n")))
    result = runner.invoke(app, ["check", str(project)])
    assert result.exit_code == 0, output(result)


def test_project_config_is_found_below_a_broken_parent(tmp_path: Path) -> None:
    """The search stops at the project's own [tool.archlint]: a broken file above is never read."""
    project = make_project(tmp_path)
    write(tmp_path / P, utf16(pyproject(VALID_TABLE)))
    result = runner.invoke(app, ["check", str(project)])
    assert result.exit_code == 0, output(result)


def test_config_option_names_a_binary_file(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    config = tmp_path / "custom.toml"
    write(config, b"\x00\x01\x02")
    result = runner.invoke(app, ["check", str(project), "--config", str(config)])
    out = output(result)
    assert result.exit_code == 2, out
    assert "custom.toml" in out and "Traceback" not in out, out
