"""Line and column of reported nodes, at a fraction of libcst's PositionProvider cost.

PositionProvider generates the module's code and records a CodeRange for every node, turning
every token into line/column arithmetic (a regex split per token): several parses' worth of
time. Only files with something to report pay for positions here, and they pay less:

1. libcst round-trips source exactly, so an expression or small statement (a call, a
   ``raise``) whose code occurs exactly once in the source is where that text is: no code
   generation at all.
2. Otherwise one code generation over the module records each node's character offsets (the
   same bookkeeping PositionProvider does, without the line arithmetic), and offsets become
   lines and columns through a table of line starts. About 3x cheaper than the provider.

Step 2 hooks into libcst's code generation, which is not public API (``CodegenState`` in
``libcst._nodes.internal``; pyproject pins libcst to its major version). Should a libcst
release move or change it, archlint notices (the import fails, or the offsets of a probe
module disagree with PositionProvider's) and takes the offsets from the public
PositionProvider instead: slower, same positions.

Compound statements (``if``, ``for``, ``while``, ``match``) are reported by their header, from
keyword to colon, rather than their whole block.

Lines are Python's own: ending in ``\n``, ``\r\n`` or a lone ``\r`` (what CPython's tokenizer and
libcst count), never ``str.splitlines``'s form feeds or Unicode separators. Columns are
characters, including a syntax error's.
"""

from __future__ import annotations

import ast
import bisect
import functools
import io
import re
import tokenize
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

NEWLINE = re.compile(r"\r\n?|\n")
_NEWLINE_BYTES = re.compile(rb"\r\n?|\n")


def split_lines(text: str) -> list[str]:
    """The physical lines of Python source, without their endings: split where CPython and
    libcst end a line (``\n``, ``\r\n``, ``\r``) and nowhere else. Like ``splitlines``, no
    empty last line for text that ends with a newline."""
    lines = NEWLINE.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def decode_source(source: bytes) -> str | None:
    """A Python file's text as the interpreter reads it (BOM, ``coding:`` line, else UTF-8);
    None if it cannot be decoded."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        return source.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None


def syntax_error_position(source: bytes) -> tuple[int, int, str] | None:
    """CPython's line, column and wording for the syntax error in ``source``; None when
    CPython parses it (or cannot say where it fails).

    The column is 1-based and counts characters, never past the end of the line plus one:
    CPython gives UTF-8 byte offsets when handed bytes, so the source is decoded first.
    """
    text = decode_source(source)
    try:
        ast.parse(source if text is None else text)
    except SyntaxError as exc:
        if not exc.lineno:
            return None
        offset = max(exc.offset or 1, 1)
        if text is None:  # offsets are bytes: count the characters before them
            raw = _NEWLINE_BYTES.split(source)
            line = raw[exc.lineno - 1] if exc.lineno <= len(raw) else b""
            return exc.lineno, len(line[: offset - 1].decode("utf-8", errors="replace")) + 1, exc.msg
        lines = split_lines(text)
        if exc.lineno <= len(lines):
            offset = min(offset, len(lines[exc.lineno - 1]) + 1)
        return exc.lineno, offset, exc.msg
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


Offsets = Mapping[cst.CSTNode, tuple[int, int]]

try:
    from libcst._nodes.internal import CodegenState

    @dataclass
    class _OffsetState(CodegenState):
        """Code generation that remembers where each node starts and ends, as character offsets.

        It mirrors libcst's PositionProvidingCodegenState (syntactic positions: parentheses
        and surrounding whitespace excluded, start/end hoisted from child nodes where libcst
        says so).
        """

        offset: int = 0
        spans: dict[cst.CSTNode, tuple[int, int]] = field(default_factory=dict)
        _starts: list[int] = field(default_factory=list)

        def add_indent_tokens(self) -> None:
            self.tokens.extend(self.indent_tokens)
            self.offset += sum(len(token) for token in self.indent_tokens)

        def add_token(self, value: str) -> None:
            self.tokens.append(value)
            self.offset += len(value)

        def before_codegen(self, node: cst.CSTNode) -> None:
            self._starts.append(self.offset)

        def after_codegen(self, node: cst.CSTNode) -> None:
            start = self._starts.pop()
            if node not in self.spans:  # a syntactic position recorded inside wins
                self.spans[node] = (start, self.offset)

        @contextmanager
        def record_syntactic_position(
            self,
            node: cst.CSTNode,
            *,
            start_node: cst.CSTNode | None = None,
            end_node: cst.CSTNode | None = None,
        ) -> Iterator[None]:
            start = self.offset
            try:
                yield
            finally:
                end = self.offset
                if start_node is not None:
                    start = self.spans[start_node][0]
                if end_node is not None:
                    end = self.spans[end_node][1]
                self.spans[node] = (start, end)

except Exception:  # pragma: no cover - libcst moved or reshaped its internals
    _OffsetState = None  # type: ignore[assignment,misc]


def codegen_offsets(module: cst.Module) -> Offsets:
    """Every node's offsets, recorded during one code generation (libcst internals)."""
    if _OffsetState is None:
        raise NotImplementedError("libcst's code generation internals are not available")
    state = _OffsetState(default_indent=module.default_indent, default_newline=module.default_newline)
    module._codegen(state)
    return state.spans


def provider_offsets(module: cst.Module) -> Offsets:
    """Every node's offsets, from libcst's public PositionProvider (lines and columns turned
    back into offsets into the module's code)."""
    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    starts = [0, *(m.end() for m in NEWLINE.finditer(module.code))]
    return {
        node: (
            starts[span.start.line - 1] + span.start.column,
            starts[span.end.line - 1] + span.end.column,
        )
        for node, span in ranges.items()
    }


_PROBE = """\
@app.get("/items/{item_id}")
async def read(item_id: int, q: str | None = None, *args, **kwargs) -> dict:
    if (item := await db.get(Item, item_id)) is None:  # a comment
        raise HTTPException(404)
    elif q:
        pass
    for row in [r for r in (yield rows) if r]:
        while row: row = row[1:]
    match item:
        case {"id": 1, **rest} if rest:
            return {**rest, "k": lambda x=(1,): x}
    with open(q) as f, ctx() as (a, b):
        x: list[int] = [*f, *a]
    try:
        del x[0:1:2], a.b
    except* (ValueError, TypeError) as exc:
        global g
    return f"{item!r:>{10}} {q=}" + 'x' 'y'
"""


@functools.cache
def codegen_agrees() -> bool:
    """Whether libcst's code generation internals are there and give exactly the offsets
    PositionProvider does, checked once on a probe module covering the statements and
    expressions rules report."""
    probe = cst.parse_module(_PROBE)
    try:
        ours = codegen_offsets(probe)
    except Exception:  # internals changed shape: any failure means "do not use them"
        return False
    exact = provider_offsets(probe)
    return all(ours.get(node) == span for node, span in exact.items())


def node_offsets(module: cst.Module) -> Offsets:
    """Every node's (start, end) character offsets in the module's code: through libcst's
    code generation when its internals work as expected, else through PositionProvider."""
    if codegen_agrees():
        try:
            return codegen_offsets(module)
        except (AttributeError, TypeError, KeyError, IndexError):
            pass  # a node the internals handle differently: the public provider for this one
    return provider_offsets(module)


class Positions:
    """Positions of the nodes of one module whose source text is ``text``.

    ``columns`` maps a (line, 0-based column) of ``text`` to the column to report, for a
    module parsed from a rewritten text (see ``archlint.engine.tabs``).
    """

    def __init__(
        self, module: cst.Module, text: str, *, columns: Callable[[int, int], int] | None = None
    ) -> None:
        self.module = module
        self.text = text
        self.columns = columns
        self._offsets: Offsets | None = None
        self._line_starts: list[int] | None = None

    def of(self, node: cst.CSTNode) -> CodeRange:
        """The node's range; for a compound statement, its header."""
        found = self._unique(node)
        if found is not None:
            return self._range(*found)
        offsets = self._all()
        start, end = offsets[node]
        return self._range(start, _header_end(node, offsets, self.module) or end)

    def line_of_statement(self, statement: cst.CSTNode) -> int:
        """The first line of a statement (where a suppression comment for it may sit)."""
        if isinstance(statement, cst.SimpleStatementLine) and statement.body:
            return self.of(statement.body[0]).start.line
        return self.of(statement).start.line

    def _unique(self, node: cst.CSTNode) -> tuple[int, int] | None:
        if isinstance(node, cst.BaseCompoundStatement | cst.SimpleStatementLine):
            return None  # generated without the indentation of the blocks around it
        code = self.module.code_for_node(node)
        found = self.text.find(code) if code.strip() else -1
        if found < 0 or self.text.find(code, found + 1) >= 0:
            return None
        # Like PositionProvider, leave out the expression's own parentheses.
        lpar = sum(len(self.module.code_for_node(p)) for p in getattr(node, "lpar", ()))
        rpar = sum(len(self.module.code_for_node(p)) for p in getattr(node, "rpar", ()))
        return found + lpar, found + len(code) - rpar

    def _all(self) -> Offsets:
        if self._offsets is None:
            self._offsets = node_offsets(self.module)
        return self._offsets

    def _range(self, start: int, end: int) -> CodeRange:
        return CodeRange(self._point(start), self._point(end))

    def _point(self, offset: int) -> tuple[int, int]:
        if self._line_starts is None:
            self._line_starts = [0, *(m.end() for m in NEWLINE.finditer(self.text))]
        line = bisect.bisect_right(self._line_starts, offset) - 1
        column = offset - self._line_starts[line]
        if self.columns is not None:
            column = self.columns(line + 1, column)
        return line + 1, column


def _header_end(node: cst.CSTNode, offsets: Offsets, module: cst.Module) -> int | None:
    """Where a compound statement's header ends (after its colon), or None for other nodes."""
    if isinstance(node, cst.If):
        anchor, before_colon = node.test, node.whitespace_after_test
    elif isinstance(node, cst.While):
        anchor, before_colon = node.test, node.whitespace_before_colon
    elif isinstance(node, cst.For):
        anchor, before_colon = node.iter, node.whitespace_before_colon
    elif isinstance(node, cst.Match):
        anchor, before_colon = node.subject, node.whitespace_before_colon
    else:
        return None
    rpar = "".join(module.code_for_node(p) for p in anchor.rpar)
    return offsets[anchor][1] + len(rpar) + len(before_colon.value) + 1
