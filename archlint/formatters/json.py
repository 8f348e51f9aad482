"""Versioned JSON: ``{"version": 1, "diagnostics": [...], "summary": {...}}``."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from archlint.core import RunResult

VERSION = 1


class JsonFormatter:
    def render(self, result: RunResult, stream: TextIO, *, color: bool) -> None:
        counts = Counter(d.code for d in result.diagnostics)
        document = {
            "version": VERSION,
            "diagnostics": [
                {
                    "code": d.code,
                    "message": d.message,
                    "path": result.display_path(d.path),
                    "project_path": d.path,
                    "line": d.line,
                    "column": d.column,
                    "end_line": d.end_line,
                    "end_column": d.end_column,
                    "severity": d.severity.value,
                    "rule": d.rule,
                    "symbol": d.symbol or None,
                    "fingerprint": d.fingerprint,
                }
                for d in result.diagnostics
            ],
            "project_root": result.project_root,
            "summary": {
                "preset": result.preset,
                "preset_source": result.preset_source,
                "layout_mode": result.layout_mode,
                "layout_note": result.layout_note or None,
                "files_checked": result.files_checked,
                "findings": len(result.diagnostics),
                "suppressed": result.suppressed,
                "by_code": dict(sorted(counts.items())),
            },
        }
        json.dump(document, stream, indent=2)
        stream.write("\n")
