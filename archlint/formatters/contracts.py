"""import-linter contracts written in import-linter's own configuration forms (TOML, INI)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from archlint.core import ContractSpec, OptionValue


def _ids(specs: Sequence[ContractSpec]) -> list[str]:
    """A stable id per contract: its code and its number within the code."""
    counts: dict[str, int] = {}
    ids = []
    for spec in specs:
        key = (spec.code or "contract").lower()
        counts[key] = counts.get(key, 0) + 1
        ids.append(f"{key}-{counts[key]}")
    return ids


def _toml_value(value: OptionValue) -> str:
    if isinstance(value, tuple):
        if not value:
            return "[]"
        return "[\n" + "".join(f"    {json.dumps(item)},\n" for item in value) + "]"
    if value.lower() in ("true", "false"):
        return value.lower()
    return json.dumps(value)


def as_toml(session: Mapping[str, OptionValue], specs: Sequence[ContractSpec]) -> str:
    """``[tool.importlinter]`` for a pyproject.toml."""
    lines = ["[tool.importlinter]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in session.items()]
    for contract_id, spec in zip(_ids(specs), specs, strict=True):
        lines += ["", "[[tool.importlinter.contracts]]", f"id = {json.dumps(contract_id)}"]
        lines += [f"name = {json.dumps(spec.name)}", f"type = {json.dumps(spec.type)}"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in spec.options.items()]
    return "\n".join(lines) + "\n"


def _ini_value(value: OptionValue) -> str:
    if isinstance(value, tuple):
        return "".join(f"\n    {item}" for item in value)
    return f" {value}"


def as_ini(session: Mapping[str, OptionValue], specs: Sequence[ContractSpec]) -> str:
    """An ``.importlinter`` (or ``setup.cfg``) configuration."""
    lines = ["[importlinter]"]
    lines += [f"{key} ={_ini_value(value)}" for key, value in session.items()]
    for contract_id, spec in zip(_ids(specs), specs, strict=True):
        lines += ["", f"[importlinter:contract:{contract_id}]", f"name = {spec.name}", f"type = {spec.type}"]
        lines += [f"{key} ={_ini_value(value)}" for key, value in spec.options.items()]
    return "\n".join(lines) + "\n"
