"""On-disk cache: per-file results keyed by content hash, module info, settings and version,
and the project phase's findings keyed by everything it reads.

The per-file phase is a pure function of its inputs, so a hit is exactly what analysing the
file again would produce. The entries live in a few shard files read once per run; a file's
full result stays pickled until something needs it (a warm run only needs its digest and
suppressions). Files are written atomically (temp file + rename) and only when something
changed: concurrent runs never see half a file, and a corrupt or foreign file is a miss.

The cache folder sits in a tree archlint does not control (a repository may commit a
``.archlint_cache`` that is a symbolic link): nothing in it is followed through a link, only
files with the names archlint gives are read back or deleted, and pickles are loaded with an
unpickler that knows archlint's result types and nothing else.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
import stat
import time
import zlib
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from archlint.core import FileResult, Finding, Suppression, model
from archlint.engine.cache_folder import Folder, NotOwned, is_plain

CACHE_DIR = ".archlint_cache"
_FORMAT = 2


class _ResultUnpickler(pickle.Unpickler):
    """Loads archlint's own result types and nothing else: a planted cache file in a project
    must not be able to run code, since archlint never runs the code it lints."""

    def find_class(self, module: str, name: str) -> type:
        if module == model.__name__ and name in _RESULT_TYPES:
            found: type = getattr(model, name)
            return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of an archlint result")


_RESULT_TYPES = frozenset(
    {
        "FileResult",
        "ModuleInfo",
        "Role",
        "Finding",
        "Diagnostic",
        "Severity",
        "Pending",
        "Requirement",
        "FileSummary",
        "ImportFact",
        "ClassInfo",
        "RouterDef",
        "RouterInclude",
        "LoggerCall",
        "Suppression",
    }
)


# Only what archlint writes is ever read back or deleted: files-<16 hex>-<hex>.pickle shards and
# project-<16 hex>.pickle (one set per settings salt), memo-<name>.pickle (one value computed
# from the whole project, whatever the settings), <name>.<12 hex>.tmp files on their way to
# becoming one, the folder's .gitignore, and the one-file-per-entry layout of earlier versions
# (<2 hex>/<40 hex>.pickle), which is removed.
_SHARD_FILE = re.compile(r"files-([0-9a-f]{16})-([0-9a-f])\.pickle")
_PROJECT_FILE = re.compile(r"project-([0-9a-f]{16})\.pickle")
_TEMP = re.compile(r"(?:(?:files|project)-[0-9a-f]{16}(?:-[0-9a-f])?|memo-[a-z]+)\.pickle\.[0-9a-f]{12}\.tmp")
_LEGACY_FOLDER = re.compile(r"[0-9a-f]{2}")
_LEGACY_ENTRY = re.compile(r"[0-9a-f]{40}\.pickle|[0-9a-f]{40}\.[0-9a-f]{12}\.tmp")
_GITIGNORE = ".gitignore"
_STALE_TEMP_SECONDS = 3600  # older than any run still writing it

SHARDS = 8  # one file changed rewrites an eighth of the per-file entries
_VERSIONS = 2  # per file: switching between two branches reuses both
_SALTS_KEPT = 4  # settings (and archlint versions) whose entries survive pruning
_PROJECT_KEPT = 2


@dataclass(frozen=True, slots=True)
class Stored:
    """A cached per-file result: what a run needs at hand (its digest, its suppressions), the
    rest still pickled until something asks for it."""

    digest: str
    suppressions: tuple[Suppression, ...]
    blob: bytes

    def result(self) -> FileResult | None:
        """The full result, or None if the entry is not one archlint wrote."""
        try:
            result = _ResultUnpickler(io.BytesIO(self.blob)).load()
        except Exception:
            return None
        return result if isinstance(result, FileResult) else None


def digest_of(result: FileResult) -> str:
    """What the project phase reads of ``result``, by value (a repr, not a pickle, whose memo
    layout may differ between processes): equal results, equal digests."""
    identity = repr((result.info, result.findings, result.pending, result.summary))
    return hashlib.blake2b(identity.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def stored(result: FileResult) -> Stored:
    """``result`` as it is cached."""
    blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    return Stored(digest_of(result), result.suppressions, blob)


class Cache:
    """The cache in ``root/.archlint_cache``: per-file results in a few shard files and the
    project phase's findings in one, all for one settings salt. A run reads each file once,
    writes only the shards whose entries changed, and touches nothing when nothing changed.

    It is only used while that folder and its files are what archlint made: a symbolic link
    anywhere in it (committed to the repository, say) turns every lookup into a miss and every
    write into a no-op, so archlint never reads, writes or deletes anything through it."""

    def __init__(self, root: Path, salt: str) -> None:
        self.root = root
        self.directory = root / CACHE_DIR
        self.salt = salt.encode()
        self.tag = hashlib.blake2b(self.salt, digest_size=8).hexdigest()
        self._shards: list[dict[str, tuple[tuple[str, Stored], ...]]] | None = None
        self._dirty: set[int] = set()

    def key(self, source: bytes, identity: str) -> str:
        digest = hashlib.blake2b(digest_size=20)
        for part in (self.salt, identity.encode(), source):
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        return digest.hexdigest()

    @contextmanager
    def _folder(self, *, create: bool = False) -> Iterator[Folder]:
        with cache_folder(self.root, create=create) as folder:
            yield folder

    def _load(self, folder: Folder | None, name: str) -> object:
        """What a cache file of this salt holds, or None (missing, foreign, corrupt, another
        format or salt: every problem is a miss)."""
        return _load(folder, name, self.salt)

    def _read_shards(self) -> list[dict[str, tuple[tuple[str, Stored], ...]]]:
        if self._shards is None:
            self._shards = [{} for _ in range(SHARDS)]
            try:
                with self._folder() as folder:
                    for index in range(SHARDS):
                        entries = self._load(folder, self._shard_name(index))
                        if isinstance(entries, dict):
                            self._shards[index] = _checked(entries)
            except OSError:
                pass
        return self._shards

    def _shard_name(self, index: int) -> str:
        return f"files-{self.tag}-{index:x}.pickle"

    @staticmethod
    def _shard_of(path: str) -> int:
        return zlib.crc32(path.encode("utf-8", "surrogateescape")) % SHARDS

    def get(self, path: str, key: str) -> Stored | None:
        """The entry stored for ``path`` under ``key``, read (with every other) on first use."""
        for stored_key, entry in self._read_shards()[self._shard_of(path)].get(path, ()):
            if stored_key == key:
                return entry
        return None

    def put(self, path: str, key: str, entry: Stored) -> None:
        """Remember ``entry`` (kept in memory until ``save``), with the previous version of the file."""
        index = self._shard_of(path)
        shard = self._read_shards()[index]
        older = tuple(v for v in shard.get(path, ()) if v[0] != key)
        shard[path] = ((key, entry), *older)[:_VERSIONS]
        self._dirty.add(index)

    def save(self, live: Collection[str]) -> None:
        """Write the shards that changed or hold files no longer in the project, then prune."""
        shards = self._read_shards()
        for index, shard in enumerate(shards):
            if any(path not in live for path in shard):
                for path in [p for p in shard if p not in live]:
                    del shard[path]
                self._dirty.add(index)
        if not self._dirty:
            return
        try:
            with self._folder(create=True) as folder:
                for index in sorted(self._dirty):
                    plain = {  # builtins and model types only: what the restricted unpickler loads
                        path: tuple((k, e.digest, e.suppressions, e.blob) for k, e in versions)
                        for path, versions in shards[index].items()
                    }
                    data = pickle.dumps((_FORMAT, self.salt, plain), protocol=pickle.HIGHEST_PROTOCOL)
                    folder.write(self._shard_name(index), data)
                self._dirty.clear()
                self._prune(folder)
        except OSError:
            return  # a read-only tree, or a cache folder archlint did not make: no cache

    def project_findings(self, inputs: str) -> tuple[Finding, ...] | None:
        """The project phase's findings for these inputs, if a run computed them."""
        key = self._project_key(inputs)
        try:
            with self._folder() as folder:
                kept = self._project_entries(folder)
        except OSError:
            return None
        return next((findings for k, findings in kept if k == key), None)

    def put_project_findings(self, inputs: str, findings: Sequence[Finding]) -> None:
        key = self._project_key(inputs)
        try:
            with self._folder(create=True) as folder:
                older = [(k, f) for k, f in self._project_entries(folder) if k != key]
                entries = [(key, tuple(findings)), *older][:_PROJECT_KEPT]
                data = pickle.dumps((_FORMAT, self.salt, entries), protocol=pickle.HIGHEST_PROTOCOL)
                folder.write(f"project-{self.tag}.pickle", data)
        except OSError:
            return

    def _project_entries(self, folder: Folder) -> list[tuple[str, tuple[Finding, ...]]]:
        kept = self._load(folder, f"project-{self.tag}.pickle")
        return [
            entry
            for entry in (kept if isinstance(kept, list) else ())
            if isinstance(entry, tuple)
            and len(entry) == 2
            and isinstance(entry[0], str)
            and isinstance(entry[1], tuple)
            and all(isinstance(f, Finding) for f in entry[1])
        ]

    def _project_key(self, inputs: str) -> str:
        return hashlib.blake2b(self.salt + b"\x00" + inputs.encode("utf-8", "surrogatepass")).hexdigest()

    def _prune(self, cache: Folder) -> None:
        """Delete the files of all but the latest few settings, temporary files a killed run
        left, and the one-file-per-entry layout of earlier versions. Only ever names archlint
        gives its own files, only in folders it made."""
        now = time.time()
        latest: dict[str, float] = {}
        doomed: list[str] = []
        listing = cache.entries()
        for name, info in listing:
            if is_plain(info, stat.S_IFDIR) and _LEGACY_FOLDER.fullmatch(name):
                _remove_legacy(cache, name)
            if not is_plain(info, stat.S_IFREG):
                continue
            owned = _SHARD_FILE.fullmatch(name) or _PROJECT_FILE.fullmatch(name)
            if owned is not None:
                latest[owned.group(1)] = max(latest.get(owned.group(1), 0.0), info.st_mtime)
            elif _TEMP.fullmatch(name) and now - info.st_mtime > _STALE_TEMP_SECONDS:
                doomed.append(name)
        others = sorted((t for t in latest if t != self.tag), key=lambda t: latest[t], reverse=True)
        dropped = set(others[_SALTS_KEPT - 1 :])
        for name, _ in listing:
            owned = _SHARD_FILE.fullmatch(name) or _PROJECT_FILE.fullmatch(name)
            if owned is not None and owned.group(1) in dropped:
                doomed.append(name)
        for name in doomed:
            with suppress(FileNotFoundError):
                cache.unlink(name)


@contextmanager
def cache_folder(root: Path, *, create: bool = False) -> Iterator[Folder]:
    """The cache folder of the project at ``root``, refused unless archlint made it: a real
    folder, holding no .gitignore other than a regular file."""
    with Folder.project(root) as project, project.folder(CACHE_DIR, create=create) as cache:
        try:
            info = cache.lstat(_GITIGNORE)
        except FileNotFoundError:
            if create:
                with suppress(FileExistsError):  # a concurrent run wrote it first
                    fd = cache.open(_GITIGNORE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                    with os.fdopen(fd, "w", encoding="utf-8") as f:
                        f.write("# created by archlint\n*\n")
        else:
            if not is_plain(info, stat.S_IFREG):
                raise NotOwned(f"{root / CACHE_DIR / _GITIGNORE} is not a file archlint made")
        yield cache


def _load(folder: Folder | None, name: str, tag: bytes) -> object:
    """What the cache file ``name`` holds for ``tag`` (a salt, a key), or None: missing,
    foreign, corrupt, another format or tag, every problem is a miss."""
    if folder is None:
        return None
    try:
        data = _ResultUnpickler(io.BytesIO(folder.read(name))).load()
    except Exception:
        return None
    if not (isinstance(data, tuple) and len(data) == 3 and data[:2] == (_FORMAT, tag)):
        return None
    return data[2]


class Memo:
    """One value computed from the whole project (builtins only), kept in
    ``memo-<name>.pickle`` under the key of its inputs: a run whose inputs did not change
    reads it instead of computing it again."""

    def __init__(self, root: Path, name: str) -> None:
        self.root = root
        self.name = f"memo-{name}.pickle"

    def get(self, key: str) -> object | None:
        try:
            with cache_folder(self.root) as folder:
                return _load(folder, self.name, key.encode())
        except OSError:
            return None

    def put(self, key: str, value: object) -> None:
        try:
            with cache_folder(self.root, create=True) as folder:
                data = pickle.dumps((_FORMAT, key.encode(), value), protocol=pickle.HIGHEST_PROTOCOL)
                folder.write(self.name, data)
        except OSError:
            return


def _checked(entries: dict[object, object]) -> dict[str, tuple[tuple[str, Stored], ...]]:
    """The well-formed entries of a shard (a planted or damaged one loses only what is wrong)."""
    good: dict[str, tuple[tuple[str, Stored], ...]] = {}
    for path, versions in entries.items():
        if not (isinstance(path, str) and isinstance(versions, tuple)):
            continue
        kept = []
        for version in versions:
            if isinstance(version, tuple) and len(version) == 4:
                key, digest, suppressions, blob = version
                if (
                    isinstance(key, str)
                    and isinstance(digest, str)
                    and isinstance(blob, bytes)
                    and isinstance(suppressions, tuple)
                    and all(isinstance(s, Suppression) for s in suppressions)
                ):
                    kept.append((key, Stored(digest, suppressions, blob)))
        if kept:
            good[path] = tuple(kept)
    return good


def _remove_legacy(cache: Folder, shard: str) -> None:
    """Empty and remove a folder of the one-file-per-entry layout (only names it used)."""
    try:
        with cache.folder(shard) as folder:
            for name, info in folder.entries():
                if is_plain(info, stat.S_IFREG) and _LEGACY_ENTRY.fullmatch(name):
                    with suppress(FileNotFoundError):
                        folder.unlink(name)
        cache.rmdir(shard)
    except OSError:
        return  # not ours, not empty (foreign files stay), or gone


def code_fingerprint() -> str:
    """Size and mtime of archlint's own modules: an edited checkout never reuses stale entries."""
    package = Path(__file__).resolve().parent.parent
    stats = []
    for path in sorted(package.rglob("*.py")):
        info = path.stat()
        stats.append(f"{path.relative_to(package)}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.blake2b("|".join(stats).encode(), digest_size=16).hexdigest()


def settings_salt(version: str, parts: object) -> str:
    return f"{_FORMAT}|{version}|{code_fingerprint()}|{parts!r}"
