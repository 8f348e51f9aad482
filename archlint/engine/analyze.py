"""The per-file phase: a pure function of (file bytes, module info, file settings).

Every file is summarised with the ten times cheaper stdlib parser (imports, classes, session
aliases, routers: the facts the project phase and the file rules share); only a file a file
rule applies to is then parsed with libcst, and every such rule runs in one read-only
traversal that starts from the summary. Nothing here reads
other files or global state, which is what makes caching by content hash and a process pool
safe.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import libcst as cst

from archlint.core import (
    Diagnostic,
    FileResult,
    Finding,
    ModuleInfo,
    Pending,
    make_fingerprint,
)
from archlint.engine.positions import Positions, syntax_error_position
from archlint.engine.prescan import too_hard
from archlint.engine.settings import FileSettings
from archlint.engine.suppressions import parse_suppressions
from archlint.engine.tabs import Untabbed, parse_untabbed
from archlint.engine.walk import walk
from archlint.rules import FileContext, FileRule
from archlint.rules.summary import summarise, summarise_module


def _syntax_finding(info: ModuleInfo, message: str, line: int, column: int) -> FileResult:
    diagnostic = Diagnostic(
        code="SYN001",
        rule="unparsable-file",
        path=info.path,
        message=message,
        line=line,
        column=column,
    )
    return FileResult(info=info, findings=(Finding(diagnostic, line),))


def _decode(source: bytes, encoding: str = "utf-8") -> str | None:
    """The text libcst parsed (its ``code``, without generating it); None if undecodable."""
    try:
        return source.decode("utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8" else encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def parse(info: ModuleInfo, source: bytes) -> cst.Module | tuple[cst.Module, Untabbed] | FileResult:
    """The module's tree, or a SYN001 result saying why there is none.

    CPython's position and wording for a syntax error beat libcst's; a file CPython parses
    but libcst rejects (indentation mixing tabs and spaces that libcst cannot represent) is
    parsed again with its indentation in spaces, with the rewritten text its positions
    refer to."""
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        error = syntax_error_position(source)
        if error is None:
            untabbed = parse_untabbed(source)
            if untabbed is not None:
                return untabbed
        line, column, message = error or (
            max(exc.raw_line, 1),
            exc.raw_column + 1,
            exc.message,
        )
        return _syntax_finding(
            info,
            f"cannot parse: {message}; fix the syntax error or exclude the file",
            line,
            column,
        )
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        return _syntax_finding(info, f"cannot decode the file: {exc}; save it as UTF-8 or exclude it", 1, 1)
    except RecursionError:
        return _syntax_finding(info, "cannot parse: code is nested too deeply to analyse", 1, 1)


def analyze_file(source: bytes, info: ModuleInfo, settings: FileSettings) -> FileResult:
    """Lint one file. Pure: the same inputs always give the same FileResult."""
    problem = too_hard(source, settings.max_bytes)
    if problem is not None:
        return _syntax_finding(info, problem, 1, 1)
    summary = summarise(source, info)
    rules = settings.rules
    words = {code: frozenset(w) for code, w in settings.project_words}
    if summary is not None and settings.prefilter:
        rules = tuple(
            rule
            for rule in rules
            if _may_report(rule, source, words.get(rule.code, frozenset()), settings.options.get(rule.code))
        )
    if not rules and summary is not None:
        text = _decode(source)
        return FileResult(info=info, summary=summary, suppressions=parse_suppressions(text) if text else ())
    # Parsing allocates millions of small objects; the cyclic collector only slows it down.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        parsed = parse(info, source)
    finally:
        if was_enabled:
            gc.enable()
    if isinstance(parsed, FileResult):
        if _template(source):
            return FileResult(info=info)  # a Jinja template with a .py name is not Python
        # What the interpreter reads of a file libcst rejects still counts project-wide.
        return replace(parsed, summary=summary)
    columns = None
    if isinstance(parsed, tuple):
        parsed, untabbed = parsed
        text, columns = untabbed.text, untabbed.column
    else:
        text = _decode(source, parsed.encoding) or parsed.code
    try:
        codes = frozenset(rule.code for rule in settings.rules)  # enabled, whether triggered or not
        summary = summary or summarise_module(parsed, info)
        context = FileContext(info, parsed, summary, settings.session_names, codes, words)
        checkers = [rule(context, settings.options[rule.code]) for rule in rules]
        if checkers:
            walk(parsed, context, checkers)
        findings, pending = _locate(parsed, context, text, columns)
    except RecursionError:
        # libcst's code generation recurses; pathological nesting must not end the run.
        return _syntax_finding(info, "cannot analyse: code is nested too deeply", 1, 1)
    return FileResult(
        info=info,
        findings=findings,
        pending=pending,
        summary=summary,
        suppressions=parse_suppressions(text, columns),
    )


_TRIGGERS: dict[tuple[frozenset[str] | None, frozenset[str]], re.Pattern[bytes] | None] = {}


def _may_report(
    rule: type[FileRule[Any]], source: bytes, extra: frozenset[str], options: object = None
) -> bool:
    """Whether the source holds one of the rule's trigger words (under its options) or project
    words (always, for a rule that declares no triggers)."""
    triggers = rule.trigger_words(options)
    if (triggers, extra) not in _TRIGGERS:
        words = None if triggers is None else triggers | extra
        _TRIGGERS[triggers, extra] = (
            None
            if words is None
            else re.compile(rb"\b(?:%s)\b" % b"|".join(sorted(w.encode() for w in words)))
        )
    pattern = _TRIGGERS[triggers, extra]
    if triggers is not None and not (triggers or extra):
        return False  # no word can trigger it
    return pattern is None or pattern.search(source) is not None


_JINJA = re.compile(rb"^[ \t]*\{[%{]|\{\{ [\w.]+(?: ?\|[^}]*)? \}\}", re.MULTILINE)


def _template(source: bytes) -> bool:
    """Jinja markup: a line starting with ``{%`` or ``{{``, which no Python statement can, or
    a spaced ``{{ name }}`` placeholder. Only asked of a file that does not parse."""
    return _JINJA.search(source) is not None


def _locate(
    module: cst.Module, context: FileContext, text: str, columns: Callable[[int, int], int] | None = None
) -> tuple[tuple[Finding, ...], tuple[Pending, ...]]:
    """Turn reports into positioned findings; positions are computed only when needed."""
    if not context.reports:
        return (), ()
    positions = Positions(module, text, columns=columns)
    findings: list[Finding] = []
    pending: list[Pending] = []
    for report in context.reports:
        span = positions.of(report.node)
        statement = report.statement
        statement_line = positions.line_of_statement(statement) if statement else None
        finding = Finding(
            Diagnostic(
                code=report.code,
                rule=report.rule,
                message=report.message,
                path=context.info.path,
                line=span.start.line,
                column=span.start.column + 1,
                end_line=span.end.line,
                end_column=span.end.column + 1,
                symbol=report.symbol,
                fingerprint=make_fingerprint(
                    report.code, context.info.path, report.symbol, module.code_for_node(report.node)
                ),
            ),
            statement_line,
        )
        if report.requires is None:
            findings.append(finding)
        else:
            pending.append(Pending(finding, report.requires, report.qualname, report.fallback))
    return tuple(findings), tuple(pending)
