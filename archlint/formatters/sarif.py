"""SARIF 2.1.0 for code scanning: rules with their docs, results with stable fingerprints."""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from archlint.core import Diagnostic, RuleMeta, RunResult, SuppressedDiagnostic

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/archlint/"
FINGERPRINT_KEY = "archlint/v1"
SRCROOT = "%SRCROOT%"


def _version(result: RunResult) -> str:
    if result.tool_version:
        return result.tool_version
    try:
        return version("archlint")
    except PackageNotFoundError:
        return "0"


def _section(doc: str, title: str) -> str:
    """The text under ``## title`` in a rule's doc, up to the next section."""
    lines: list[str] = []
    inside = False
    for line in doc.splitlines():
        if line.startswith("## "):
            if inside:
                break
            inside = line[3:].strip() == title
        elif inside:
            lines.append(line)
    return "\n".join(lines).strip()


def _rule(meta: RuleMeta) -> dict[str, Any]:
    doc = meta.doc or meta.summary
    return {
        "id": meta.code,
        "name": meta.name,
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": _section(doc, "What it does") or meta.summary},
        "help": {"text": doc, "markdown": doc},
        "helpUri": f"{INFORMATION_URI}#{meta.code.lower()}",
        "defaultConfiguration": {"level": meta.severity.value},
    }


def _location(d: Diagnostic) -> dict[str, Any]:
    # A URI holds the file name's own bytes, percent-encoded, undecodable ones included.
    uri = quote(d.path.encode("utf-8", "surrogateescape"))
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": SRCROOT}}
    if d.line is not None:
        column = d.column or 1
        physical["region"] = {
            "startLine": d.line,
            "startColumn": column,
            "endLine": d.end_line or d.line,
            "endColumn": d.end_column or column,
        }
    location: dict[str, Any] = {"physicalLocation": physical}
    if d.symbol:
        location["logicalLocations"] = [{"name": d.symbol.rpartition(".")[2], "fullyQualifiedName": d.symbol}]
    return location


def _result(d: Diagnostic, index: dict[str, int], suppressed: SuppressedDiagnostic | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": index[d.code],
        "level": d.severity.value,
        "message": {"text": d.message},
        "locations": [_location(d)],
        "partialFingerprints": {FINGERPRINT_KEY: d.fingerprint},
    }
    if suppressed is not None:
        suppression = {"kind": "inSource"}
        if suppressed.justification is not None:
            suppression["justification"] = suppressed.justification
        entry["suppressions"] = [suppression]
    return entry


class SarifFormatter:
    def render(self, result: RunResult, stream: TextIO, *, color: bool) -> None:
        shown: list[tuple[Diagnostic, SuppressedDiagnostic | None]] = [(d, None) for d in result.diagnostics]
        hidden = [(s.diagnostic, s) for s in result.suppressed_diagnostics]
        findings = sorted([*shown, *hidden], key=lambda f: (f[0].sort_key, f[1] is not None))
        metas = dict(result.rules)
        for d, _ in findings:  # a code the registry does not know still gets a rule entry
            metas.setdefault(d.code, RuleMeta(d.code, d.rule or d.code, d.code, ""))
        codes = sorted(metas)
        index = {code: i for i, code in enumerate(codes)}
        results = [_result(d, index, suppressed) for d, suppressed in findings]
        root = Path(result.project_root).as_uri()
        document = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "archlint",
                            "version": _version(result),
                            "informationUri": INFORMATION_URI,
                            "rules": [_rule(metas[code]) for code in codes],
                        }
                    },
                    "invocations": [
                        {
                            "executionSuccessful": result.execution_successful,
                            "toolExecutionNotifications": [
                                {
                                    "message": {"text": n},
                                    "level": "warning" if result.execution_successful else "error",
                                }
                                for n in result.notifications
                            ],
                        }
                    ],
                    "originalUriBaseIds": {SRCROOT: {"uri": root if root.endswith("/") else root + "/"}},
                    "columnKind": "unicodeCodePoints",
                    "results": results,
                }
            ],
        }
        json.dump(document, stream, indent=2)
        stream.write("\n")
