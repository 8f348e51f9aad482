"""JUnit XML: one test case per checked file, one failure per finding in it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TextIO

from archlint.core import Diagnostic, RunResult
from archlint.formatters.concise import printable


class JunitFormatter:
    def render(self, result: RunResult, stream: TextIO, *, color: bool) -> None:
        by_file: dict[str, list[Diagnostic]] = {path: [] for path in result.checked_files}
        for d in result.diagnostics:
            by_file.setdefault(d.path, []).append(d)
        suites = ET.Element("testsuites")
        suite = ET.SubElement(
            suites,
            "testsuite",
            name="archlint",
            tests=str(len(by_file)),
            failures=str(sum(1 for found in by_file.values() if found)),
            errors="0",
        )
        for path in sorted(by_file):
            # XML 1.0 has no place for control characters: spelt out like in every report.
            shown = printable(result.display_path(path))
            case = ET.SubElement(suite, "testcase", name=shown, classname="archlint")
            for d in by_file[path]:
                where = shown if d.line is None else f"{shown}:{d.line}:{d.column or 1}"
                text = f"{d.code} {printable(d.message)}"
                failure = ET.SubElement(case, "failure", message=text, type=d.code)
                failure.text = f"{where}: {text}"
        ET.indent(suites)
        stream.write('<?xml version="1.0" encoding="utf-8"?>\n')
        stream.write(ET.tostring(suites, encoding="unicode"))
        stream.write("\n")
