"""Find, read and validate ``[tool.archlint]`` (pyproject.toml) or ``archlint.toml``.

Every problem is a ConfigError naming the file and the key as the user wrote it
(``extend_select`` stays ``extend_select``); a file that is not UTF-8 TOML (binary, UTF-16,
a byte-order mark) is one too, never an internal error.
"""

from __future__ import annotations

import codecs
import json
import re
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
        "max-file-size",
        "require-reason",
        "imports",
    }
)
IMPORTS_KEYS = frozenset({"include-type-checking"})
LAYOUT_KEYS = frozenset({"domains", "shared", "roles", "required", "allow"})
SELECTOR_KEYS = frozenset({"select", "ignore", "extend-select", "warn"})

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def toml_key(key: str) -> str:
    """``key`` as it would be written in a dotted TOML key: bare, else quoted."""
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


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
    Rule selectors (select, ignore, extend-select, warn, per-file-ignores) are kept stripped
    and upper-case, the way they match. ``spellings`` maps each top-level key (kebab-case)
    to the spelling the file used, so that ``key_error`` names ``extend_select`` when the
    user wrote ``extend_select``.
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
    max_file_size: int = 2_000_000
    warn: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    require_reason: bool = False
    include_type_checking: bool = False
    spellings: Mapping[str, str] = field(default_factory=dict)

    def key_error(self, key: str, problem: str) -> ConfigError:
        """A ConfigError naming this config's file and ``tool.archlint.<key>``, the key's first
        part spelled as in the file (``extend_select``, ``per_file_ignores."tests/**"``)."""
        head, dot, rest = key.partition(".")
        key = self.spellings.get(head, head) + dot + rest
        in_pyproject = self.path is not None and Path(self.path).name == "pyproject.toml"
        dotted = f"tool.archlint.{key}" if in_pyproject else key
        return ConfigError(self.path or "<command line>", dotted, problem)


# --- reading the file ------------------------------------------------------------------------

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_SAVE_AS_UTF8 = "TOML files must be UTF-8: save it as UTF-8 (without a byte-order mark)"


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(str(path), "", f"cannot read: {exc.strerror or exc}") from None


def _decode(path: Path, raw: bytes) -> str:
    """The text of a TOML file, which must be UTF-8 (the TOML spec, and what pip reads)."""
    if raw.startswith(codecs.BOM_UTF8):
        raise ConfigError(
            str(path), "", f"invalid TOML: the file starts with a byte-order mark; {_SAVE_AS_UTF8}"
        )
    for bom, encoding in _WIDE_BOMS:
        if raw.startswith(bom):
            raise ConfigError(str(path), "", f"invalid TOML: the file is {encoding} text; {_SAVE_AS_UTF8}")
    if b"\x00" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        raise ConfigError(
            str(path),
            "",
            f"invalid TOML: NUL byte at line {line} (UTF-16 text, or not a text file); {_SAVE_AS_UTF8}",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            str(path),
            "",
            f"invalid TOML: not UTF-8 (byte 0x{raw[exc.start]:02x} at line {line}); {_SAVE_AS_UTF8}",
        ) from None


def _parse(path: Path, raw: bytes) -> dict[str, object]:
    text = _decode(path, raw)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "", f"invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(str(path), "", "invalid TOML: values nested too deeply to read") from None


def _table_of(path: Path, data: Mapping[str, object]) -> dict[str, object] | None:
    """The archlint table of a parsed config file, or None if a pyproject.toml has none."""
    if path.name != "pyproject.toml":
        return dict(data)
    tool = data.get("tool")
    if not isinstance(tool, dict) or "archlint" not in tool:
        return None
    table = tool["archlint"]
    if not isinstance(table, dict):
        raise ConfigError(str(path), "tool.archlint", f"expected a table, got {toml_type_name(table)}")
    return table


def _archlint_table(path: Path) -> dict[str, object] | None:
    """The archlint table of a config file, or None if a pyproject.toml has none."""
    return _table_of(path, _parse(path, _read_bytes(path)))


_NEEDLES = tuple(
    "archlint".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def _may_hold_table(raw: bytes) -> bool:
    """Whether a pyproject.toml archlint cannot read might hold ``[tool.archlint]``: it
    mentions archlint (in UTF-8, UTF-16 or UTF-32)."""
    return any(needle in raw for needle in _NEEDLES)


def _searched_pyproject(path: Path, start: Path) -> dict[str, object] | None:
    """The archlint table of a pyproject.toml met while searching, or None.

    A pyproject.toml archlint cannot read or parse is skipped when it cannot hold
    ``[tool.archlint]`` (another project's broken file above this one is none of our
    business), and is an error naming it when it might (its bytes mention archlint, or
    they cannot be read at all): silently running without the user's config would be worse.
    """
    raw: bytes | None = None
    try:
        raw = path.read_bytes()
        return _table_of(path, _parse(path, raw))
    except OSError as exc:
        error = ConfigError(str(path), "", f"cannot read: {exc.strerror or exc}")
    except ConfigError as exc:
        error = exc
    if raw is not None and not _may_hold_table(raw):
        return None
    problem = error.problem
    if path.parent != start:
        problem += (
            " (archlint looks for [tool.archlint] in each pyproject.toml above the checked path;"
            " --config names the file to use)"
        )
    raise ConfigError(error.path, error.key, problem)


def find_config(start: Path) -> Path | None:
    """The nearest ``archlint.toml`` or ``pyproject.toml`` with ``[tool.archlint]`` above ``start``."""
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        own = candidate / "archlint.toml"
        if own.is_file():
            return own
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _searched_pyproject(pyproject, directory) is not None:
            return pyproject
    return None


# --- validating the table ------------------------------------------------------------------


class _Reader:
    """Validates one table, naming ``prefix.key`` (the key as written) in every error."""

    def __init__(self, path: Path, prefix: str) -> None:
        self.path = str(path)
        self.prefix = prefix
        self.written: dict[str, str] = {}

    def join(self, written: str) -> str:
        """``prefix.written``, the key quoted if it is not a bare TOML key."""
        return f"{self.prefix}.{toml_key(written)}" if self.prefix else toml_key(written)

    def dotted(self, key: str) -> str:
        return self.join(self.written.get(key, key))

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.path, self.dotted(key), problem)

    def child(self, key: str) -> _Reader:
        return _Reader(Path(self.path), self.dotted(key))

    def string(self, table: Mapping[str, object], key: str) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(key, f"expected a string, got {toml_type_name(value)}")
        return value

    def boolean(self, table: Mapping[str, object], key: str) -> bool | None:
        value = table.get(key)
        if value is not None and not isinstance(value, bool):
            raise self.error(key, f"expected a boolean, got {toml_type_name(value)}")
        return value

    def positive(self, table: Mapping[str, object], key: str) -> int | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.error(key, f"expected an integer >= 1, got {toml_type_name(value)}")
        return value

    def strings(self, table: Mapping[str, object], key: str) -> tuple[str, ...] | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.error(key, f"expected a list of strings, got {toml_type_name(value)}")
        for item in value:
            if not isinstance(item, str):
                raise self.error(
                    key, f"expected a list of strings, got a list holding {toml_type_name(item)}"
                )
        return tuple(value)

    def selectors(self, table: Mapping[str, object], key: str) -> tuple[str, ...] | None:
        """Rule codes or prefixes, stripped and upper-case; an empty one is an error (it would
        be a prefix of every code: ``ignore = [""]`` would switch every rule off)."""
        values = self.strings(table, key)
        if values is None:
            return None
        for value in values:
            if not value.strip():
                raise self.error(
                    key, f"empty rule selector {value!r}: name a rule code or prefix, or remove it"
                )
        return tuple(value.strip().upper() for value in values)

    def table(self, table: Mapping[str, object], key: str) -> Mapping[str, object]:
        value = table.get(key, {})
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table, got {toml_type_name(value)}")
        return value

    def known(self, table: Mapping[str, object], allowed: frozenset[str]) -> None:
        for key in table:
            if key not in allowed:
                raise self.error(key, f"unknown key (expected one of: {', '.join(sorted(allowed))})")

    def normalise(self, table: Mapping[str, object]) -> dict[str, object]:
        """The table with kebab-case keys (``extend_select`` is read as ``extend-select``);
        remembers each key as written. A key given in both spellings is an error."""
        values: dict[str, object] = {}
        for key, value in table.items():
            canonical = key.replace("_", "-")
            if canonical in values:
                first = toml_key(self.written[canonical])
                raise ConfigError(self.path, self.join(key), f"given twice (also as {first}); keep one")
            values[canonical] = value
            self.written[canonical] = key
        return values


def _roles(reader: _Reader, table: Mapping[str, object]) -> dict[Role, tuple[str, ...]]:
    configurable = [r for r in Role if r not in (Role.OTHER, Role.SHARED)]
    roles: dict[Role, tuple[str, ...]] = {}
    for name in table:
        role = next((r for r in configurable if r.value == name), None)
        if role is None:
            expected = ", ".join(r.value for r in configurable)
            raise reader.error(name, f"unknown role (expected one of: {expected})")
        roles[role] = reader.strings(table, name) or ()
    return roles


def load_config(path: Path, project_root: Path | None = None) -> Config:
    """Read and validate the config file at ``path``; raises ConfigError naming file and key."""
    table = _archlint_table(path)
    if table is None:
        raise ConfigError(str(path), "tool.archlint", "no [tool.archlint] table in this file")
    reader = _Reader(path, "tool.archlint" if path.name == "pyproject.toml" else "")
    data = reader.normalise(table)
    reader.known(data, TOP_LEVEL_KEYS)
    layout_reader = reader.child("layout")
    layout_table = layout_reader.normalise(reader.table(data, "layout"))
    layout_reader.known(layout_table, LAYOUT_KEYS)
    roles = _roles(layout_reader.child("roles"), layout_reader.table(layout_table, "roles"))
    ignores_table = reader.table(data, "per-file-ignores")
    ignores_reader = reader.child("per-file-ignores")
    per_file_ignores = {
        pattern: ignores_reader.selectors(ignores_table, pattern) or () for pattern in ignores_table
    }
    imports_reader = reader.child("imports")
    imports_table = imports_reader.normalise(reader.table(data, "imports"))
    imports_reader.known(imports_table, IMPORTS_KEYS)
    rules_table = reader.table(data, "rules")
    rules_reader = reader.child("rules")
    rules: dict[str, Mapping[str, object]] = {}
    for code, options in rules_table.items():
        if not isinstance(options, dict):
            raise rules_reader.error(code, f"expected a table, got {toml_type_name(options)}")
        rules[code] = options
    return Config(
        path=str(path),
        project_root=project_root or path.parent,
        preset=reader.string(data, "preset"),
        root=reader.string(data, "root"),
        exclude=(reader.strings(data, "exclude") or ()) + (reader.strings(data, "extend-exclude") or ()),
        select=reader.selectors(data, "select"),
        ignore=reader.selectors(data, "ignore") or (),
        extend_select=reader.selectors(data, "extend-select") or (),
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
        max_file_size=reader.positive(data, "max-file-size") or 2_000_000,
        warn=reader.selectors(data, "warn") or (),
        per_file_ignores=per_file_ignores,
        require_reason=reader.boolean(data, "require-reason") or False,
        include_type_checking=bool(imports_reader.boolean(imports_table, "include-type-checking")),
        spellings=dict(reader.written),
    )


__all__ = ["IMPORTS_KEYS", "Config", "LayoutOverrides", "find_config", "load_config", "toml_key"]
