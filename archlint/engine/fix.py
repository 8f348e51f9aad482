"""The fix stage: every fixable finding a run reports is handed to its rule's fixer; a file's
fixes are applied together (a fix whose edits overlap one already taken waits for the next
run), written atomically, and never over a file that changed on disk since it was read.

Only findings the run reports are fixed: suppressed, baselined, ignored and out-of-scope
ones are left as they are. After writing, the project is checked again, so the findings a
caller sees (and the exit code) are the ones that remain.
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from archlint.core import Diagnostic, Edit, Fix, RunResult
from archlint.engine.project import CheckOptions
from archlint.engine.report import merge_runs
from archlint.engine.run import ProjectRun, check, project_options, run_project
from archlint.engine.selection import rules_by_code
from archlint.rules.fixes import FixTarget


@dataclass(frozen=True, slots=True)
class FileFix:
    """One file's fixes: its bytes as read and as fixed."""

    path: Path
    shown: str  # the path as the run's report shows it
    before: bytes
    after: bytes
    encoding: str
    fixes: tuple[Fix, ...]

    @property
    def fixed(self) -> int:
        return sum(len(f.diagnostics) for f in self.fixes)

    def diff(self) -> str:
        """The change as a unified diff (``a/``, ``b/`` prefixes, as ``git apply`` reads)."""
        before = self.before.decode(self.encoding).splitlines(keepends=True)
        after = self.after.decode(self.encoding).splitlines(keepends=True)
        lines = difflib.unified_diff(before, after, f"a/{self.shown}", f"b/{self.shown}")
        return "".join(
            line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n" for line in lines
        )


@dataclass(frozen=True, slots=True)
class FixPlan:
    """What fixing would change, and the run it comes from."""

    files: tuple[FileFix, ...]
    result: RunResult
    notes: tuple[str, ...] = ()

    @property
    def fixed(self) -> int:
        return sum(f.fixed for f in self.files)


@dataclass(frozen=True, slots=True)
class FixOutcome:
    """What ``--fix`` did: the files written, the ones left alone (and why), and the run
    after the fixes, whose findings are the ones that remain."""

    written: tuple[FileFix, ...]
    skipped: tuple[str, ...]
    result: RunResult

    @property
    def fixed(self) -> int:
        return sum(f.fixed for f in self.written)


def _overlaps(edit: Edit, taken: Sequence[Edit]) -> bool:
    return any((edit.start < t.end and t.start < edit.end) or edit.start == t.start for t in taken)


def _apply(source: bytes, edits: Sequence[Edit], encoding: str) -> bytes:
    out = bytearray()
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        out += source[position : edit.start]
        out += edit.text.encode(encoding)
        position = edit.end
    out += source[position:]
    return bytes(out)


def _file_fix(run: ProjectRun, path: str, found: Sequence[Diagnostic]) -> FileFix | str | None:
    import libcst as cst

    project = run.project
    source = project.sources.get(path)
    info = next((m for m in project.tree.modules if m.path == path), None)
    if source is None or info is None:
        return None
    shown = run.result.display_path(path)
    try:
        module = cst.parse_module(source)
    except Exception:  # libcst cannot read it (the check already said why)
        return f"{shown}: not fixed: the fixer cannot parse it"
    if module.bytes != source:
        return f"{shown}: not fixed: it does not read back byte for byte"
    summaries = {r.info.path: r.summary for r in run.results if r.summary is not None}
    target = FixTarget(info, source, module, project.tree, summaries)
    registry = rules_by_code()
    accepted: list[Fix] = []
    taken: list[Edit] = []
    for code in sorted({d.code for d in found}):
        mine = [d for d in found if d.code == code]
        for fix in registry[code].fix(target, mine, project.options[code]):
            edits = list(fix.edits)
            if any(_overlaps(e, taken) for e in edits) or any(
                _overlaps(e, edits[i + 1 :]) for i, e in enumerate(edits)
            ):
                continue  # the next run fixes it, against the fixed file
            accepted.append(fix)
            taken.extend(edits)
    if not accepted:
        return None
    after = _apply(source, taken, module.encoding)
    return FileFix(project.root / path, shown, source, after, module.encoding, tuple(accepted))


def _plan_project(run: ProjectRun) -> Iterator[FileFix | str]:
    fixable = {code for code, rule in rules_by_code().items() if rule.fixable}
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in run.result.diagnostics:
        if diagnostic.code in fixable:
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
    for path, found in sorted(by_path.items()):
        planned = _file_fix(run, path, found)
        if planned is not None:
            yield planned


def plan_fixes(options: CheckOptions) -> FixPlan:
    """Lint, then work out every fix for what the run reports; nothing is written."""
    runs = project_options(options)
    if isinstance(runs, str):
        return FixPlan((), check(options))
    files: list[FileFix] = []
    notes: list[str] = []
    results: list[RunResult] = []
    for run_options in runs:
        run = run_project(run_options)
        results.append(run.result)
        for planned in _plan_project(run):
            if isinstance(planned, str):
                notes.append(planned)
            else:
                files.append(planned)
    return FixPlan(tuple(files), merge_runs(results, os.getcwd()), tuple(notes))


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a temporary file in the same folder, keeping the
    file's permission bits: a reader sees the old file or the new one, never half of one."""
    mode = stat.S_IMODE(os.stat(path).st_mode)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".archlint-fix")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def apply_fixes(plan: FixPlan) -> tuple[tuple[FileFix, ...], tuple[str, ...]]:
    """Write the planned files: each only if it still holds the bytes the run read."""
    written: list[FileFix] = []
    skipped: list[str] = list(plan.notes)
    for planned in plan.files:
        try:
            if planned.path.is_symlink():
                skipped.append(f"{planned.shown}: not fixed: a symbolic link")
                continue
            if planned.path.read_bytes() != planned.before:
                skipped.append(f"{planned.shown}: not fixed: it changed on disk since archlint read it")
                continue
            write_atomically(planned.path, planned.after)
        except OSError as exc:
            skipped.append(f"{planned.shown}: not fixed: {exc.strerror or exc}")
            continue
        written.append(planned)
    return tuple(written), tuple(skipped)


def fix(options: CheckOptions, plan: FixPlan | None = None) -> FixOutcome:
    """``--fix``: apply the plan (made now if not given), then lint again for what remains."""
    plan = plan if plan is not None else plan_fixes(options)
    written, skipped = apply_fixes(plan)
    result = check(options) if written else plan.result
    return FixOutcome(written, skipped, result)
