"""``# archlint: ignore[CODE, ...] -- reason`` and ``# archlint: ignore-file[CODE]`` comments."""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Mapping, Sequence

from archlint.core import Diagnostic, FileResult, Finding, SuppressedDiagnostic, Suppression

_PATTERN = re.compile(
    r"#\s*archlint:\s*(?P<kind>ignore-file|ignore)\b(?:\[(?P<codes>[^\]]*)\])?"
    r"(?:\s*--\s*(?P<reason>.*\S))?"
)


def _comments(text: str) -> list[tuple[int, str]]:
    """(line, comment) pairs; falls back to a line scan if the tokenizer cannot read the file."""
    try:
        return [
            (tok.start[0], tok.string)
            for tok in tokenize.generate_tokens(io.StringIO(text, newline=None).readline)
            if tok.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return [
            (number, line[line.index("#") :])
            for number, line in enumerate(re.split(r"\r\n?|\n", text), start=1)
            if "#" in line
        ]


def parse_suppressions(text: str) -> tuple[Suppression, ...]:
    """Every archlint suppression comment in ``text``; cheap when there is none."""
    if "archlint:" not in text:
        return ()
    found: list[Suppression] = []
    for line, comment in _comments(text):
        match = _PATTERN.search(comment)
        if match is None:
            continue
        codes = tuple(c.strip().upper() for c in (match.group("codes") or "").split(",") if c.strip())
        found.append(
            Suppression(
                line=line,
                codes=codes,
                reason=match.group("reason"),
                file_level=match.group("kind") == "ignore-file",
            )
        )
    return tuple(found)


def _suppression(
    finding: Finding,
    line_rules: Mapping[int, Sequence[Suppression]],
    file_rules: Sequence[Suppression],
) -> Suppression | None:
    """The comment that hides ``finding``, if one does."""
    code = finding.diagnostic.code
    for suppression in file_rules:
        if not suppression.codes or code in suppression.codes:
            return suppression
    lines = {finding.diagnostic.line, finding.statement_line} - {None}
    for line in sorted(line for line in lines if line is not None):
        for suppression in line_rules.get(line, ()):
            if not suppression.codes or code in suppression.codes:
                return suppression
    return None


def apply_suppressions(
    findings: Iterable[Finding], results: Iterable[FileResult]
) -> tuple[list[Diagnostic], list[SuppressedDiagnostic]]:
    """The findings no inline comment hides, and the hidden ones with the reason given."""
    by_path: dict[str, tuple[dict[int, list[Suppression]], list[Suppression]]] = {}
    for result in results:
        if not result.suppressions:
            continue
        lines: dict[int, list[Suppression]] = {}
        whole: list[Suppression] = []
        for suppression in result.suppressions:
            if suppression.file_level:
                whole.append(suppression)
            else:
                lines.setdefault(suppression.line, []).append(suppression)
        by_path[result.info.path] = (lines, whole)
    kept: list[Diagnostic] = []
    hidden: list[SuppressedDiagnostic] = []
    for finding in findings:
        entry = by_path.get(finding.diagnostic.path)
        found = _suppression(finding, entry[0], entry[1]) if entry is not None else None
        if found is None:
            kept.append(finding.diagnostic)
        else:
            hidden.append(SuppressedDiagnostic(finding.diagnostic, found.reason))
    return kept, hidden
