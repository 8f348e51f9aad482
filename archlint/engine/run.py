"""A run from paths to sorted diagnostics: config, layout, discovery, both phases, suppressions."""

from __future__ import annotations

import fnmatch
import multiprocessing
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from archlint import __version__
from archlint.config import Config, find_config, load_config
from archlint.core import (
    ConfigError,
    Diagnostic,
    FileResult,
    Finding,
    Layout,
    ModuleInfo,
    ProjectTree,
    RunResult,
    Suppression,
    UsageError,
)
from archlint.engine.cache import Cache, settings_salt
from archlint.engine.project import confirmed_findings
from archlint.engine.selection import all_options, check_selectors, enabled_codes, rules_by_code
from archlint.engine.settings import FileSettings
from archlint.layouts import PRESETS, build_layout, classify, detect, pick_root, technical_layout
from archlint.rules import DEFAULT_SESSION_NAMES, FileRule, ProjectRule

DEFAULT_EXCLUDES = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".archlint_cache",
    "site-packages",
    "migrations",
    "alembic",
)


# The defaults are plain folder names: a set lookup, not a glob match per path component.
_PLAIN_NAMES = frozenset(DEFAULT_EXCLUDES)


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """What the caller (the CLI, a test, an editor) asks of a run."""

    paths: tuple[Path, ...] = (Path("."),)
    config_file: Path | None = None
    preset: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    jobs: int | None = None
    use_cache: bool = True


@dataclass(frozen=True, slots=True)
class Project:
    """A resolved project: its config, layout and classified tree."""

    config: Config
    tree: ProjectTree
    enabled: frozenset[str]
    options: Mapping[str, object] = field(default_factory=dict)
    preset_source: str = "config"

    @property
    def root(self) -> Path:
        return self.config.project_root


def _cli_error(key: str, problem: str) -> ConfigError:
    return ConfigError("<command line>", f"--{key}", problem)


def _project_root(path: Path) -> Path:
    """Without a config: the given folder, or the nearest folder above a file with a marker."""
    if path.is_dir():
        return path
    return _marked_ancestor(path) or path.parent


def load_project_config(options: CheckOptions) -> Config:
    for path in options.paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    first = options.paths[0].resolve()
    if options.config_file is not None:
        if not options.config_file.is_file():
            raise UsageError(f"{options.config_file}: config file not found")
        return load_config(options.config_file.resolve())
    found = find_config(first)
    if found is not None:
        return load_config(found)
    return Config(project_root=_project_root(first))


def _excluded(relpath: str, patterns: Sequence[str]) -> bool:
    parts = relpath.split("/")
    if not _PLAIN_NAMES.isdisjoint(parts):
        return True
    for pattern in patterns:
        if pattern in _PLAIN_NAMES:
            continue
        pattern = pattern.rstrip("/")
        if "/" not in pattern:
            if any(fnmatch.fnmatchcase(p, pattern) for p in parts):
                return True
            continue
        pattern = pattern.removesuffix("/**")
        for i in range(1, len(parts) + 1):
            if fnmatch.fnmatchcase("/".join(parts[:i]), pattern):
                return True
    return False


def discover(root: Path, excludes: Sequence[str]) -> list[str]:
    """Python files under ``root`` as sorted POSIX paths relative to it, excludes pruned."""
    found: list[str] = []
    patterns = (*DEFAULT_EXCLUDES, *excludes)
    for directory, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(directory, root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        dirnames[:] = sorted(d for d in dirnames if not _excluded(rel_dir + d, patterns))
        found.extend(
            rel_dir + name
            for name in filenames
            if name.endswith(".py") and not _excluded(rel_dir + name, patterns)
        )
    return sorted(found)


def _layout_candidates(config: Config, preset: str | None) -> list[Layout]:
    overrides = config.layout
    names = [preset] if preset else list(PRESETS)
    return [
        build_layout(
            name,
            root=config.root,
            domains=overrides.domains,
            shared=overrides.shared,
            roles=overrides.roles,
            required=overrides.required,
        )
        for name in names
    ]


def _validate_selection(config: Config, options: CheckOptions) -> dict[str, object]:
    """Rule codes and options, checked before the tree so a config error is never hidden."""
    codes = list(rules_by_code())
    for key, values, error in (
        ("select", config.select or (), config.key_error),
        ("extend-select", config.extend_select, config.key_error),
        ("ignore", config.ignore, config.key_error),
        ("select", options.select or (), _cli_error),
        ("extend-select", options.extend_select, _cli_error),
        ("ignore", options.ignore, _cli_error),
    ):
        check_selectors(values, codes, key, error)
    return all_options(config.rules, config.key_error)


def resolve_project(options: CheckOptions) -> Project:
    """Config, layout and classification for a run; raises ArchlintError with a clear message.

    Without a config, the folder given is the project; if no layout fits it, the nearest
    folder above holding a pyproject.toml or .git is tried before giving up (``archlint .``
    run from inside a domain, say).
    """
    config = load_project_config(options)
    preset = options.preset or config.preset
    if preset is not None and preset not in PRESETS:
        known = ", ".join(PRESETS)
        if options.preset:
            raise _cli_error("preset", f"unknown preset {preset!r} (expected one of: {known})")
        raise config.key_error("preset", f"unknown preset {preset!r} (expected one of: {known})")
    rule_options = _validate_selection(config, options)
    try:
        tree = _classified_tree(config, preset)
    except UsageError:
        above = _marked_ancestor(config.project_root) if config.path is None else None
        if above is None:
            raise
        config = replace(config, project_root=above)
        tree = _classified_tree(config, preset)
    enabled = enabled_codes(
        tree.layout.name,
        select=options.select if options.select is not None else config.select,
        extend_select=(*config.extend_select, *options.extend_select),
        ignore=(*config.ignore, *options.ignore),
    )
    source = "command line" if options.preset else "config" if config.preset else "detected"
    return Project(config=config, tree=tree, enabled=enabled, options=rule_options, preset_source=source)


def _marked_ancestor(path: Path) -> Path | None:
    """The nearest folder above ``path`` holding a pyproject.toml or a .git."""
    for candidate in path.resolve().parents:
        if (candidate / "pyproject.toml").is_file() or (candidate / ".git").exists():
            return candidate
    return None


def _classified_tree(config: Config, preset: str | None) -> ProjectTree:
    files = discover(config.project_root, config.exclude)
    layouts = _layout_candidates(config, preset)
    where = config.project_root
    if not files:
        raise UsageError(f"no Python file found under {where}")
    try:
        layout = layouts[0] if preset else detect(files, layouts)
    except UsageError as exc:
        message = f"{exc} in {where}; set `preset` (and `root`) in [tool.archlint]"
        snippet = technical_layout(files)
        if snippet is not None:
            message += (
                ".\nIt looks layered by technical concern (api/, services/ ...) rather than by "
                f"domain; describe it in {where / 'pyproject.toml'}:\n\n{snippet}\n"
            )
        raise UsageError(message) from None
    root = pick_root(layout, files)
    if root is None:
        raise UsageError(
            f"layout {layout.name}: no Python file under its source root "
            f"({' or '.join(layout.roots)}) in {where}; set `root` in [tool.archlint]"
        )
    tree = classify(layout, root, files)
    if not tree.domains:
        raise UsageError(
            f"layout {layout.name} matched no domain: looked for {' or '.join(layout.domains)} "
            f"under {where / root}; set `preset`, `root` or [tool.archlint.layout] domains"
        )
    return tree


def session_names(config: Config) -> tuple[str, ...]:
    base = config.session_names if config.session_names is not None else DEFAULT_SESSION_NAMES
    return (*base, *config.extend_session_names)


def file_settings(project: Project) -> dict[Any, FileSettings]:
    """One FileSettings per role: the enabled file rules for that role and their options."""
    registry = rules_by_code()
    file_rules = [
        rule
        for code, rule in sorted(registry.items())
        if code in project.enabled and issubclass(rule, FileRule)
    ]
    names = session_names(project.config)
    settings: dict[Any, FileSettings] = {}
    for module in project.tree.modules:
        if module.role in settings:
            continue
        chosen = tuple(r for r in file_rules if module.role in r.roles)
        settings[module.role] = FileSettings(
            rules=chosen,
            options={r.code: project.options[r.code] for r in chosen},
            session_names=names,
        )
    return settings


def _analyze_job(job: tuple[bytes, ModuleInfo, FileSettings]) -> FileResult:
    # Imported here: a run served entirely from the cache never loads the parser.
    from archlint.engine.analyze import analyze_file

    return analyze_file(*job)


# Below this many files to parse, starting worker processes costs more than it saves.
_POOL_THRESHOLD = 24


def analyze_all(project: Project, *, jobs: int | None = None, use_cache: bool = True) -> list[FileResult]:
    """Per-file results in module order: cached where the inputs are unchanged, the rest
    analysed in a process pool. The order never depends on the number of jobs."""
    settings = file_settings(project)
    cache = Cache(project.root, settings_salt(__version__, sorted(settings.items(), key=str)))
    results: list[FileResult | None] = []
    misses: list[tuple[int, str, tuple[bytes, ModuleInfo, FileSettings]]] = []
    for module in project.tree.modules:
        try:
            source = (project.root / module.path).read_bytes()
        except OSError as exc:
            results.append(_unreadable(module, exc))
            continue
        key = cache.key(source, repr(module))
        hit = cache.get(key) if use_cache else None
        results.append(hit)
        if hit is None:
            misses.append((len(results) - 1, key, (source, module, settings[module.role])))
    workers = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    job_list = [job for _, _, job in misses]
    if workers > 1 and len(misses) >= _POOL_THRESHOLD:
        context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        )
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            fresh = list(pool.map(_analyze_job, job_list, chunksize=max(1, len(job_list) // (workers * 8))))
    else:
        fresh = [_analyze_job(job) for job in job_list]
    for (index, key, _), result in zip(misses, fresh, strict=True):
        results[index] = result
        if use_cache:
            cache.put(key, result)
    if use_cache and misses:
        cache.prune(keep=2 * len(project.tree.modules) + 200)
    return [r for r in results if r is not None]


def _unreadable(module: ModuleInfo, exc: OSError) -> FileResult:
    diagnostic = Diagnostic(
        code="SYN001",
        rule="unparsable-file",
        path=module.path,
        message=f"cannot read the file: {exc.strerror}",
    )
    return FileResult(info=module, findings=(Finding(diagnostic),))


def project_findings(project: Project) -> list[Finding]:
    registry = rules_by_code()
    findings: list[Finding] = []
    for code, rule in sorted(registry.items()):
        if code in project.enabled and issubclass(rule, ProjectRule):
            checker = rule()
            findings.extend(Finding(d) for d in checker.check(project.tree, project.options[code]))
    return findings


def _suppressed(
    finding: Finding,
    line_rules: Mapping[int, Sequence[Suppression]],
    file_rules: Sequence[Suppression],
) -> bool:
    code = finding.diagnostic.code
    for suppression in file_rules:
        if not suppression.codes or code in suppression.codes:
            return True
    lines = {finding.diagnostic.line, finding.statement_line} - {None}
    for line in lines:
        for suppression in line_rules.get(line or 0, ()):
            if not suppression.codes or code in suppression.codes:
                return True
    return False


def apply_suppressions(
    findings: Iterable[Finding], results: Iterable[FileResult]
) -> tuple[list[Diagnostic], int]:
    by_path: dict[str, tuple[dict[int, list[Suppression]], list[Suppression]]] = {}
    for result in results:
        if not result.suppressions:
            continue
        lines: dict[int, list[Suppression]] = {}
        whole: list[Suppression] = []
        for suppression in result.suppressions:
            if suppression.file_level:
                whole.append(suppression)
            else:
                lines.setdefault(suppression.line, []).append(suppression)
        by_path[result.info.path] = (lines, whole)
    kept: list[Diagnostic] = []
    suppressed = 0
    for finding in findings:
        entry = by_path.get(finding.diagnostic.path)
        if entry is not None and _suppressed(finding, entry[0], entry[1]):
            suppressed += 1
        else:
            kept.append(finding.diagnostic)
    return kept, suppressed


def _in_scope(path: str, scopes: Sequence[str]) -> bool:
    return any(s == "" or path == s or path.startswith(s + "/") for s in scopes)


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


def check(options: CheckOptions) -> RunResult:
    """Lint a project: the whole of it is read, findings are reported for the given paths."""
    project = resolve_project(options)
    results = analyze_all(project, jobs=options.jobs, use_cache=options.use_cache)
    findings = confirmed_findings(results) + project_findings(project)
    diagnostics, suppressed = apply_suppressions(findings, results)
    scopes = _scopes(project, options.paths)
    diagnostics = [d for d in diagnostics if d.code in project.enabled and _in_scope(d.path, scopes)]
    registry = rules_by_code()
    return RunResult(
        diagnostics=tuple(sorted(set(diagnostics), key=lambda d: d.sort_key)),
        project_root=str(project.root),
        files_checked=len(results),
        preset=project.tree.layout.name,
        rules={code: rule.meta() for code, rule in sorted(registry.items())},
        suppressed=suppressed,
        preset_source=project.preset_source,
    )


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
    layout = PRESETS["layered-v1"]
    tree = ProjectTree(layout, ".", tuple(modules), (), ())
    project = Project(config=config, tree=tree, enabled=codes, options=options)
    settings = file_settings(project)
    results = [_analyze_job((sources[m.module].encode(), m, settings[m.role])) for m in modules]
    diagnostics, _ = apply_suppressions(confirmed_findings(results), results)
    return sorted((d for d in diagnostics if d.code in codes), key=lambda d: d.sort_key)


__all__ = ["CheckOptions", "Project", "check", "check_sources", "discover", "resolve_project"]
