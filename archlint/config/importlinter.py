"""Read the project's own import-linter configuration with import-linter's own readers.

import-linter looks in ``setup.cfg`` and ``.importlinter`` (INI), then ``pyproject.toml``
(``[tool.importlinter]``), and uses the first that holds its configuration; so does archlint.
Files that cannot hold one are not opened by import-linter's readers at all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from archlint.core import ContractSpec, OptionValue, UserContracts

_CANDIDATES = (("setup.cfg", "ini"), (".importlinter", "ini"), ("pyproject.toml", "toml"))
_INI_SECTION = re.compile(r"^\s*\[importlinter(?::|\])", re.MULTILINE)
_TOML_TABLE = re.compile(r"^\s*\[+\s*tool\s*\.\s*importlinter\b", re.MULTILINE)


def _value(value: Any) -> OptionValue:
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return str(value)


def _lines(text: str, kind: str, contracts: list[dict[str, Any]]) -> list[int]:
    """The line where each contract is written: its INI section, or its TOML table."""
    lines = text.splitlines()
    if kind == "ini":
        found = []
        for contract in contracts:
            header = f"[importlinter:contract:{contract.get('id', '')}]"
            found.append(next((i for i, line in enumerate(lines, 1) if line.strip() == header), 1))
        return found
    headers = [
        i for i, line in enumerate(lines, 1) if re.match(r"\s*\[\[\s*tool\.importlinter\.contracts", line)
    ]
    return [headers[n] if n < len(headers) else 1 for n in range(len(contracts))]


def _may_hold(text: str, kind: str) -> bool:
    return bool((_INI_SECTION if kind == "ini" else _TOML_TABLE).search(text))


def read_user_contracts(project_root: Path) -> UserContracts | None:
    """The first import-linter configuration in the project root, or None if there is none.
    A configuration that cannot be read is returned with the ``problem``."""
    for name, kind in _CANDIDATES:
        path = project_root / name
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if not _may_hold(text, kind):
            continue
        try:
            found = _read(path, kind)
        except Exception as exc:  # a malformed file: the user's problem to see, not a crash
            return UserContracts(path=name, session={}, contracts=(), problem=f"cannot read it: {exc}")
        if found is None:
            continue
        session, contracts = found
        specs = tuple(
            ContractSpec(
                name=str(options.get("name", options.get("id", f"contract {number}"))),
                type=str(options.get("type", "")),
                options={k: _value(v) for k, v in options.items() if k not in ("name", "type")},
                path=name,
                line=line,
            )
            for number, (options, line) in enumerate(
                zip(contracts, _lines(text, kind, contracts), strict=True), 1
            )
        )
        values = {k: _value(v) for k, v in session.items()}
        if "root_packages" not in values and "root_package" in values:
            root = values.pop("root_package")
            values["root_packages"] = (root,) if isinstance(root, str) else root
        return UserContracts(path=name, session=values, contracts=specs)
    return None


def _read(path: Path, kind: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    from importlinter.adapters.user_options import IniFileUserOptionReader, TomlFileUserOptionReader
    from importlinter.configuration import configure

    configure()  # import-linter's readers reach the file system through its settings
    reader = IniFileUserOptionReader() if kind == "ini" else TomlFileUserOptionReader()
    options = reader.read_options(config_filename=str(path))
    if options is None:
        return None
    return dict(options.session_options), [dict(c) for c in options.contracts_options]
