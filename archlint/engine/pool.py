"""The process pool of the per-file phase: workers forked with the parser already loaded.

The parent imports the parser (libcst, its native module, the rules) and freezes its objects
out of the collector's reach before forking, so workers share all of it copy-on-write instead
of each importing it again; each worker returns a file's result already pickled for the
cache. A worker that crashes (a parser segfault) costs only its file.
"""

from __future__ import annotations

import codecs
import ctypes
import gc
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from archlint.core import Diagnostic, FileResult, Finding, ModuleInfo
from archlint.engine.cache import Stored, stored
from archlint.engine.settings import FileSettings

Job = tuple[bytes, ModuleInfo, FileSettings]


def preload() -> None:
    """Load everything a worker needs to analyse a file, in this process."""
    import libcst

    from archlint.engine import analyze  # noqa: F401  (the rules and the parser's Python side)

    libcst.parse_module("")  # the native parser module is loaded on first use
    codecs.lookup("utf-8-sig")  # how sources are decoded


def stored_job(job: Job) -> Stored:
    from archlint.engine.perfile import analyze_job

    return stored(analyze_job(job))


def _context() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)


# Ctrl-C or SIGTERM arriving while the parent forks a worker would be raised inside an
# after-fork hook (logging registers one), where Python reports it as ignored and the run
# goes on: the parent holds them back while it forks, and takes them right after.
_HELD = frozenset({signal.SIGINT, signal.SIGTERM})


def _hold_signals() -> set[int | signal.Signals] | None:
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)


def _release_signals(previous: set[int | signal.Signals] | None) -> None:
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _worker_init(parent: int) -> None:
    """Workers leave Ctrl-C to the parent, and die with it (Linux): a killed run leaves no
    process behind. ``parent`` is the pid that started the pool."""
    _arm(parent)


def _arm(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's Python-level SIGTERM handler would only run between bytecodes; the
    # default action ends a worker even while it waits in C.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # forked while the parent held them back
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
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


def in_pool(jobs: list[Job], workers: int, progress: Callable[[int, int], None] | None) -> list[Stored]:
    """The jobs' results in order. A worker that dies (a parser crash) breaks the pool: the
    files not done yet are then analysed one process each, so only the culprit is lost."""
    preload()
    # Objects alive now are never garbage: frozen, the collectors of the workers never walk
    # (and so never copy) the pages they share with this process.
    gc.freeze()
    fresh: list[Stored] = []
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=_context(), initializer=_worker_init, initargs=(os.getpid(),)
    )
    finished = False
    try:
        chunk = max(1, len(jobs) // (workers * 8))
        try:
            held = _hold_signals()
            try:
                results = pool.map(stored_job, jobs, chunksize=chunk)  # submits every job: forks
            finally:
                _release_signals(held)
            for result in results:
                fresh.append(result)
                if progress is not None:
                    progress(len(fresh), len(jobs))
        except BrokenProcessPool:
            for job in jobs[len(fresh) :]:
                fresh.append(_isolated(job))
                if progress is not None:
                    progress(len(fresh), len(jobs))
        finished = True
    finally:
        if not finished:  # Ctrl-C, an error: stop the workers now rather than at exit
            workers_alive = getattr(pool, "_processes", None) or {}  # no public way before 3.14
            for process in list(workers_alive.values()):
                process.terminate()
        pool.shutdown(wait=finished, cancel_futures=not finished)
        gc.unfreeze()
    return fresh


def _isolated(job: Job) -> Stored:
    with ProcessPoolExecutor(
        max_workers=1, mp_context=_context(), initializer=_worker_init, initargs=(os.getpid(),)
    ) as one:
        held = _hold_signals()
        try:
            future = one.submit(stored_job, job)
        finally:
            _release_signals(held)
        try:
            return future.result()
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
            return stored(FileResult(info=info, findings=(Finding(diagnostic, 1),)))
