"""Which rules run (select / ignore / extend-select, like ruff) and with which options."""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields
from typing import Any

from archlint.config import toml_key
from archlint.core import ConfigError, UsageError, toml_type_name
from archlint.rules import BUILTIN_RULES, Rule

AnyRule = type[Rule[Any]]
ErrorFactory = Callable[[str, str], ConfigError]


def rules_by_code() -> dict[str, AnyRule]:
    return {rule.code: rule for rule in BUILTIN_RULES}


ALWAYS_ON = frozenset({"SYN001"})
"""Rules that run whatever ``select`` says (an unparsable file is a file no rule checked):
only an ``ignore`` naming the code or its family (``SYN001``, ``SYN``) turns one off."""


def _matching(selector: str, codes: Iterable[str]) -> set[str]:
    selector = selector.strip().upper()
    if not selector:
        return set()  # never a prefix of everything: check_selectors rejects it
    if selector == "ALL":
        return set(codes)
    return {code for code in codes if code.startswith(selector)}


def matching_codes(selectors: Iterable[str], codes: Iterable[str] | None = None) -> frozenset[str]:
    """The codes some selector names (a code, a prefix, ``ALL``), nothing more: no preset
    defaults, no always-on rule."""
    known = sorted(rules_by_code()) if codes is None else list(codes)
    return frozenset(code for selector in selectors for code in _matching(selector, known))


def check_selectors(selectors: Sequence[str], codes: Iterable[str], key: str, error: ErrorFactory) -> None:
    """Each selector names at least one rule; an empty or blank one is an error (as a prefix
    of every code it would select or ignore every rule)."""
    known = list(codes)
    for selector in selectors:
        if not selector.strip():
            raise error(key, f"empty rule selector {selector!r}: name a rule code or prefix, or remove it")
        if not _matching(selector, known):
            raise error(key, f"unknown rule code or prefix {selector!r}")


def _names_explicitly(selector: str, code: str) -> bool:
    """``selector`` names ``code`` or its family: ``SYN001``, ``SYN0``, ``SYN``, not ``S`` or
    ``ALL``."""
    selector = selector.strip().upper()
    return len(selector) >= 3 and code.startswith(selector)


def _listed(selectors: Sequence[str]) -> str:
    return ", ".join(selector.strip() for selector in selectors)


def _nothing_selected(
    preset: str, select: Sequence[str] | None, extend_select: Sequence[str], ignore: Sequence[str]
) -> UsageError:
    if select is not None and not select and not extend_select:
        chosen = "select is empty (an empty --select, or select = [])"
    else:
        base = f"the {preset} preset's rules" if select is None else f"select {_listed(select)}"
        if extend_select:
            base += f" and extend-select {_listed(extend_select)}"
        chosen = f"ignore {_listed(ignore)} leaves none of {base}" if ignore else f"{base} name no rule"
    return UsageError(f"no rule selected: {chosen}; select at least one rule (`archlint rules` lists them)")


def enabled_codes(
    preset: str,
    *,
    select: Sequence[str] | None,
    extend_select: Sequence[str],
    ignore: Sequence[str],
) -> frozenset[str]:
    """The codes that run: the preset's defaults (or ``select``), plus extend-select, minus
    ignore; and the ``ALWAYS_ON`` rules (SYN001), which stay on whatever ``select`` says
    unless an ignore selector names them explicitly: the exact code or its family prefix
    (``ignore = ["SYN001"]`` or ``["SYN"]``), never ``ALL`` or a shorter prefix such as ``S``.
    ``--select RTR001`` therefore still reports files that cannot be parsed.

    Raises UsageError ("no rule selected") when the selection itself names no rule (``select
    = []``, ``--ignore ALL``, ``select = ["RTR001"]`` with ``ignore = ["RTR"]``): a run that
    checks nothing must not pass as clean. Always-on rules do not count as a selection.

    Selectors are validated beforehand with ``check_selectors``, naming where each came from.
    Only the selection's matching, without defaults or always-on rules: ``matching_codes``.
    """
    registry = rules_by_code()
    codes = sorted(registry)
    if select is None:
        chosen = {code for code, rule in registry.items() if preset in rule.presets}
    else:
        chosen = set(matching_codes(select, codes))
    chosen |= matching_codes(extend_select, codes)
    chosen -= matching_codes(ignore, codes)
    if not chosen:
        raise _nothing_selected(preset, select, extend_select, ignore)
    always = {
        code
        for code in ALWAYS_ON
        if code in registry and not any(_names_explicitly(selector, code) for selector in ignore)
    }
    return frozenset(chosen | always)


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
    written: dict[str, str] = {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        dotted = f"rules.{toml_key(rule.code)}.{toml_key(key)}"
        if name not in names:
            expected = ", ".join(names) if names else "none"
            raise error(dotted, f"unknown option for {rule.code} (options: {expected})")
        if name in written:
            raise error(dotted, f"given twice (also as {toml_key(written[name])}); keep one")
        written[name] = key
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
            raise error(f"rules.{toml_key(code)}", "unknown rule code (see `archlint rules`)")
    return {code: build_options(rule, raw_rules.get(code, {}), error) for code, rule in registry.items()}
