"""What a rule's fixer works on: one file as read, its libcst tree with metadata, and the
project around it; fixers return byte edits the engine applies, all of a file's together."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from archlint.core import Edit, FileSummary, ModuleInfo, ProjectTree

if TYPE_CHECKING:
    import libcst as cst
    from libcst.metadata import CodeRange, CodeSpan, MetadataWrapper, Scope
else:
    from archlint.core.lazy import libcst as cst

NodeT = TypeVar("NodeT", bound="cst.CSTNode")


class FixTarget:
    """One file to fix. ``source`` is the bytes the run read (the engine refuses to write if
    the file changed since); positions are the run's: 1-based lines, 1-based character
    columns."""

    def __init__(
        self,
        info: ModuleInfo,
        source: bytes,
        module: cst.Module,
        tree: ProjectTree,
        summaries: Mapping[str, FileSummary],
    ) -> None:
        self.info = info
        self.source = source
        self.module = module
        self.tree = tree
        self.summaries = summaries

    @cached_property
    def wrapper(self) -> MetadataWrapper:
        from libcst.metadata import MetadataWrapper

        # No copy: nodes found through the metadata are the module's own.
        return MetadataWrapper(self.module, unsafe_skip_copy=True)

    @cached_property
    def _positions(self) -> Mapping[cst.CSTNode, CodeRange]:
        from libcst.metadata import PositionProvider

        return self.wrapper.resolve(PositionProvider)

    @cached_property
    def _spans(self) -> Mapping[cst.CSTNode, CodeSpan]:
        from libcst.metadata import ByteSpanPositionProvider

        return self.wrapper.resolve(ByteSpanPositionProvider)

    @cached_property
    def scopes(self) -> Mapping[cst.CSTNode, Scope | None]:
        from libcst.metadata import ScopeProvider

        return self.wrapper.resolve(ScopeProvider)

    def find(self, kind: type[NodeT], line: int, column: int) -> NodeT | None:
        """The node of ``kind`` starting at ``line``/``column`` (as diagnostics count them)."""
        for node, where in self._positions.items():
            if isinstance(node, kind) and where.start.line == line and where.start.column == column - 1:
                return node
        return None

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self._positions[node].start
        return start.line, start.column + 1

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        """The bytes ``node`` covers in ``source``."""
        span = self._spans[node]
        return span.start, span.start + span.length

    def replace(self, node: cst.CSTNode, text: str) -> Edit:
        start, end = self.span(node)
        return Edit(start, end, text)

    def remove_line(self, node: cst.CSTNode) -> Edit | None:
        """Remove a statement that sits alone on its lines, with its line ending; None when
        other code shares the lines."""
        start, end = self.span(node)
        line_start = self.source.rfind(b"\n", 0, start) + 1
        line_end = self.source.find(b"\n", end)
        line_end = len(self.source) if line_end < 0 else line_end + 1
        before = self.source[line_start:start]
        after = self.source[end:line_end].split(b"#", 1)[0]
        if before.strip() or after.strip():
            return None
        return Edit(line_start, line_end, "")

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def comment_at(self, line: int) -> cst.Comment | None:
        """The comment on ``line`` (a suppression comment, for SUP001's fixer)."""
        for node, where in self._positions.items():
            if isinstance(node, cst.Comment) and where.start.line == line:
                return node
        return None

    def remove_comment(self, comment: cst.Comment) -> Edit:
        """Remove a comment with the blanks before it; a comment alone on its line goes with
        its line."""
        start, end = self.span(comment)
        line_start = self.source.rfind(b"\n", 0, start) + 1
        if not self.source[line_start:start].strip():
            removed = self.remove_line_at(line_start)
            if removed is not None:
                return removed
        while start > line_start and self.source[start - 1 : start] in (b" ", b"\t"):
            start -= 1
        return Edit(start, end, "")

    def remove_line_at(self, line_start: int) -> Edit | None:
        line_end = self.source.find(b"\n", line_start)
        return Edit(line_start, len(self.source) if line_end < 0 else line_end + 1, "")
