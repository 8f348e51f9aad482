"""Write ``[tool.archlint]`` into a pyproject.toml (or an archlint.toml), keeping the rest of
the file, its comments and formatting, as they were (tomlkit)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from archlint.core import UsageError


def _atomic_write(path: Path, text: str) -> None:
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise UsageError(f"{path}: not a regular file; archlint will not replace it")
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_table(path: Path, table: Mapping[str, object], *, force: bool) -> None:
    """Put ``table`` at ``[tool.archlint]`` of a pyproject.toml, or at the top level of an
    archlint.toml; refuse to replace an existing one unless ``force``."""
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
    except (OSError, UnicodeDecodeError, TOMLKitError) as exc:
        raise UsageError(f"{path}: cannot read it as TOML ({exc})") from None
    if path.name == "pyproject.toml":
        tool = document.get("tool")
        if tool is None:
            tool = tomlkit.table(is_super_table=True)
            document["tool"] = tool
        if "archlint" in tool and not force:
            raise UsageError(f"{path} already has [tool.archlint]; --force replaces it")
        tool["archlint"] = _table(table)
    else:
        if document and not force:
            raise UsageError(f"{path} already exists; --force replaces it")
        document = tomlkit.document()
        for key, value in _table(table).items():
            document[key] = value
    _atomic_write(path, tomlkit.dumps(document))


def _table(values: Mapping[str, object]) -> tomlkit.items.Table:
    table = tomlkit.table()
    for key, value in values.items():
        if isinstance(value, Mapping):
            table[key] = _table(value)
        elif isinstance(value, (list, tuple)):
            array = tomlkit.array()
            array.extend(value)
            if len(value) > 4:
                array.multiline(True)
            table[key] = array
        else:
            table[key] = value
    return table
