"""``# archlint: ignore[CODE, ...] -- reason`` and ``# archlint: ignore-file[CODE]`` comments:
reading them, hiding the findings they name, and judging the comments themselves (SUP001
unused or unknown codes, SUP002 a comment that names no code, is misplaced or gives no reason).

A suppression hides only the codes it names: a bare ``# archlint: ignore`` hides nothing. An
``ignore-file`` counts only in the module's leading comments, before the first statement.
SUP findings are never hidden by a suppression themselves (a comment that could silence the
report about itself would make both rules useless); per-file-ignores and ``ignore`` turn them
off.
"""

from __future__ import annotations

import difflib
import io
import re
import tokenize
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from archlint.core import Diagnostic, FileResult, Finding, SuppressedDiagnostic, Suppression, make_fingerprint
from archlint.rules.suppression import DIRECTIVE as _PATTERN
from archlint.rules.suppression import SEPARATOR as _SEPARATOR
from archlint.rules.suppression import InvalidSuppression, UnusedSuppression

_CODE_ONLY = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENCODING})


@dataclass(frozen=True, slots=True)
class _Comment:
    line: int
    column: int  # 0-based, characters
    text: str
    leading: bool
    own_line: bool


def _comments(text: str) -> list[_Comment]:
    """Every comment, and whether it comes before the first statement; falls back to a line
    scan if the tokenizer cannot read the file."""
    found: list[_Comment] = []
    seen_code = False
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text, newline=None).readline):
            if tok.type not in _CODE_ONLY:
                seen_code = True
            elif tok.type == tokenize.COMMENT:
                line, column = tok.start
                own = not tok.line[:column].strip()
                found.append(_Comment(line, column, tok.string, not seen_code, own))
        return found
    except (tokenize.TokenError, SyntaxError, IndentationError):
        found = []
    seen_code = False
    for number, physical in enumerate(re.split(r"\r\n?|\n", text), start=1):
        stripped = physical.lstrip()
        if stripped and not stripped.startswith("#"):
            seen_code = True
        if "#" in physical:
            at = physical.index("#")
            found.append(_Comment(number, at, physical[at:], not seen_code, not physical[:at].strip()))
    return found


def parse_suppressions(
    text: str, columns: Callable[[int, int], int] | None = None
) -> tuple[Suppression, ...]:
    """Every archlint suppression comment in ``text``; cheap when there is none.

    ``columns`` maps a (line, 0-based column) of ``text`` to the column to report, for a text
    whose indentation was rewritten (see ``archlint.engine.tabs``)."""
    if "archlint:" not in text:
        return ()
    found: list[Suppression] = []
    for comment in _comments(text):
        match = _PATTERN.search(comment.text)
        if match is None:
            continue
        column = comment.column + match.start()
        if columns is not None:
            column = columns(comment.line, column)
        codes = _SEPARATOR.split((match.group("codes") or "").upper())
        found.append(
            Suppression(
                line=comment.line,
                codes=tuple(dict.fromkeys(c for c in codes if c)),
                reason=match.group("reason"),
                file_level=match.group("kind") == "ignore-file",
                column=column + 1,
                leading=comment.leading,
                own_line=comment.own_line,
            )
        )
    return tuple(found)


def _effective(suppression: Suppression) -> bool:
    """Whether the comment can hide anything: it names a code, and an ``ignore-file`` sits in
    the module's leading comments."""
    return bool(suppression.codes) and (suppression.leading or not suppression.file_level)


@dataclass(frozen=True, slots=True)
class _FileSuppressions:
    lines: Mapping[int, Suppression]
    whole: Sequence[Suppression]

    def covering(self, finding: Finding) -> list[Suppression]:
        """Every comment that hides ``finding``: one on its line, on the first line of its
        statement, or an ``ignore-file`` naming its code."""
        code = finding.diagnostic.code
        lines = dict.fromkeys(line for line in (finding.diagnostic.line, finding.statement_line) if line)
        candidates = [*(self.lines[line] for line in lines if line in self.lines), *self.whole]
        return [s for s in candidates if code in s.codes]


def _by_path(results: Iterable[FileResult]) -> dict[str, _FileSuppressions]:
    by_path: dict[str, _FileSuppressions] = {}
    for result in results:
        effective = [s for s in result.suppressions if _effective(s)]
        if effective:
            by_path[result.info.path] = _FileSuppressions(
                {s.line: s for s in effective if not s.file_level}, [s for s in effective if s.file_level]
            )
    return by_path


def _apply(
    findings: Iterable[Finding], by_path: Mapping[str, _FileSuppressions], pinned: Callable[[str], str]
) -> tuple[list[Diagnostic], list[SuppressedDiagnostic], set[tuple[str, int, str]]]:
    """Kept findings, hidden ones, and (path, comment line, code) of every comment that hid
    a finding (every one that would have, when two name the same finding).

    A folder finding (no line) is hidden by an ``ignore-file`` in the file it is pinned to."""
    kept: list[Diagnostic] = []
    hidden: list[SuppressedDiagnostic] = []
    used: set[tuple[str, int, str]] = set()
    for finding in findings:
        path = pinned(finding.diagnostic.path)
        entry = by_path.get(path)
        covering = entry.covering(finding) if entry is not None else []
        if not covering:
            kept.append(finding.diagnostic)
            continue
        hidden.append(SuppressedDiagnostic(finding.diagnostic, covering[0].reason))
        used.update((path, s.line, finding.diagnostic.code) for s in covering)
    return kept, hidden, used


@dataclass(frozen=True, slots=True)
class SuppressionPolicy:
    """What judging the comments needs from the run: every rule code archlint knows, whether a
    code ran on a file (selected, and not switched off there by per-file-ignores: a comment
    for a rule that did not run is never called unused), ``require-reason``, and the file a
    finding's path is pinned to (a folder finding's ``__init__.py`` or first module)."""

    known: Collection[str]
    judged: Callable[[str, str], bool]
    require_reason: bool = False
    pinned: Callable[[str], str] = str


def suppress(
    findings: Sequence[Finding], results: Sequence[FileResult], policy: SuppressionPolicy
) -> tuple[list[Diagnostic], list[SuppressedDiagnostic]]:
    """The findings no comment hides plus the SUP001/SUP002 findings about the comments, and
    the hidden findings with the reason given."""
    kept, hidden, used = _apply(findings, _by_path(results), policy.pinned)
    # Codes reported on each (path, line); line 0 for a finding about the whole file or folder.
    reported: dict[tuple[str, int], set[str]] = {}
    for finding in findings:
        d = finding.diagnostic
        if d.line is None:
            reported.setdefault((policy.pinned(d.path), 0), set()).add(d.code)
        for line in (d.line, finding.statement_line):
            if line:
                reported.setdefault((d.path, line), set()).add(d.code)
    for result in results:
        path = result.info.path
        for suppression in result.suppressions:
            here = reported.get((path, suppression.line), set())
            invalid = _invalid(suppression, here, policy.require_reason)
            if invalid:
                kept.append(_diagnostic(InvalidSuppression, path, suppression, invalid))
            if not _effective(suppression):
                continue
            whole = reported.get((path, 0), set())
            unused, removable = _unused(path, suppression, used, policy, whole)
            if unused:
                kept.append(_diagnostic(UnusedSuppression, path, suppression, unused, removable))
    return kept, hidden


_SUP_CODES = frozenset({UnusedSuppression.code, InvalidSuppression.code})


def _written(suppression: Suppression) -> str:
    kind = "ignore-file" if suppression.file_level else "ignore"
    return f"# archlint: {kind}" + (f"[{', '.join(suppression.codes)}]" if suppression.codes else "")


def _invalid(suppression: Suppression, reported_here: Collection[str], require_reason: bool) -> str:
    """SUP002's message for the comment, or '' when it is well formed."""
    written = _written(suppression)
    if suppression.file_level and not suppression.leading:
        named = "" if suppression.codes else ", and name the codes it hides"
        return (
            f"misplaced `{written}`: it hides nothing here, a file-level suppression counts only "
            "in the module's leading comments, before the first statement (the docstring "
            f"included); move it to the top of the file{named}"
        )
    if not suppression.codes:
        example = ", ".join(sorted(reported_here)) or "CODE"
        return (
            f"`{written}` names no code and hides nothing; name the codes it is for: `{written}[{example}]`"
        )
    if require_reason and not suppression.reason:
        return f"`{written}` gives no reason; say why after the codes: `{written} -- <reason>`"
    return ""


def _unused(
    path: str,
    suppression: Suppression,
    used: Collection[tuple[str, int, str]],
    policy: SuppressionPolicy,
    whole_file: Collection[str],
) -> tuple[str, tuple[str, ...]]:
    """SUP001's message for the comment and the codes that can go from it, or '' when every
    code it names hid a finding (or
    belongs to a rule that did not run on the file). ``whole_file`` are the codes reported
    about the file (or the folder it stands for) as a whole, which only an ignore-file hides."""
    problems: list[str] = []
    unused: list[str] = []
    removable = [c for c in suppression.codes if c not in policy.known or c in _SUP_CODES]
    for code in suppression.codes:
        if code not in policy.known:
            problems.append(_unknown(code, policy.known))
        elif code in _SUP_CODES:
            problems.append(
                f"{code} cannot be suppressed inline (switch it off with per-file-ignores or ignore)"
            )
        elif (path, suppression.line, code) not in used and policy.judged(path, code):
            unused.append(code)
    whole = [] if suppression.file_level else [c for c in unused if c in whole_file]
    if whole:
        listed = ", ".join(whole)
        problems.insert(
            0,
            f"{listed} {_is(whole)} reported about the whole file (or its folder), not a line: only "
            f"`# archlint: ignore-file[{listed}]` in the leading comments hides {_it(whole)}",
        )
    unused = [c for c in unused if c not in whole]
    if unused:
        where = "in this file" if suppression.file_level else "on this line"
        message = f"{', '.join(unused)} {_is(unused)} not reported {where}; remove {_it(unused)}"
        if suppression.own_line and not suppression.file_level:
            message += (
                " (a comment on a line of its own hides nothing: put it at the end of the "
                "reported line, or of the statement's first line)"
            )
        problems.insert(0, message)
    if not problems:
        return "", ()
    return "unused suppression: " + "; ".join(problems), (*removable, *whole, *unused)


def _is(codes: Sequence[str]) -> str:
    return "is" if len(codes) == 1 else "are"


def _it(codes: Sequence[str]) -> str:
    return "it" if len(codes) == 1 else "them"


def _unknown(code: str, known: Collection[str]) -> str:
    family = sorted(k for k in known if k.startswith(code))
    if family:
        listed = ", ".join(family[:3]) + (", ..." if len(family) > 3 else "")
        return f"unknown rule code {code}: a suppression names full codes ({listed})"
    close = difflib.get_close_matches(code, sorted(known), n=1, cutoff=0.6)
    return f"unknown rule code {code}" + (f" (did you mean {close[0]}?)" if close else "")


def _diagnostic(
    rule: type[UnusedSuppression | InvalidSuppression],
    path: str,
    suppression: Suppression,
    message: str,
    removable: tuple[str, ...] = (),
) -> Diagnostic:
    """``removable`` (SUP001's symbol) are the codes its fixer takes out of the comment."""
    written = _written(suppression)
    return Diagnostic(
        code=rule.code,
        rule=rule.name,
        path=path,
        message=message,
        symbol=", ".join(removable),
        line=suppression.line,
        column=suppression.column,
        fingerprint=make_fingerprint(rule.code, path, "", written),
    )
