"""GitLab Code Quality JSON: a list of issues with the findings' stable fingerprints."""

from __future__ import annotations

import json
from typing import Any, TextIO

from archlint.core import RunResult, Severity

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}


class GitlabFormatter:
    def render(self, result: RunResult, stream: TextIO, *, color: bool) -> None:
        issues: list[dict[str, Any]] = [
            {
                "description": f"{d.code} {d.message}",
                "check_name": d.code,
                "fingerprint": d.fingerprint,
                "severity": SEVERITY[d.severity],
                "location": {"path": result.display_path(d.path), "lines": {"begin": d.line or 1}},
            }
            for d in result.diagnostics
        ]
        json.dump(issues, stream, indent=2)
        stream.write("\n")
