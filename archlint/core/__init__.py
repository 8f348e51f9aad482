"""The model of archlint: data shared by every layer, with no I/O and no terminal code."""

from archlint.core.errors import ArchlintError, ConfigError, UsageError
from archlint.core.layout import Layout, ProjectTree
from archlint.core.model import (
    ClassInfo,
    Diagnostic,
    FileResult,
    FileSummary,
    Finding,
    ModuleInfo,
    Pending,
    Requirement,
    Role,
    RuleMeta,
    RunResult,
    Severity,
    Suppression,
)
from archlint.core.rule import ALL_PRESETS, DOC_SECTIONS, Case, NoOptions, invalid, valid

__all__ = [
    "ALL_PRESETS",
    "DOC_SECTIONS",
    "ArchlintError",
    "Case",
    "ClassInfo",
    "ConfigError",
    "Diagnostic",
    "FileResult",
    "FileSummary",
    "Finding",
    "Layout",
    "ModuleInfo",
    "NoOptions",
    "Pending",
    "ProjectTree",
    "Requirement",
    "Role",
    "RuleMeta",
    "RunResult",
    "Severity",
    "Suppression",
    "UsageError",
    "invalid",
    "valid",
]
