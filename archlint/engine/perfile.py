"""The per-file phase over the project: cached where nothing changed, the rest in a process pool."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from archlint import __version__
from archlint.config import Config
from archlint.core import Diagnostic, FileResult, Finding, ModuleInfo
from archlint.engine.cache import Cache, settings_salt
from archlint.engine.project import Project
from archlint.engine.selection import rules_by_code
from archlint.engine.settings import FileSettings
from archlint.rules import DEFAULT_SESSION_NAMES, FileRule


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


def analyze_job(job: tuple[bytes, ModuleInfo, FileSettings]) -> FileResult:
    # Imported here: a run served entirely from the cache never loads the parser.
    from archlint.engine.analyze import analyze_file

    return analyze_file(*job)


# Below this many files to parse, starting worker processes costs more than it saves.
_POOL_THRESHOLD = 24


def analyze_all(
    project: Project,
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> list[FileResult]:
    """Per-file results in module order: cached where the inputs are unchanged, the rest
    analysed in a process pool. The order never depends on the number of jobs; ``progress``
    hears (files analysed, files to analyse) as the work goes."""
    settings = file_settings(project)
    cache = Cache(project.root, settings_salt(__version__, sorted(settings.items(), key=str)))
    results: list[FileResult | None] = []
    misses: list[tuple[int, str, tuple[bytes, ModuleInfo, FileSettings]]] = []
    for module in project.tree.modules:
        source = project.sources.get(module.path)
        if source is None:
            error = project.unreadable.get(module.path)
            results.append(_unreadable(module, error.strerror if error else "vanished"))
            continue
        key = cache.key(source, repr(module))
        hit = cache.get(key) if use_cache else None
        results.append(hit)
        if hit is None:
            misses.append((len(results) - 1, key, (source, module, settings[module.role])))
    cores = os.cpu_count() or 1
    # Never more workers than cores or than files to analyse, whatever --jobs asks.
    workers = max(1, min(jobs if jobs is not None else cores, cores, len(misses)))
    job_list = [job for _, _, job in misses]
    fresh: list[FileResult] = []
    if workers > 1 and len(misses) >= _POOL_THRESHOLD:
        context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        )
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            chunk = max(1, len(job_list) // (workers * 8))
            for result in pool.map(analyze_job, job_list, chunksize=chunk):
                fresh.append(result)
                if progress is not None:
                    progress(len(fresh), len(job_list))
    else:
        for job in job_list:
            fresh.append(analyze_job(job))
            if progress is not None:
                progress(len(fresh), len(job_list))
    for (index, key, _), result in zip(misses, fresh, strict=True):
        results[index] = result
        if use_cache:
            cache.put(key, result)
    if use_cache and misses:
        cache.prune(keep=2 * len(project.tree.modules) + 200)
    return [r for r in results if r is not None]


def _unreadable(module: ModuleInfo, reason: str | None) -> FileResult:
    diagnostic = Diagnostic(
        code="SYN001",
        rule="unparsable-file",
        path=module.path,
        message=f"cannot read the file: {reason}",
    )
    return FileResult(info=module, findings=(Finding(diagnostic),))
