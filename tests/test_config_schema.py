"""The JSON Schema of ``[tool.archlint]`` (archlint/config/schema.json) stays in step with the
loader, accepts every valid config and rejects what the loader rejects; and the effective
settings of a project say what a run uses and where each setting came from."""

from __future__ import annotations

import json
import re
import shutil
import sys
import typing
from dataclasses import MISSING, fields
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from archlint.config import IMPORTS_KEYS, LAYOUT_KEYS, TOP_LEVEL_KEYS
from archlint.core import ConfigError, Role, UsageError
from archlint.engine.effective import effective_settings
from archlint.engine.initconfig import plan
from archlint.engine.project import CheckOptions, resolve_project
from archlint.engine.run import read_layout
from archlint.layouts import PRESETS
from archlint.rules import BUILTIN_RULES, DEFAULT_SESSION_NAMES
from archlint.rules.transport import DEFAULT_BANNED_NAMES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"


def load_schema() -> dict[str, typing.Any]:
    text = resources.files("archlint.config").joinpath("schema.json").read_text(encoding="utf-8")
    schema: dict[str, typing.Any] = json.loads(text)
    return schema


SCHEMA = load_schema()
VALIDATOR = Draft7Validator(SCHEMA)


def schema_errors(table: object) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(table)]


# -- (a) a valid draft-07 schema, shipped as package data ------------------------------------


def test_schema_is_valid_draft7() -> None:
    Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert SCHEMA["$id"] and SCHEMA["title"]


def test_schema_is_package_data() -> None:
    resource = resources.files("archlint.config").joinpath("schema.json")
    assert resource.is_file()
    assert json.loads(resource.read_text(encoding="utf-8"))["title"] == SCHEMA["title"]


def test_every_property_is_described() -> None:
    def walk(node: object, where: str) -> None:
        if not isinstance(node, dict):
            return
        for name, sub in node.get("properties", {}).items():
            assert sub.get("description"), f"{where}.{name} has no description"
            walk(sub, f"{where}.{name}")

    walk(SCHEMA, "tool.archlint")


# -- (b) in step with the loader, the roles, the presets and the rules -----------------------


def test_top_level_keys_match_the_loader() -> None:
    assert set(SCHEMA["properties"]) == TOP_LEVEL_KEYS
    assert SCHEMA["additionalProperties"] is False


def spellings(key: str) -> set[str]:
    return {key, key.replace("-", "_"), key.replace("_", "-")}


def test_each_key_with_a_hyphen_accepts_its_snake_case_spelling() -> None:
    """The loader reads ``extend_select`` as ``extend-select``: a pattern property per such key."""
    patterns = SCHEMA["patternProperties"]
    hyphenated = {key for key in TOP_LEVEL_KEYS if "-" in key}
    targets = {sub["$ref"].removeprefix("#/properties/") for sub in patterns.values()}
    assert targets == hyphenated
    for pattern, sub in patterns.items():
        key = sub["$ref"].removeprefix("#/properties/")
        for spelling in spellings(key):
            assert re.search(pattern, spelling), (pattern, spelling)
    for key in hyphenated:
        good = SCHEMA["properties"][key].get("default", {} if key == "per-file-ignores" else [])
        bad: object = "3" if key == "max-file-size" else 3  # the one integer key
        for spelling in spellings(key):
            assert schema_errors({spelling: good}) == [], spelling
            assert schema_errors({spelling: bad}), spelling


def test_layout_keys_match_the_loader() -> None:
    layout = SCHEMA["properties"]["layout"]
    assert set(layout["properties"]) == LAYOUT_KEYS
    assert layout["additionalProperties"] is False
    assert all("-" not in key and "_" not in key for key in LAYOUT_KEYS), "add pattern properties"


def test_imports_keys_match_the_loader() -> None:
    imports = SCHEMA["properties"]["imports"]
    assert set(imports["properties"]) == IMPORTS_KEYS
    assert imports["additionalProperties"] is False
    for key in IMPORTS_KEYS:
        assert schema_errors({"imports": {key.replace("-", "_"): True}}) == []
        assert schema_errors({"imports": {key: "yes"}})


def test_role_names_match_the_role_enum() -> None:
    roles = SCHEMA["properties"]["layout"]["properties"]["roles"]
    assert set(roles["properties"]) == {r.value for r in Role} - {Role.OTHER.value, Role.SHARED.value}
    assert roles["additionalProperties"] is False


def test_preset_enum_matches_the_presets() -> None:
    assert SCHEMA["properties"]["preset"]["enum"] == list(PRESETS)


def test_session_names_default_matches_the_rules() -> None:
    assert SCHEMA["properties"]["session-names"]["default"] == list(DEFAULT_SESSION_NAMES)


JSON_TYPES = {bool: "boolean", int: "integer", str: "string"}


@pytest.mark.parametrize("rule", BUILTIN_RULES, ids=lambda rule: rule.code)
def test_rule_options_match_the_options_type(rule: typing.Any) -> None:
    table = SCHEMA["properties"]["rules"]["properties"][rule.code]
    assert table["additionalProperties"] is False
    hints = typing.get_type_hints(rule.options_type)
    options = {f.name: f for f in fields(rule.options_type)}
    assert set(table["properties"]) == set(options)
    for name, field in options.items():
        option = table["properties"][name]
        assert option["type"] == JSON_TYPES.get(hints[name], "array"), name
        if field.default is not MISSING:
            default = field.default
            assert option.get("default") == (list(default) if isinstance(default, tuple) else default)
        # build_options reads max-branches as max_branches
        if "_" in name:
            kebab = name.replace("_", "-")
            assert any(re.search(p, kebab) for p in table.get("patternProperties", {})), kebab


def test_rule_codes_match_the_rules() -> None:
    rules = SCHEMA["properties"]["rules"]
    assert set(rules["properties"]) == {rule.code for rule in BUILTIN_RULES}
    assert rules["additionalProperties"] is False
    assert all(re.search(rules["propertyNames"]["pattern"], rule.code) for rule in BUILTIN_RULES)


# -- (c) every valid config validates; what the loader rejects, the schema rejects -----------


def archlint_tables() -> list[tuple[str, object]]:
    tables = []
    for path in sorted(FIXTURES.glob("**/pyproject.toml")):
        tool = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
        if "archlint" in tool:
            tables.append((str(path.relative_to(REPO)), tool["archlint"]))
    return tables


def readme_tables() -> list[tuple[str, object]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, re.S)
    tables = []
    for index, block in enumerate(blocks):
        tool = tomllib.loads(block).get("tool", {})
        if "archlint" in tool:
            tables.append((f"README.md toml block {index}", tool["archlint"]))
    return tables


def test_there_are_configs_to_validate() -> None:
    assert len(archlint_tables()) >= 10
    assert readme_tables()


@pytest.mark.parametrize(("where", "table"), archlint_tables() + readme_tables())
def test_repository_configs_validate(where: str, table: object) -> None:
    assert schema_errors(table) == [], where


FIXTURE_PROJECTS = sorted(path.parent for path in FIXTURES.glob("**/pyproject.toml"))


@pytest.mark.parametrize("project", FIXTURE_PROJECTS, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_what_init_writes_validates(project: Path) -> None:
    tree, _ = read_layout(CheckOptions(paths=(project,)))
    assert schema_errors(plan(tree).table) == []


def loader_accepts(tmp_path: Path, text: str) -> bool:
    """The loader's verdict on an archlint.toml: the config is checked before the tree, so an
    empty project fails for want of files only when the config is valid."""
    config = tmp_path / "archlint.toml"
    config.write_text(text, encoding="utf-8")
    try:
        resolve_project(CheckOptions(paths=(tmp_path,), config_file=config))
    except ConfigError:
        return False
    except UsageError:
        return True
    raise AssertionError("an empty project resolved")


ALL_ROLES = "".join(
    f'{role.value} = ["{role.value}.py"]\n' for role in Role if role not in (Role.OTHER, Role.SHARED)
)

VALID = {
    "empty": "",
    "everything": (
        'preset = "layered-v1"\nroot = "backend/src"\nexclude = ["legacy/**", "scripts"]\n'
        'extend-exclude = ["tmp"]\nselect = ["ALL"]\nignore = ["RTR003"]\nextend-select = ["SVC001"]\n'
        'session-names = ["session", "db"]\nextend-session-names = ["uow_session"]\n'
        'baseline = "archlint-baseline.json"\nwarn = ["RTR"]\n'
        '[layout]\ndomains = ["modules/*"]\nshared = ["core", "main.py"]\n'
        'roles.router = ["router.py", "endpoints.py"]\nrequired = ["endpoints.py"]\nallow = ["auth.py"]\n'
        "[rules.RTR003]\nmax_branches = 1\n[rules.RTR001]\n"
        '[per-file-ignores]\n"tests/**" = ["RTR", "REP001"]\n'
    ),
    "snake-case-keys": (
        'extend_select = ["RTR004"]\nextend_exclude = ["x"]\nsession_names = ["s"]\n'
        'extend_session_names = ["uow"]\nper_file_ignores = {"crud.py" = ["REP001"]}\n'
    ),
    "kebab-case-option": "[rules.RTR003]\nmax-branches = 2\n",
    "selectors-any-case-and-padding": 'select = ["all"]\nignore = ["lay"]\nwarn = [" SVC001 "]\n',
    "every-role": "[layout.roles]\n" + ALL_ROLES,
    "empty-lists": "select = []\nexclude = []\n[layout]\ndomains = []\nrequired = []\n",
    **{f"preset-{name}": f'preset = "{name}"\n' for name in PRESETS},
}

INVALID = {
    "unknown-key": 'colour = "red"\n',
    "unknown-preset": 'preset = "layered-v2"\n',
    "preset-not-a-string": "preset = 3\n",
    "root-not-a-string": 'root = ["backend/src"]\n',
    "exclude-not-a-list": 'exclude = "tests/**"\n',
    "extend-exclude-not-strings": "extend-exclude = [1, 2]\n",
    "select-not-a-list": 'select = "RTR"\n',
    "ignore-mixed-list": 'ignore = ["RTR003", 3]\n',
    "snake-key-wrong-type": "extend_select = true\n",
    "selector-malformed": 'select = ["RTR-003"]\n',
    "session-names-not-a-list": 'session-names = "db"\n',
    "baseline-not-a-string": 'baseline = ["a.json"]\n',
    "warn-not-a-list": 'warn = "RTR"\n',
    "per-file-ignores-not-a-list": 'per-file-ignores = {"tests/**" = "RTR001"}\n',
    "per-file-ignores-not-a-table": 'per-file-ignores = ["RTR001"]\n',
    "layout-not-a-table": 'layout = "layered-v1"\n',
    "layout-unknown-key": '[layout]\ndomainz = ["v1/*"]\n',
    "layout-root": "[layout]\nroot = 'x'\n",
    "layout-domains-not-a-list": '[layout]\ndomains = "v1/*"\n',
    "unknown-role": '[layout.roles]\nroutr = ["router.py"]\n',
    "role-other": '[layout.roles]\nother = ["misc.py"]\n',
    "role-shared": '[layout.roles]\nshared = ["core"]\n',
    "role-not-a-list": '[layout.roles]\nrouter = "router.py"\n',
    "rules-not-a-table": 'rules = ["RTR003"]\n',
    "rule-not-a-table": "[rules]\nRTR003 = 2\n",
    "unknown-rule": "[rules.XYZ999]\nx = 1\n",
    "unknown-option": "[rules.RTR003]\nmax_branchez = 1\n",
    "option-of-a-rule-without-options": "[rules.RTR001]\nstrict = true\n",
    "option-string": '[rules.RTR003]\nmax_branches = "two"\n',
    "option-negative": "[rules.RTR003]\nmax_branches = -1\n",
    "option-boolean": "[rules.RTR003]\nmax_branches = true\n",
    "option-float": "[rules.RTR003]\nmax_branches = 1.5\n",
}

# What the loader rejects and the schema cannot say: a key given in both spellings, and a
# well-formed selector that names no rule.
LOADER_ONLY = {
    "both-spellings": 'extend_select = ["RTR003"]\nextend-select = ["RTR001"]\n',
    "selector-of-no-rule": 'ignore = ["XYZ"]\n',
}


@pytest.mark.parametrize("text", VALID.values(), ids=VALID.keys())
def test_valid_configs_validate_and_load(tmp_path: Path, text: str) -> None:
    assert schema_errors(tomllib.loads(text)) == []
    assert loader_accepts(tmp_path, text)


@pytest.mark.parametrize("text", INVALID.values(), ids=INVALID.keys())
def test_invalid_configs_fail_both(tmp_path: Path, text: str) -> None:
    assert schema_errors(tomllib.loads(text)), "the schema accepts it"
    assert not loader_accepts(tmp_path, text), "the loader accepts it"


@pytest.mark.parametrize("text", LOADER_ONLY.values(), ids=LOADER_ONLY.keys())
def test_what_only_the_loader_catches(tmp_path: Path, text: str) -> None:
    assert schema_errors(tomllib.loads(text)) == []
    assert not loader_accepts(tmp_path, text)


# -- effective settings --------------------------------------------------------------------


def test_effective_settings_of_a_declared_preset() -> None:
    settings = effective_settings(CheckOptions(paths=(FIXTURES / "layered-v1" / "clean",)))
    json.dumps(settings)
    assert str(settings["config_file"]).endswith("pyproject.toml")
    assert settings["preset"] == {"name": "layered-v1", "source": "config"}
    assert settings["layout_mode"] == "declared"
    assert settings["root"] == "backend/src"
    selected = settings["selected"]
    assert isinstance(selected, dict)
    assert selected["RTR001"] == selected["REP001"] == selected["LAY001"] == "preset default"
    assert "RTR004" not in selected
    assert settings["ignored"] == {}
    with_options = {
        "RTR003": {"max_branches": 0},
        "SVC002": {"banned_names": list(DEFAULT_BANNED_NAMES)},
    }
    assert settings["rules"] == {code: {} for code in selected} | with_options
    assert settings["session_names"] == list(DEFAULT_SESSION_NAMES)


def test_effective_settings_of_a_detected_layout() -> None:
    settings = effective_settings(CheckOptions(paths=(FIXTURES / "shapes" / "house-spelling" / "clean",)))
    json.dumps(settings)
    assert settings["config_file"] is None
    assert settings["preset"] == {"name": "layered-v1", "source": "detected"}
    assert settings["layout_mode"] == "detected"
    assert settings["domains"]
    selected = settings["selected"]
    assert isinstance(selected, dict)
    assert {"RTR001", "RTR003", "SVC001", "LAY001"} <= set(selected)


def test_effective_settings_name_where_each_came_from(tmp_path: Path) -> None:
    project = tmp_path / "taskboard"
    shutil.copytree(FIXTURES / "layered-v1" / "clean", project)
    (project / "archlint.toml").write_text(
        'preset = "layered-v1"\nselect = ["RTR001", "RTR002", "RTR003", "LAY"]\n'
        'extend-select = ["SVC001"]\nignore = ["LAY003"]\n'
        'warn = ["RTR003"]\nbaseline = "archlint-baseline.json"\nextend-session-names = ["uow"]\n'
        '[rules.RTR003]\nmax-branches = 2\n[per-file-ignores]\n"backend/src/core/**" = ["RTR"]\n',
        encoding="utf-8",
    )
    options = CheckOptions(
        paths=(project,), extend_select=("RTR004",), ignore=("RTR002",), preset="layered-v1"
    )
    settings = effective_settings(options)
    json.dumps(settings)
    assert settings["config_file"] == str((project / "archlint.toml").resolve())
    assert settings["preset"] == {"name": "layered-v1", "source": "command line"}
    assert settings["selected"] == {
        "LAY001": "config select",
        "LAY002": "config select",
        "LAY004": "config select",
        "LAY005": "config select",
        "RTR001": "config select",
        "RTR003": "config select",
        "RTR004": "command line extend-select",
        "SVC001": "config extend-select",
        "SYN001": "always on",
    }
    assert settings["ignored"] == {"LAY003": "config ignore", "RTR002": "command line ignore"}
    assert settings["warn"] == ["RTR003"]
    assert settings["baseline"] == str(project.resolve() / "archlint-baseline.json")
    assert settings["per_file_ignores"] == {"backend/src/core/**": ["RTR"]}
    assert settings["session_names"] == [*DEFAULT_SESSION_NAMES, "uow"]
    rules = settings["rules"]
    assert isinstance(rules, dict)
    assert rules["RTR003"] == {"max_branches": 2}


def test_archlint_config_prints_the_effective_settings() -> None:
    from typer.testing import CliRunner

    from archlint.cli import app

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "layered-v1" / "clean"
    result = CliRunner().invoke(app, ["config", str(fixture)])
    assert result.exit_code == 0, result.output
    settings = json.loads(result.stdout)
    assert settings["preset"] == {"name": "layered-v1", "source": "config"}
    assert settings["selected"]["REP001"] == "preset default"
