"""The per-file phase over the project: cached where nothing changed, the rest in a process pool."""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeGuard

from archlint import __version__
from archlint.config import Config
from archlint.core import Diagnostic, FileResult, Finding, ModuleInfo
from archlint.engine.cache import Cache, Memo, Stored, code_fingerprint, digest_of, settings_salt, stored
from archlint.engine.project import Project
from archlint.engine.selection import rules_by_code
from archlint.engine.settings import FileSettings
from archlint.rules import DEFAULT_SESSION_NAMES, FileRule

if TYPE_CHECKING:  # the pool (multiprocessing) is imported only by a run that starts one
    from archlint.engine.pool import Job


def session_names(config: Config) -> tuple[str, ...]:
    base = config.session_names if config.session_names is not None else DEFAULT_SESSION_NAMES
    return (*base, *config.extend_session_names)


def file_settings(project: Project, *, use_cache: bool = False) -> dict[Any, FileSettings]:
    """One FileSettings per role: the enabled file rules for that role and their options."""
    registry = rules_by_code()
    present = {module.role for module in project.tree.modules}
    file_rules = [
        rule
        for code, rule in sorted(registry.items())
        if code in project.enabled and issubclass(rule, FileRule) and rule.needs_roles <= present
    ]
    names = session_names(project.config)
    words = _project_words(project, file_rules, use_cache)
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


Words = tuple[tuple[str, tuple[str, ...]], ...]


def _project_words(project: Project, rules: Sequence[type[FileRule[Any]]], use_cache: bool) -> Words:
    """Each rule's project words (read from every source of the project), from the cache
    while no source changed: reading them costs more than the rest of a warm run's engine."""

    def compute() -> Words:
        return tuple((r.code, tuple(sorted(r.project_words(project.sources.values())))) for r in rules)

    if not use_cache:
        return compute()
    key = hashlib.blake2b(f"{__version__}|{code_fingerprint()}|{[r.code for r in rules]}".encode())
    for path, source in sorted(project.sources.items()):
        for part in (path.encode("utf-8", "surrogateescape"), source):
            key.update(len(part).to_bytes(8, "little"))
            key.update(part)
    memo = Memo(project.root, "words")
    kept = memo.get(key.hexdigest())
    if _is_words(kept):
        return kept
    words = compute()
    memo.put(key.hexdigest(), words)
    return words


def _is_words(value: object) -> TypeGuard[Words]:
    return isinstance(value, tuple) and all(
        isinstance(item, tuple)
        and len(item) == 2
        and isinstance(item[0], str)
        and isinstance(item[1], tuple)
        and all(isinstance(word, str) for word in item[1])
        for item in value
    )


def analyze_job(job: Job) -> FileResult:
    # Imported here: a run served entirely from the cache never loads the parser.
    from archlint.engine.analyze import analyze_file

    # Parsing and walking allocate millions of objects that die with the file: the cyclic
    # collector would only walk them again and again. Trees are freed by reference counting.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return analyze_file(*job)
    finally:
        if was_enabled:
            gc.enable()


# Below this many files to analyse, starting worker processes costs more than it saves
# (measured on the realistic benchmark, 2 cores: see benchmarks/run.py).
_POOL_THRESHOLD = 48


class FileResults:
    """The per-file phase's results, in module order. A file served by the cache stays pickled
    (its digest and suppressions at hand) until something asks for its full result."""

    def __init__(
        self,
        modules: Sequence[ModuleInfo],
        entries: Sequence[FileResult | Stored],
        cache: Cache | None,
        reanalyse: Callable[[int], FileResult],
        digests: Mapping[int, str] | None = None,
    ) -> None:
        self.modules = tuple(modules)
        self._entries = list(entries)
        self.cache = cache
        self._reanalyse = reanalyse
        self._digests = dict(digests or {})  # those already known, by index

    def __len__(self) -> int:
        return len(self._entries)

    def light(self) -> list[FileResult]:
        """Each file's info and suppressions (all a cached file brings without unpickling)."""
        return [
            e if isinstance(e, FileResult) else FileResult(info=m, suppressions=e.suppressions)
            for m, e in zip(self.modules, self._entries, strict=True)
        ]

    def full(self) -> list[FileResult]:
        """Every file's full result (an entry that no longer unpickles is analysed again)."""
        for index, entry in enumerate(self._entries):
            if isinstance(entry, Stored):
                result = entry.result()
                self._entries[index] = result if result is not None else self._reanalyse(index)
        return [e for e in self._entries if isinstance(e, FileResult)]

    def digest(self) -> str:
        """What the results are, by value: equal results, equal digests."""
        digest = hashlib.blake2b(digest_size=16)
        for index, entry in enumerate(self._entries):
            known = self._digests.get(index)
            if known is None:
                known = entry.digest if isinstance(entry, Stored) else digest_of(entry)
            digest.update(known.encode())
        return digest.hexdigest()


def analyze_all(
    project: Project,
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> FileResults:
    """Per-file results in module order: from the cache where the inputs are unchanged, the
    rest analysed (in a process pool when there are enough). The order never depends on the
    number of jobs; ``progress`` hears (files analysed, files to analyse) as the work goes."""
    settings = file_settings(project, use_cache=use_cache)
    salt = settings_salt(__version__, sorted(settings.items(), key=str))
    cache = Cache(project.root, salt) if use_cache else None
    modules = project.tree.modules
    entries: list[FileResult | Stored | None] = []
    misses: list[tuple[int, str, Job]] = []
    for module in modules:
        source = project.sources.get(module.path)
        if source is None:
            error = project.unreadable.get(module.path)
            entries.append(_unreadable(module, error.strerror if error else "vanished"))
            continue
        key = cache.key(source, repr(module)) if cache is not None else ""
        hit = cache.get(module.path, key) if cache is not None else None
        entries.append(hit)
        if hit is None:
            misses.append((len(entries) - 1, key, (source, module, settings[module.role])))
    cores = os.cpu_count() or 1
    # Never more workers than cores or than files to analyse, whatever --jobs asks.
    workers = max(1, min(jobs if jobs is not None else cores, cores, len(misses)))
    job_list = [job for _, _, job in misses]
    fresh: list[FileResult | Stored] = []
    if workers > 1 and len(misses) >= _POOL_THRESHOLD:
        from archlint.engine.pool import in_pool

        fresh.extend(in_pool(job_list, workers, progress))
    else:
        for job in job_list:
            fresh.append(analyze_job(job))
            if progress is not None:
                progress(len(fresh), len(job_list))
    digests: dict[int, str] = {}
    for (index, key, job), result in zip(misses, fresh, strict=True):
        entries[index] = result
        if cache is not None:
            entry = result if isinstance(result, Stored) else stored(result)
            digests[index] = entry.digest
            cache.put(job[1].path, key, entry)
    if cache is not None:
        cache.save({m.path for m in modules})

    def reanalyse(index: int) -> FileResult:
        module = modules[index]
        return analyze_job((project.sources[module.path], module, settings[module.role]))

    return FileResults(modules, [e for e in entries if e is not None], cache, reanalyse, digests)


def _unreadable(module: ModuleInfo, reason: str | None) -> FileResult:
    diagnostic = Diagnostic(
        code="SYN001",
        rule="unparsable-file",
        path=module.path,
        message=f"cannot read the file: {reason}",
    )
    return FileResult(info=module, findings=(Finding(diagnostic),))
