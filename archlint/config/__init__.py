"""Find, read and validate ``[tool.archlint]`` (pyproject.toml) or ``archlint.toml``."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from archlint.core import ConfigError, Role, toml_type_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

TOP_LEVEL_KEYS = frozenset(
    {
        "preset",
        "root",
        "exclude",
        "extend-exclude",
        "select",
        "ignore",
        "extend-select",
        "session-names",
        "extend-session-names",
        "layout",
        "rules",
        "baseline",
        "warn",
        "per-file-ignores",
    }
)
LAYOUT_KEYS = frozenset({"domains", "shared", "roles", "required", "allow"})


@dataclass(frozen=True, slots=True)
class LayoutOverrides:
    """``[tool.archlint.layout]``: each key given replaces the preset's value."""

    domains: tuple[str, ...] | None = None
    shared: tuple[str, ...] | None = None
    roles: Mapping[Role, tuple[str, ...]] = field(default_factory=dict)
    required: tuple[str, ...] | None = None
    allow: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Config:
    """The validated configuration of one project.

    ``rules`` keeps each rule's option table as written; the engine checks it against the
    rule's options type (config knows no rules) and reports errors with the same file and key.
    """

    path: str | None = None
    project_root: Path = Path(".")
    preset: str | None = None
    root: str | None = None
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    session_names: tuple[str, ...] | None = None
    extend_session_names: tuple[str, ...] = ()
    layout: LayoutOverrides = LayoutOverrides()
    rules: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    baseline: str | None = None
    warn: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def key_error(self, key: str, problem: str) -> ConfigError:
        """A ConfigError naming this config's file and ``tool.archlint.<key>``."""
        prefix = "tool.archlint" if self.path and self.path.endswith("pyproject.toml") else ""
        dotted = f"{prefix}.{key}" if prefix else key
        return ConfigError(self.path or "<command line>", dotted, problem)


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "", f"invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(str(path), "", f"cannot read: {exc.strerror}") from None


def _archlint_table(path: Path) -> dict[str, object] | None:
    """The archlint table of a config file, or None if a pyproject.toml has none."""
    data = _read_toml(path)
    if path.name != "pyproject.toml":
        return data
    tool = data.get("tool")
    if not isinstance(tool, dict) or "archlint" not in tool:
        return None
    table = tool["archlint"]
    if not isinstance(table, dict):
        raise ConfigError(str(path), "tool.archlint", "expected a table")
    return table


def find_config(start: Path) -> Path | None:
    """The nearest ``archlint.toml`` or ``pyproject.toml`` with ``[tool.archlint]`` above ``start``."""
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        own = candidate / "archlint.toml"
        if own.is_file():
            return own
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _archlint_table(pyproject) is not None:
            return pyproject
    return None


class _Reader:
    """Validates one table, naming ``prefix.key`` in every error."""

    def __init__(self, path: Path, prefix: str) -> None:
        self.path = str(path)
        self.prefix = prefix
        self.written: dict[str, str] = {}

    def error(self, key: str, problem: str) -> ConfigError:
        key = self.written.get(key, key)
        dotted = f"{self.prefix}.{key}" if self.prefix else key
        return ConfigError(self.path, dotted, problem)

    def string(self, table: Mapping[str, object], key: str) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(key, f"expected a string, got {toml_type_name(value)}")
        return value

    def strings(self, table: Mapping[str, object], key: str) -> tuple[str, ...] | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, f"expected a list of strings, got {toml_type_name(value)}")
        return tuple(value)

    def table(self, table: Mapping[str, object], key: str) -> Mapping[str, object]:
        value = table.get(key, {})
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table, got {toml_type_name(value)}")
        return value

    def known(self, table: Mapping[str, object], allowed: frozenset[str]) -> None:
        for key in table:
            if key not in allowed:
                raise self.error(key, f"unknown key (expected one of: {', '.join(sorted(allowed))})")


def _normalise(table: Mapping[str, object], reader: _Reader) -> tuple[dict[str, object], dict[str, str]]:
    """Keys in kebab-case (``extend_select`` is accepted too), and each one as written."""
    values: dict[str, object] = {}
    written: dict[str, str] = {}
    for key, value in table.items():
        canonical = key.replace("_", "-")
        if canonical in values:
            raise reader.error(key, f"given twice (also as {written[canonical]!r}); keep one")
        values[canonical] = value
        written[canonical] = key
    return values, written


def load_config(path: Path, project_root: Path | None = None) -> Config:
    """Read and validate the config file at ``path``; raises ConfigError naming file and key."""
    table = _archlint_table(path)
    if table is None:
        raise ConfigError(str(path), "tool.archlint", "no [tool.archlint] table in this file")
    prefix = "tool.archlint" if path.name == "pyproject.toml" else ""
    reader = _Reader(path, prefix)
    data, reader.written = _normalise(table, reader)
    reader.known(data, TOP_LEVEL_KEYS)
    layout_reader = _Reader(path, reader.error("layout", "").key)
    layout_table, layout_reader.written = _normalise(reader.table(data, "layout"), layout_reader)
    layout_reader.known(layout_table, LAYOUT_KEYS)
    roles_table = layout_reader.table(layout_table, "roles")
    roles_reader = _Reader(path, layout_reader.error("roles", "").key)
    roles: dict[Role, tuple[str, ...]] = {}
    for role_name in roles_table:
        try:
            role = Role(role_name)
            if role in (Role.OTHER, Role.SHARED):
                raise ValueError(role_name)
        except ValueError:
            valid_roles = ", ".join(r.value for r in Role if r not in (Role.OTHER, Role.SHARED))
            raise roles_reader.error(role_name, f"unknown role (expected one of: {valid_roles})") from None
        names = roles_reader.strings(roles_table, role_name)
        roles[role] = names or ()
    ignores_table = reader.table(data, "per-file-ignores")
    ignores_reader = _Reader(path, reader.error("per-file-ignores", "").key)
    per_file_ignores = {
        pattern: ignores_reader.strings(ignores_table, pattern) or () for pattern in ignores_table
    }
    rules_table = reader.table(data, "rules")
    rules: dict[str, Mapping[str, object]] = {}
    for code, options in rules_table.items():
        if not isinstance(options, dict):
            raise reader.error(f"rules.{code}", f"expected a table, got {toml_type_name(options)}")
        rules[code] = options
    return Config(
        path=str(path),
        project_root=project_root or path.parent,
        preset=reader.string(data, "preset"),
        root=reader.string(data, "root"),
        exclude=(reader.strings(data, "exclude") or ()) + (reader.strings(data, "extend-exclude") or ()),
        select=reader.strings(data, "select"),
        ignore=reader.strings(data, "ignore") or (),
        extend_select=reader.strings(data, "extend-select") or (),
        session_names=reader.strings(data, "session-names"),
        extend_session_names=reader.strings(data, "extend-session-names") or (),
        layout=LayoutOverrides(
            domains=layout_reader.strings(layout_table, "domains"),
            shared=layout_reader.strings(layout_table, "shared"),
            roles=roles,
            required=layout_reader.strings(layout_table, "required"),
            allow=layout_reader.strings(layout_table, "allow") or (),
        ),
        rules=rules,
        baseline=reader.string(data, "baseline"),
        warn=reader.strings(data, "warn") or (),
        per_file_ignores=per_file_ignores,
    )


__all__ = ["Config", "LayoutOverrides", "find_config", "load_config"]
