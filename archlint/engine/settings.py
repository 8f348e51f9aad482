"""What one file's analysis depends on, besides its bytes and its module info."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from archlint.rules import FileRule


@dataclass(frozen=True, slots=True)
class FileSettings:
    """The part of the effective config one file's analysis depends on."""

    rules: tuple[type[FileRule[Any]], ...]
    options: Mapping[str, object]
    session_names: tuple[str, ...]
    max_bytes: int = 2_000_000
    prefilter: bool = True  # skip the rules whose trigger words the file does not contain
    # Each rule's project words (``FileRule.project_words``), sorted: part of the cache key.
    project_words: tuple[tuple[str, tuple[str, ...]], ...] = ()
