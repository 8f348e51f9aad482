"""The effective settings of a project, JSON-ready: what a run would use, and where each came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, is_dataclass

from archlint.core import LayoutMode
from archlint.engine.discovery import DEFAULT_EXCLUDES
from archlint.engine.perfile import session_names
from archlint.engine.project import CheckOptions, resolve_project
from archlint.engine.selection import ALWAYS_ON, enabled_codes, matching_codes, rules_by_code


def _matched(selectors: Sequence[str]) -> frozenset[str]:
    """The codes some selector names (the selection's own matching: prefixes, ``ALL``)."""
    return frozenset(matching_codes(selectors))


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def _options(options: object) -> dict[str, object]:
    if not is_dataclass(options):
        return {}
    return {f.name: _plain(getattr(options, f.name)) for f in fields(options)}


def effective_settings(options: CheckOptions) -> dict[str, object]:
    """Resolve the project as a run would, and say what it runs with.

    ``selected`` maps each enabled code to what turned it on (``preset default``, ``config
    select``, ``command line extend-select`` ...), ``ignored`` each code an ignore names (or
    that a layout read by name leaves off) to what turned it off.
    """
    project = resolve_project(options, require_roles=False)
    config, tree = project.config, project.tree
    preset = tree.layout.name
    if options.select is not None:
        base = (_matched(options.select), "command line select")
    elif config.select is not None:
        base = (_matched(config.select), "config select")
    else:
        base = (enabled_codes(preset, select=None, extend_select=(), ignore=()), "preset default")
    turned_on = (
        base,
        (_matched(config.extend_select), "config extend-select"),
        (_matched(options.extend_select), "command line extend-select"),
        (ALWAYS_ON, "always on"),
    )
    selected = {
        code: next((source for codes, source in turned_on if code in codes), "unknown")
        for code in sorted(project.enabled)
    }
    turned_off = (
        (_matched(options.ignore), "command line ignore"),
        (_matched(config.ignore), "config ignore"),
    )
    ignored: dict[str, str] = {}
    for code in sorted(rules_by_code().keys() - project.enabled):
        source = next((source for codes, source in turned_off if code in codes), None)
        if source is None and tree.mode is LayoutMode.BY_NAME and code.startswith("LAY"):
            source = "layout read by name (no layout rules)"
        if source is not None:
            ignored[code] = source
    baseline = options.baseline
    if baseline is None and config.baseline is not None:
        baseline = config.project_root / config.baseline
    return {
        "config_file": config.path,
        "project_root": str(config.project_root),
        "preset": {"name": preset, "source": project.preset_source},
        "layout_mode": tree.mode.value,
        "root": tree.source_root,
        "import_roots": list(tree.import_roots),
        "domains": list(tree.domains),
        "selected": selected,
        "ignored": ignored,
        "warn": [*config.warn, *options.warn],
        "baseline": str(baseline) if baseline is not None else None,
        "per_file_ignores": {pattern: list(codes) for pattern, codes in config.per_file_ignores.items()},
        "require_reason": config.require_reason,
        "exclude": [*DEFAULT_EXCLUDES, *config.exclude],
        "session_names": list(session_names(config)),
        "rules": {code: _options(project.options[code]) for code in selected},
    }
