"""``# archlint: ignore[CODE, ...] -- reason`` and ``# archlint: ignore-file[CODE]`` comments."""

from __future__ import annotations

import io
import re
import tokenize

from archlint.core import Suppression

_PATTERN = re.compile(
    r"#\s*archlint:\s*(?P<kind>ignore-file|ignore)\b(?:\[(?P<codes>[^\]]*)\])?"
    r"(?:\s*--\s*(?P<reason>.*\S))?"
)


def _comments(text: str) -> list[tuple[int, str]]:
    """(line, comment) pairs; falls back to a line scan if the tokenizer cannot read the file."""
    try:
        return [
            (tok.start[0], tok.string)
            for tok in tokenize.generate_tokens(io.StringIO(text).readline)
            if tok.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return [
            (number, line[line.index("#") :])
            for number, line in enumerate(text.splitlines(), start=1)
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
