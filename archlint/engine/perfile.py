"""The per-file phase over the project: cached where nothing changed, the rest in a process pool."""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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
    present = {module.role for module in project.tree.modules}
    file_rules = [
        rule
        for code, rule in sorted(registry.items())
        if code in project.enabled and issubclass(rule, FileRule) and rule.needs_roles <= present
    ]
    names = session_names(project.config)
    words = tuple((r.code, tuple(sorted(r.project_words(project.sources.values())))) for r in file_rules)
    settings: dict[Any, FileSettings] = {}
    for module in project.tree.modules:
        if module.role in settings:
            continue
        chosen = tuple(r for r in file_rules if module.role in r.roles)
        settings[module.role] = FileSettings(
            rules=chosen,
            options={r.code: project.options[r.code] for r in chosen},
            session_names=names,
            max_bytes=project.config.max_file_size,
            project_words=tuple((code, w) for code, w in words if code in {r.code for r in chosen}),
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
        fresh = _in_pool(job_list, workers, progress)
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


def _context() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)


def _worker_init(parent: int) -> None:
    """Workers leave Ctrl-C to the parent, and die with it (Linux): a killed run leaves no
    process behind. ``parent`` is the pid that started the pool."""
    _arm(parent)


def _arm(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's Python-level SIGTERM handler would only run between bytecodes; the
    # default action ends a worker even while it waits in C.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the death signal was armed: nobody waits for us


_FORKING_PARENT = [0]


def _before_fork() -> None:
    _FORKING_PARENT[0] = os.getpid()


def _after_fork_in_child() -> None:
    """Armed at once in every process forked from a run, before anything can block: a child
    forked while another thread held a lock may never reach the pool's initializer, and must
    still die with the run rather than outlive it holding its pipes."""
    _arm(_FORKING_PARENT[0])


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)


def _in_pool(
    jobs: list[tuple[bytes, ModuleInfo, FileSettings]],
    workers: int,
    progress: Callable[[int, int], None] | None,
) -> list[FileResult]:
    """The jobs' results in order. A worker that dies (a parser crash) breaks the pool: the
    files not done yet are then analysed one process each, so only the culprit is lost."""
    fresh: list[FileResult] = []
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=_context(), initializer=_worker_init, initargs=(os.getpid(),)
    )
    try:
        chunk = max(1, len(jobs) // (workers * 8))
        for result in pool.map(analyze_job, jobs, chunksize=chunk):
            fresh.append(result)
            if progress is not None:
                progress(len(fresh), len(jobs))
    except BrokenProcessPool:
        for job in jobs[len(fresh) :]:
            fresh.append(_isolated(job))
            if progress is not None:
                progress(len(fresh), len(jobs))
    except BaseException:
        # Ctrl-C, SIGTERM or a crash: end the workers now, whatever path the exit then takes
        # (an interpreter exit would otherwise join workers still waiting for tasks).
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        raise
    finally:
        # Never wait for running workers on the way out: they die with us.
        pool.shutdown(wait=False, cancel_futures=True)
    return fresh


def _isolated(job: tuple[bytes, ModuleInfo, FileSettings]) -> FileResult:
    with ProcessPoolExecutor(
        max_workers=1, mp_context=_context(), initializer=_worker_init, initargs=(os.getpid(),)
    ) as one:
        try:
            return one.submit(analyze_job, job).result()
        except BrokenProcessPool:
            info = job[1]
            diagnostic = Diagnostic(
                code="SYN001",
                rule="unparsable-file",
                path=info.path,
                message="the parser crashed on this file; exclude it, and please report it",
                line=1,
                column=1,
            )
            return FileResult(info=info, findings=(Finding(diagnostic, 1),))


def _unreadable(module: ModuleInfo, reason: str | None) -> FileResult:
    diagnostic = Diagnostic(
        code="SYN001",
        rule="unparsable-file",
        path=module.path,
        message=f"cannot read the file: {reason}",
    )
    return FileResult(info=module, findings=(Finding(diagnostic),))
