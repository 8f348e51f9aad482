"""Which rules run (select / ignore / extend-select, like ruff) and with which options."""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields
from typing import Any

from archlint.core import ConfigError, toml_type_name
from archlint.rules import BUILTIN_RULES, Rule

AnyRule = type[Rule[Any]]
ErrorFactory = Callable[[str, str], ConfigError]


def rules_by_code() -> dict[str, AnyRule]:
    return {rule.code: rule for rule in BUILTIN_RULES}


def _matching(selector: str, codes: Iterable[str]) -> set[str]:
    selector = selector.strip().upper()
    if selector == "ALL":
        return set(codes)
    return {code for code in codes if code.startswith(selector)}


def check_selectors(selectors: Sequence[str], codes: Iterable[str], key: str, error: ErrorFactory) -> None:
    known = list(codes)
    for selector in selectors:
        if not _matching(selector, known):
            raise error(key, f"unknown rule code or prefix {selector!r}")


def enabled_codes(
    preset: str,
    *,
    select: Sequence[str] | None,
    extend_select: Sequence[str],
    ignore: Sequence[str],
) -> frozenset[str]:
    """The codes that run: the preset's defaults (or ``select``), plus extend-select, minus ignore.

    Selectors are validated beforehand with ``check_selectors``, naming where each came from.
    """
    registry = rules_by_code()
    codes = sorted(registry)
    if select is None:
        enabled = {code for code, rule in registry.items() if preset in rule.presets}
    else:
        enabled = set().union(*(_matching(s, codes) for s in select))
    enabled |= set().union(*(_matching(s, codes) for s in extend_select))
    enabled -= set().union(*(_matching(s, codes) for s in ignore))
    return frozenset(enabled)


def _describe(kind: object) -> str:
    if kind is bool:
        return "a boolean"
    if kind is int:
        return "an integer"
    if kind is str:
        return "a string"
    return "a list of strings"


def _coerce(value: object, kind: object) -> tuple[bool, object]:
    if kind is bool:
        return isinstance(value, bool), value
    if kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return ok, value
    if kind is str:
        return isinstance(value, str), value
    ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    return ok, tuple(value) if isinstance(value, list) else value


def build_options(rule: AnyRule, raw: Mapping[str, object], error: ErrorFactory) -> object:
    """The rule's frozen options, validated; errors name ``rules.CODE.option``."""
    hints = typing.get_type_hints(rule.options_type)
    names = [f.name for f in fields(rule.options_type)]
    values: dict[str, object] = {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        dotted = f"rules.{rule.code}.{key}"
        if name not in names:
            expected = ", ".join(names) if names else "none"
            raise error(dotted, f"unknown option for {rule.code} (options: {expected})")
        ok, coerced = _coerce(value, hints[name])
        if not ok:
            raise error(
                dotted,
                f"expected {_describe(hints[name])}"
                + (" >= 0" if hints[name] is int else "")
                + f", got {toml_type_name(value)}",
            )
        values[name] = coerced
    return rule.options_type(**values)


def all_options(raw_rules: Mapping[str, Mapping[str, object]], error: ErrorFactory) -> dict[str, object]:
    """Options for every rule; unknown codes in ``[tool.archlint.rules]`` are errors."""
    registry = rules_by_code()
    for code in raw_rules:
        if code not in registry:
            raise error(f"rules.{code}", "unknown rule code (see `archlint rules`)")
    return {code: build_options(rule, raw_rules.get(code, {}), error) for code, rule in registry.items()}
