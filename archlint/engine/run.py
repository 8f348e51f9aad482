"""A run, stage by stage: project (config, roots, classification) -> per-file phase -> project
phase -> suppressions -> the diagnostics for the paths named, sorted."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from archlint import __version__
from archlint.config import Config
from archlint.core import (
    LAYER_ROLES,
    Diagnostic,
    FileResult,
    Finding,
    LayoutMode,
    ModuleInfo,
    ProjectContext,
    ProjectTree,
    Role,
    RunResult,
    Severity,
    UsageError,
)
from archlint.engine import baseline
from archlint.engine.changed import changed_files
from archlint.engine.perfile import FileResults, analyze_all, analyze_job, file_settings
from archlint.engine.project import CheckOptions, Project, group_by_project, resolve_project
from archlint.engine.report import (
    as_warning,
    covered,
    ignored,
    ignored_code,
    in_scope,
    merge_runs,
    pin,
    pinned_file,
)
from archlint.engine.selection import all_options, rules_by_code
from archlint.engine.suppressions import SuppressionPolicy, suppress
from archlint.layouts import PRESETS
from archlint.rules import FileRule, ProjectRule
from archlint.rules.resolve import confirmed_findings


def project_findings(project: Project, results: Sequence[FileResult]) -> list[Finding]:
    registry = rules_by_code()
    summaries = {r.info.path: r.summary for r in results if r.summary is not None}
    findings: list[Finding] = []
    context = ProjectContext(imports=project.imports)  # one per run: its memo is shared
    for code, rule in sorted(registry.items()):
        if code in project.enabled and issubclass(rule, ProjectRule):
            checker = rule(context)
            found = checker.check(project.tree, project.options[code], summaries)
            findings.extend(Finding(d) for d in found)
    return findings


def project_phase(project: Project, files: FileResults) -> list[Finding]:
    """Cross-file resolution and the project rules. They read every file's result, the
    classified tree, the settings and the import-linter configuration, nothing else: while
    those are unchanged their findings come from the cache, and no result is even unpickled."""
    cache, inputs = files.cache, ""
    if cache is not None:
        inputs = "\x1e".join(
            (
                files.digest(),
                repr(project.tree),
                repr(project.config),
                repr(project.imports),
                repr(sorted(project.enabled)),
                repr(sorted(project.options.items())),
            )
        )
        cached = cache.project_findings(inputs)
        if cached is not None:
            return list(cached)
    results = files.full()
    findings = confirmed_findings(results) + project_findings(project, results)
    if cache is not None:
        cache.put_project_findings(inputs, findings)
    return findings


def folder_findings(project: Project) -> list[Finding]:
    """A SYN001 finding on every folder discovery could not list: its files went unchecked."""
    return [
        Finding(
            Diagnostic(
                code="SYN001",
                rule="unparsable-file",
                path="" if folder == "." else folder,
                message=f"cannot read the folder: {error.strerror}; the files in it were not checked",
            )
        )
        for folder, error in sorted(project.unreadable_folders.items())
    ]


def _scopes(project: Project, paths: Sequence[Path]) -> list[str]:
    root = project.root.resolve()
    scopes: list[str] = []
    for path in paths:
        resolved = path.resolve()
        try:
            rel = resolved.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(f"{path} is outside the project root {project.root}") from None
        scopes.append("" if rel == "." else rel)
    return scopes


def _layout_note(project: Project) -> str:
    tree = project.tree
    if tree.mode is LayoutMode.DETECTED:
        return _detected_note(project)
    if tree.mode is not LayoutMode.BY_NAME:
        return ""
    named = sum(1 for m in tree.modules if m.role in LAYER_ROLES)
    return (
        f"no preset matched; layer rules ran on {named} files recognised by name, layout rules "
        "did not (`archlint layout` shows how the tree was read; set `preset` in [tool.archlint] "
        "to pin a layout)"
    )


def _detected_note(project: Project) -> str:
    """A detected preset is a guess: say which file rules its defaults leave off that other
    presets run, when the project has files they would check."""
    preset = project.tree.layout.name
    roles = {m.role for m in project.tree.modules}
    off = sorted(
        code
        for code, rule in rules_by_code().items()
        if issubclass(rule, FileRule)
        and preset not in rule.presets
        and len(rule.presets) >= 3  # on in most conventions, not an opt-in of one
        and code not in project.enabled
        and rule.roles & roles
        and rule.needs_roles <= roles  # a rule that could not run here is no advice
    )
    if not off or project.config.select is not None:
        return ""
    return (
        f"{preset} was detected, and its defaults leave {', '.join(off)} off "
        f"(`--extend-select {','.join(off)}` runs {'it' if len(off) == 1 else 'them'}; "
        "`archlint explain CODE` says why)"
    )


def project_options(options: CheckOptions) -> list[CheckOptions] | str:
    """The run of each project the paths belong to, or why there is nothing to check."""
    if options.diff_base is not None:
        changed = changed_files(options.paths[0].resolve(), options.diff_base)
        if not changed:
            return f"no Python file changed since {options.diff_base}: nothing to check"
        options = replace(options, paths=changed, diff_base=None)
    return [replace(options, paths=paths) for paths in group_by_project(options)]


def check(options: CheckOptions) -> RunResult:
    """Lint the projects the paths belong to: each is read whole, findings are reported for
    the paths named (with ``diff_base``, for the files changed since that revision)."""
    runs = project_options(options)
    if isinstance(runs, str):
        return RunResult(
            diagnostics=(),
            project_root=str(options.paths[0].resolve()),
            files_checked=0,
            preset="-",
            layout_note=runs,
        )
    return merge_runs([_check_project(run) for run in runs], os.getcwd())


@dataclass(frozen=True, slots=True)
class ProjectRun:
    """One project's run: what it read (the project, every file's result) and what it found."""

    project: Project
    files: FileResults
    result: RunResult

    @property
    def results(self) -> Sequence[FileResult]:
        """Every file's full result (those served by the cache are unpickled on first use)."""
        return self.files.full()


def _check_project(options: CheckOptions) -> RunResult:
    return run_project(options).result


def run_project(options: CheckOptions) -> ProjectRun:
    """Lint one project (the paths named all belong to it)."""
    project = resolve_project(options)
    per_file = analyze_all(project, jobs=options.jobs, use_cache=options.use_cache, progress=options.progress)
    findings = project_phase(project, per_file) + folder_findings(project)
    files = [m.path for m in project.tree.modules]
    ignores = project.config.per_file_ignores
    registry = rules_by_code()
    kept, hidden = suppress(findings, per_file.light(), _suppression_policy(project, files))
    scopes = _scopes(project, options.paths)
    warn = (
        *project.config.warn,
        *options.warn,
        *(code for code, rule in registry.items() if rule.severity is Severity.WARNING),
    )
    placed = [
        p
        for p in pin((d for d in kept if d.code in project.enabled), files)
        if in_scope(p, scopes) and not ignored(p, ignores)
    ]
    diagnostics = sorted({as_warning(p.diagnostic, warn) for p in placed}, key=lambda d: d.sort_key)
    folders = {p.diagnostic.fingerprint: p.folder for p in placed if p.folder is not None}
    modules = {m.path: m for m in project.tree.modules}
    places = {
        d.path: (modules[d.path].domain or "", (modules[d.path].role or Role.OTHER).value)
        for d in diagnostics
        if d.path in modules
    }
    checked = tuple(f for f in files if covered(f, scopes))
    accepted = _baseline(project, options, diagnostics, set(checked))
    suppressed = [
        replace(s, diagnostic=p.diagnostic)
        for s, p in zip(hidden, pin((s.diagnostic for s in hidden), files), strict=True)
        if s.diagnostic.code in project.enabled and in_scope(p, scopes)
    ]
    result = RunResult(
        diagnostics=accepted.kept,
        folders=folders,
        places=places,
        baselined=accepted.hidden,
        stale_baseline=tuple(f"{e.path}: {e.code} {e.message}" for e in accepted.stale),
        project_root=str(project.root),
        files_checked=len(per_file),
        preset=project.tree.layout.name,
        rules={code: rule.meta() for code, rule in sorted(registry.items())},
        suppressed=len(suppressed),
        suppressed_diagnostics=tuple(sorted(suppressed, key=lambda s: s.diagnostic.sort_key)),
        cwd_prefix=RunResult.prefix_for(str(project.root), os.getcwd()),
        tool_version=__version__,
        checked_files=checked,
        notifications=(
            *(
                f"{path}: cannot read the file: {error.strerror}"
                for path, error in sorted(project.unreadable.items())
            ),
            *(
                f"{folder}/: cannot read the folder: {error.strerror}; the files in it were not checked"
                for folder, error in sorted(project.unreadable_folders.items())
            ),
            *(f"{link}: not checked: a symbolic link out of the project" for link in project.outside_links),
        ),
        preset_source=project.preset_source,
        layout_note=_layout_note(project),
        layout_mode=project.tree.mode.value,
    )
    return ProjectRun(project, per_file, result)


def _suppression_policy(project: Project, files: Sequence[str]) -> SuppressionPolicy:
    """A code is judged on a file when it ran there: selected, and not switched off for the
    file by per-file-ignores."""
    file_set = frozenset(files)
    ignores = project.config.per_file_ignores
    return SuppressionPolicy(
        known=frozenset(rules_by_code()),
        judged=lambda path, code: code in project.enabled and not ignored_code(code, path, ignores),
        require_reason=project.config.require_reason,
        pinned=lambda path: pinned_file(path, files, file_set) or path,
    )


def _baseline(
    project: Project, options: CheckOptions, diagnostics: Sequence[Diagnostic], scope: set[str]
) -> baseline.Applied:
    """Hide what the baseline accepted; with ``update_baseline``, rewrite it first."""
    path = options.baseline
    if path is None and project.config.baseline is not None:
        path = project.root / project.config.baseline
    if path is None:
        if options.update_baseline:
            raise UsageError("--update-baseline needs a baseline: --baseline FILE, or baseline = in config")
        return baseline.Applied(tuple(diagnostics), 0, ())
    entries = baseline.load(path)
    if options.update_baseline:
        add = options.add_to_baseline or not path.exists()
        entries = baseline.updated(entries, diagnostics, scope, add=add)
        baseline.write(path, entries)
    return baseline.apply(diagnostics, entries, scope)


def read_layout(options: CheckOptions) -> tuple[ProjectTree, Path]:
    """How archlint reads the project at ``options.paths``: its classified tree and root,
    even when no file plays a layer role (which ``check`` refuses)."""
    project = resolve_project(options, require_roles=False)
    return project.tree, project.root


def check_sources(
    sources: Mapping[str, str],
    roles: Mapping[str, Any],
    *,
    rule_options: Mapping[str, Mapping[str, object]] | None = None,
    enabled: Iterable[str] | None = None,
) -> list[Diagnostic]:
    """Lint in-memory modules (dotted name -> source) with the given roles: for inline cases.

    Runs the same per-file and project phases as ``check``, minus discovery and layout rules.
    """
    codes = frozenset(enabled) if enabled is not None else frozenset(rules_by_code())
    config = Config(rules=rule_options or {})
    options = all_options(config.rules, config.key_error)
    modules = [
        ModuleInfo(
            path=name.replace(".", "/") + ".py",
            module=name,
            names=(name,),
            role=roles.get(name),
        )
        for name in sorted(sources)
    ]
    tree = ProjectTree(PRESETS["layered-v1"], ".", tuple(modules), (), ())
    encoded = {m.path: sources[m.module].encode() for m in modules}
    project = Project(config=config, tree=tree, enabled=codes, options=options, sources=encoded)
    settings = file_settings(project)
    results = [analyze_job((encoded[m.path], m, settings[m.role])) for m in modules]
    policy = SuppressionPolicy(known=frozenset(rules_by_code()), judged=lambda _path, code: code in codes)
    diagnostics, _ = suppress(confirmed_findings(results), results, policy)
    return sorted((d for d in diagnostics if d.code in codes), key=lambda d: d.sort_key)


__all__ = [
    "CheckOptions",
    "Project",
    "ProjectRun",
    "check",
    "check_sources",
    "project_options",
    "read_layout",
    "resolve_project",
    "run_project",
]
