"""The per-file phase: a pure function of (file bytes, module info, file settings).

Parse once with libcst, run every file rule for the module's role in one traversal, and keep
only a small summary for the project phase. Nothing here reads other files or global state,
which is what makes caching by content hash and a process pool safe.
"""

from __future__ import annotations

import ast
import gc
from collections.abc import Mapping

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from archlint.core import Diagnostic, FileResult, FileSummary, Finding, ModuleInfo, Pending
from archlint.engine.settings import FileSettings
from archlint.engine.suppressions import parse_suppressions
from archlint.engine.walk import walk
from archlint.rules import FileContext
from archlint.rules.summary import summarise


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


def _decode(source: bytes) -> str | None:
    try:
        return source.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _python_syntax_error(source: bytes) -> tuple[int, int, str] | None:
    """CPython's position and wording for a syntax error, which beat libcst's; only ever
    called for a file libcst already rejected."""
    try:
        ast.parse(source)
    except SyntaxError as exc:
        if exc.lineno:
            return exc.lineno, max(exc.offset or 1, 1), exc.msg
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


def parse(info: ModuleInfo, source: bytes) -> cst.Module | FileResult:
    """The module's tree, or a SYN001 result saying why there is none."""
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        line, column, message = _python_syntax_error(source) or (
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
    if not settings.rules:
        summary = summarise(source, info)
        if summary is not None:
            text = _decode(source)
            return FileResult(
                info=info, summary=summary, suppressions=parse_suppressions(text) if text else ()
            )
    # Parsing allocates millions of small objects; the cyclic collector only slows it down.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        parsed = parse(info, source)
    finally:
        if was_enabled:
            gc.enable()
    if isinstance(parsed, FileResult):
        return parsed
    text = _decode(source) or parsed.code
    try:
        context = FileContext(info, parsed, settings.session_names)
        rules = [rule(context, settings.options[rule.code]) for rule in settings.rules]
        if rules:
            walk(parsed, context, rules)
        findings, pending = _locate(parsed, context, text)
    except RecursionError:
        # libcst's code generation recurses; pathological nesting must not end the run.
        return _syntax_finding(info, "cannot analyse: code is nested too deeply", 1, 1)
    return FileResult(
        info=info,
        findings=findings,
        pending=pending,
        summary=context.summary() if _worth_summarising(context) else FileSummary(info.module),
        suppressions=parse_suppressions(text),
    )


def _worth_summarising(context: FileContext) -> bool:
    return bool(context.bindings or context.class_infos or context.session_aliases)


class _Positions:
    """Line/column of reported nodes, computed as locally as possible.

    libcst's PositionProvider generates the code of the whole module and costs several
    parses' worth. libcst round-trips source exactly, so the code of a node occurs in the
    source where the node is. Three ways, cheapest first:

    1. an expression or small statement (a call, a ``raise``) whose code occurs exactly once
       in the source is where that text is;
    2. otherwise the module-level statement holding it, if its code occurs once, is
       positioned alone (as a one-statement module) and shifted by its first line;
    3. otherwise the whole-module provider.

    Nested compound statements cannot take the first way: their code is generated without
    the indentation of the blocks around them.
    """

    def __init__(self, module: cst.Module, text: str) -> None:
        self.module = module
        self.text = text
        self._local: dict[int, tuple[int, Mapping[cst.CSTNode, CodeRange]] | None] = {}
        self._whole: Mapping[cst.CSTNode, CodeRange] | None = None

    def _for_statement(self, top: cst.CSTNode) -> tuple[int, Mapping[cst.CSTNode, CodeRange]] | None:
        if id(top) in self._local:
            return self._local[id(top)]
        code = self.module.code_for_node(top)
        start = self.text.find(code)
        found: tuple[int, Mapping[cst.CSTNode, CodeRange]] | None = None
        if code and start >= 0 and self.text.find(code, start + 1) < 0:
            shift = self.text.count("\n", 0, start)
            alone = self.module.with_changes(body=[top], header=[], footer=[])
            found = (shift, MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider))
        self._local[id(top)] = found
        return found

    def _unique(self, node: cst.CSTNode) -> CodeRange | None:
        if isinstance(node, cst.BaseCompoundStatement | cst.SimpleStatementLine):
            return None
        code = self.module.code_for_node(node)
        found = self.text.find(code) if code.strip() else -1
        if found < 0 or self.text.find(code, found + 1) >= 0:
            return None
        # Positions leave out an expression's own parentheses, as PositionProvider does.
        start = found + sum(len(self.module.code_for_node(p)) for p in getattr(node, "lpar", ()))
        end = found + len(code) - sum(len(self.module.code_for_node(p)) for p in getattr(node, "rpar", ()))
        return CodeRange(self._point(start), self._point(end))

    def _point(self, offset: int) -> tuple[int, int]:
        return self.text.count("\n", 0, offset) + 1, offset - self.text.rfind("\n", 0, offset) - 1

    def line_of_statement(self, statement: cst.CSTNode, top: cst.CSTNode | None) -> int:
        """The first line of a statement (where a suppression comment for it may sit)."""
        if isinstance(statement, cst.SimpleStatementLine) and statement.body:
            span = self._unique(statement.body[0])
            if span is not None:
                return span.start.line
        return self.of(statement, top).start.line

    def of(self, node: cst.CSTNode, top: cst.CSTNode | None) -> CodeRange:
        span = self._unique(node)
        if span is not None:
            return span
        found = self._for_statement(top) if top is not None else None
        if found is not None and node in found[1]:
            shift, local = found
            span = local[node]
            return CodeRange(
                (span.start.line + shift, span.start.column),
                (span.end.line + shift, span.end.column),
            )
        if self._whole is None:
            self._whole = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider)
        return self._whole[node]


def _locate(
    module: cst.Module, context: FileContext, text: str
) -> tuple[tuple[Finding, ...], tuple[Pending, ...]]:
    """Turn reports into positioned findings; positions are computed only when needed."""
    if not context.reports:
        return (), ()
    positions = _Positions(module, text)
    findings: list[Finding] = []
    pending: list[Pending] = []
    for report in context.reports:
        span = positions.of(report.node, report.top)
        statement = report.statement
        statement_line = positions.line_of_statement(statement, report.top) if statement else None
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
            ),
            statement_line,
        )
        if report.requires is None:
            findings.append(finding)
        else:
            pending.append(Pending(finding, report.requires, report.qualname, report.fallback))
    return tuple(findings), tuple(pending)
