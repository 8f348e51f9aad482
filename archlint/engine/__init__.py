"""The engine: discovery, classification, the per-file and project phases, suppressions."""

from archlint.engine.run import CheckOptions, check, check_sources, read_layout
from archlint.engine.selection import rules_by_code

__all__ = ["CheckOptions", "check", "check_sources", "read_layout", "rules_by_code"]
