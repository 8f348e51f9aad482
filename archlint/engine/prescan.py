"""A cheap look at a file's bytes before any parser sees them: what would crash or stall one.

libcst's native parser overflows its stack (a segfault, not an exception) on about 1,200
nested brackets or 7,000 operands chained in one expression, and a 15 MB generated module
takes minutes and gigabytes. Such a file becomes SYN001 and the rest of the project is
linted. Brackets inside strings count too: the limits sit far above any hand-written code
and far below the parser's.
"""

from __future__ import annotations

import operator
from itertools import accumulate

MAX_DEPTH = 300  # brackets open at once; real code stays under 30
MAX_OPERATORS = 2_000  # operators in one statement (a bracket spans lines)

_BRACKETS = bytes(range(256)).translate(None, b"()[]{}")  # every byte but the brackets
_STEPS = bytes.maketrans(b"([{)]}", b"\x02\x02\x02\x00\x00\x00")
# "-", "<" and ">" fill comments, separators and HTML too often to be worth counting.
_OPERATORS = b"+*/%|&^@"
_OPERATOR_BYTES = [bytes([o]) for o in _OPERATORS]
_OPERATOR_SET = frozenset(_OPERATORS)
_OPEN = frozenset(b"([{")
_CLOSE = frozenset(b")]}")


def _deepest(source: bytes) -> int:
    """The most brackets open at once: with opens as 2 and closes as 0, the running sum
    minus the count so far is the depth (all in C, no Python loop per byte)."""
    steps = source.translate(None, _BRACKETS).translate(_STEPS)
    if not steps:
        return 0
    depth: int = max(map(operator.sub, accumulate(steps), range(1, len(steps) + 1)))
    return depth


def too_hard(source: bytes, max_bytes: int) -> str | None:
    """Why ``source`` must not reach the parser, or None."""
    if len(source) > max_bytes:
        return (
            f"file is too large to analyse ({len(source):,} bytes, limit {max_bytes:,}): exclude it, "
            "or raise max-file-size in [tool.archlint]"
        )
    if _deepest(source) > MAX_DEPTH:
        return f"code is nested too deeply to analyse (over {MAX_DEPTH} brackets open at once)"
    if (
        sum(source.count(o) for o in _OPERATOR_BYTES) > MAX_OPERATORS
        and _longest_statement(source) > MAX_OPERATORS
    ):
        return f"an expression is too long to analyse (over {MAX_OPERATORS} operators in one statement)"
    return None


def _longest_statement(source: bytes) -> int:
    """The most operators in one statement: a newline ends a statement only outside
    brackets. A Python loop, run only on the rare file whose total count leaves doubt."""
    depth = count = longest = 0
    for byte in source:
        if byte in _OPEN:
            depth += 1
        elif byte in _CLOSE:
            depth = max(depth - 1, 0)
        elif byte in _OPERATOR_SET:
            count += 1
            longest = max(longest, count)
        elif byte == 10 and depth == 0:
            count = 0
    return longest
