"""Indentation libcst cannot represent, rewritten in spaces, with the columns kept.

CPython measures indentation twice, tabs to the next multiple of 8 and tabs as one column,
and accepts a file wherever both measures order the lines alike. libcst stores a block's
indentation as the text it adds to the enclosing block's, so it rejects valid code whose
indentation does not extend the enclosing one's textually (``\\t`` then ``        \\t``, or
`` `` then ``\\t``) with "inconsistent mixing of tabs and spaces".

For a file CPython parses and libcst does not, ``parse_untabbed`` rewrites the indentation of
every line that starts a statement (or holds only a comment) as the spaces CPython counts,
parses that, and maps the columns of the rewritten lines back to the original ones: line
numbers never change, and nothing but indentation does.
"""

from __future__ import annotations

import re
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst

from archlint.engine.positions import decode_source

_LINE = re.compile(r"(\r\n?|\n)")
_INDENT = re.compile(r"[ \t\f]*")
_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}")


@dataclass(frozen=True, slots=True)
class Untabbed:
    """Source text with tab indentation rewritten in spaces.

    ``indents`` maps each rewritten line (1-based) to the length of its original indentation
    and of the rewritten one.
    """

    text: str
    indents: Mapping[int, tuple[int, int]]

    def column(self, line: int, column: int) -> int:
        """The column in the original text of 0-based ``column`` on ``line`` of ``text``."""
        shift = self.indents.get(line)
        if shift is None:
            return column
        original, rewritten = shift
        return column - rewritten + original if column >= rewritten else min(column, original)


def _statement_lines(lines: list[str]) -> set[int]:
    """The lines (1-based) where a statement, a comment-only or a blank line starts, by
    Python's tokenizer: not the inside of a string or of brackets, not a continuation."""
    feed = iter([*(line + "\n" for line in lines[:-1]), lines[-1]])
    starts: set[int] = set()
    at_start = True
    depth = 0
    for token in tokenize.generate_tokens(lambda: next(feed, "")):
        if token.type in (tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        if at_start:
            starts.add(token.start[0])
        if token.type == tokenize.OP:
            if token.string in _OPENING:
                depth += 1
            elif token.string in _CLOSING:
                depth = max(depth - 1, 0)
        at_start = token.type == tokenize.NEWLINE or (token.type == tokenize.NL and depth == 0)
    return starts


def untab(text: str) -> Untabbed | None:
    """``text`` with each statement line's indentation as the spaces CPython counts (a tab
    to the next multiple of 8, a form feed restarting the count); None when no such line is
    indented with a tab, or the tokenizer cannot read the text."""
    parts = _LINE.split(text)
    lines, endings = parts[0::2], [*parts[1::2], ""]
    try:
        starts = _statement_lines(lines)
    except (tokenize.TokenError, SyntaxError):
        return None
    indents: dict[int, tuple[int, int]] = {}
    for number in sorted(starts):
        line = lines[number - 1]
        indentation = _INDENT.match(line)
        whitespace = indentation.group() if indentation else ""
        if "\t" not in whitespace:
            continue
        spaces = whitespace.rsplit("\f", 1)[-1].expandtabs(8)
        lines[number - 1] = spaces + line[len(whitespace) :]
        indents[number] = (len(whitespace), len(spaces))
    if not indents:
        return None
    return Untabbed("".join(line + end for line, end in zip(lines, endings, strict=True)), indents)


def parse_untabbed(source: bytes) -> tuple[cst.Module, Untabbed] | None:
    """The module libcst parses once the indentation of ``source`` is rewritten in spaces,
    with the rewritten text its positions refer to (``Positions(module, untabbed.text,
    columns=untabbed.column)`` reports the original columns); None if that does not parse
    either.

    Only for a file CPython parses (``positions.syntax_error_position`` is None): a file with
    a real ``TabError`` may parse once rewritten, and must still be reported.
    """
    text = decode_source(source)
    if text is None:
        return None
    untabbed = untab(text)
    if untabbed is None:
        return None
    try:
        module = cst.parse_module(untabbed.text)
    except (cst.ParserSyntaxError, RecursionError):
        return None
    return module, untabbed
