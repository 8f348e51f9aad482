"""On-disk cache of per-file results, keyed by content hash, module info, settings and version.

The per-file phase is a pure function of those inputs, so a hit is exactly what analysing the
file again would produce. Entries are written atomically (temp file + rename): concurrent runs
never see half a file, and a corrupt or foreign entry is just a miss.

The cache folder sits in a tree archlint does not control (a repository may commit a
``.archlint_cache`` that is a symbolic link): nothing in it is followed through a link, and
only files with the names archlint gives are read back or deleted.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import secrets
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from archlint.core import FileResult, model

CACHE_DIR = ".archlint_cache"
_FORMAT = 1


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


# Only what archlint writes is ever read back or deleted: <2 hex>/<40 hex>.pickle entries,
# <40 hex>.<12 hex>.tmp files on their way to becoming one, and the folder's .gitignore.
_SHARD = re.compile(r"[0-9a-f]{2}")
_ENTRY = re.compile(r"([0-9a-f]{40})\.pickle")
_TEMP = re.compile(r"[0-9a-f]{40}\.[0-9a-f]{12}\.tmp")
_GITIGNORE = ".gitignore"
_STALE_TEMP_SECONDS = 3600  # older than any run still writing it

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a planted FIFO must not block the run
_BINARY = getattr(os, "O_BINARY", 0)
# Where the OS can, every name is looked up inside a folder opened without following links
# (no window between checking a folder and using it); elsewhere each is checked first.
_BY_DESCRIPTOR = bool(
    _NOFOLLOW
    and _DIRECTORY
    and {os.open, os.mkdir, os.stat, os.unlink, os.rename} <= os.supports_dir_fd
    and {os.scandir, os.utime} <= os.supports_fd
)


class NotOwned(OSError):
    """A cache folder or file archlint did not make: a symbolic link, or another kind of file."""


def _plain(info: os.stat_result, kind: int) -> bool:
    """Of the given kind (stat.S_IFDIR, stat.S_IFREG) itself: not a link, not a Windows junction."""
    reparse = getattr(info, "st_file_attributes", 0) & stat.FILE_ATTRIBUTE_REPARSE_POINT
    return stat.S_IFMT(info.st_mode) == kind and not reparse


class _Folder:
    """A folder of the cache, opened without following symbolic links: names are looked up
    inside it (by descriptor where the OS allows), and links are refused, never followed."""

    def __init__(self, path: str, fd: int | None) -> None:
        self.path = path
        self.fd = fd

    @classmethod
    def project(cls, root: Path) -> _Folder:
        """The project root itself, links and all: where the user asked archlint to run."""
        path = os.fspath(root)
        return cls(path, os.open(path, os.O_RDONLY | _DIRECTORY) if _BY_DESCRIPTOR else None)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> _Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _join(self, name: str) -> str:
        return os.path.join(self.path, name)

    def lstat(self, name: str) -> os.stat_result:
        if self.fd is not None:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        return os.lstat(self._join(name))

    def folder(self, name: str, *, create: bool = False) -> _Folder:
        """The subfolder ``name``; NotOwned if it is a link or not a folder."""
        if create:
            try:
                if self.fd is not None:
                    os.mkdir(name, dir_fd=self.fd)
                else:
                    os.mkdir(self._join(name))
            except FileExistsError:
                pass
        if self.fd is None:
            if not _plain(self.lstat(name), stat.S_IFDIR):
                raise NotOwned(f"{self._join(name)} is not a folder archlint made")
            return _Folder(self._join(name), None)
        try:
            fd = os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=self.fd)
        except (FileNotFoundError, PermissionError):
            raise
        except OSError as exc:  # ELOOP (EMLINK on some BSDs) or ENOTDIR: a link or a file
            raise NotOwned(f"{self._join(name)} is not a folder archlint made") from exc
        return _Folder(self._join(name), fd)

    def open(self, name: str, flags: int, mode: int = 0o600) -> int:
        """A descriptor for the regular file ``name``; NotOwned if it is anything else."""
        flags |= _NOFOLLOW | _BINARY
        if self.fd is None:
            try:
                info = self.lstat(name)
            except FileNotFoundError:
                if not flags & os.O_CREAT:
                    raise
            else:
                if not _plain(info, stat.S_IFREG):
                    raise NotOwned(f"{self._join(name)} is not a file archlint made")
            fd = os.open(self._join(name), flags, mode)
        else:
            fd = os.open(name, flags, mode, dir_fd=self.fd)
        if not _plain(os.fstat(fd), stat.S_IFREG):
            os.close(fd)
            raise NotOwned(f"{self._join(name)} is not a file archlint made")
        return fd

    def entries(self) -> list[tuple[str, os.stat_result]]:
        """Every name in the folder with its own status (links not followed)."""
        found = []
        with os.scandir(self.fd if self.fd is not None else self.path) as listing:
            for entry in listing:
                try:
                    found.append((entry.name, entry.stat(follow_symlinks=False)))
                except OSError:
                    continue
        return found

    def replace(self, source: str, target: str) -> None:
        if self.fd is not None:
            os.replace(source, target, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        else:
            os.replace(self._join(source), self._join(target))

    def unlink(self, name: str) -> None:
        if self.fd is not None:
            os.unlink(name, dir_fd=self.fd)
        else:
            os.unlink(self._join(name))


class Cache:
    """The cache in ``root/.archlint_cache``. It is only used while that folder, its
    subfolders and entries are what archlint made: a symbolic link anywhere in it (committed
    to the repository, say) turns every lookup into a miss and every write into a no-op, so
    archlint never reads, writes or deletes anything through it."""

    def __init__(self, root: Path, salt: str) -> None:
        self.root = root
        self.directory = root / CACHE_DIR
        self.salt = salt.encode()

    def key(self, source: bytes, identity: str) -> str:
        digest = hashlib.blake2b(digest_size=20)
        for part in (self.salt, identity.encode(), source):
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    @contextmanager
    def _folder(self, shard: str | None = None, *, create: bool = False) -> Iterator[_Folder]:
        """The cache folder (or one of its shards), refused unless archlint made it: a real
        folder, holding no .gitignore other than a regular file."""
        with _Folder.project(self.root) as root, root.folder(CACHE_DIR, create=create) as cache:
            try:
                info = cache.lstat(_GITIGNORE)
            except FileNotFoundError:
                if create:
                    with suppress(FileExistsError):  # a concurrent run wrote it first
                        fd = cache.open(_GITIGNORE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                        with os.fdopen(fd, "w", encoding="utf-8") as f:
                            f.write("# created by archlint\n*\n")
            else:
                if not _plain(info, stat.S_IFREG):
                    raise NotOwned(f"{self.directory / _GITIGNORE} is not a file archlint made")
            if shard is None:
                yield cache
            else:
                with cache.folder(shard, create=create) as folder:
                    yield folder

    def get(self, key: str) -> FileResult | None:
        if not _ENTRY.fullmatch(f"{key}.pickle"):
            return None
        try:
            with self._folder(key[:2]) as folder:
                fd = folder.open(f"{key}.pickle", os.O_RDONLY | _NONBLOCK)
                with os.fdopen(fd, "rb") as f:
                    result = _ResultUnpickler(f).load()
                    # last use, for pruning
                    os.utime(f.fileno() if folder.fd is not None else self._path(key))
        except Exception:  # missing, truncated, foreign, not ours or from another version: a miss
            return None
        return result if isinstance(result, FileResult) else None

    def prune(self, keep: int) -> None:
        """Delete the least recently used entries beyond ``keep`` (edits leave old ones behind),
        and temporary files a killed run left. Only ever names archlint gives its own files,
        only in folders it made."""
        try:
            with self._folder() as cache:
                shards = [
                    name
                    for name, info in cache.entries()
                    if _SHARD.fullmatch(name) and _plain(info, stat.S_IFDIR)
                ]
                entries: list[tuple[float, str, str]] = []
                stale: list[tuple[str, str]] = []
                now = time.time()
                for shard in shards:
                    with cache.folder(shard) as folder:
                        for name, info in folder.entries():
                            if not _plain(info, stat.S_IFREG):
                                continue
                            entry = _ENTRY.fullmatch(name)
                            if entry is not None and entry.group(1).startswith(shard):
                                entries.append((info.st_mtime, shard, name))
                            elif _TEMP.fullmatch(name) and now - info.st_mtime > _STALE_TEMP_SECONDS:
                                stale.append((shard, name))
                doomed = stale
                if len(entries) > keep * 2:
                    doomed += [(s, n) for _, s, n in sorted(entries)[: len(entries) - keep]]
                for shard in sorted({s for s, _ in doomed}):
                    with cache.folder(shard) as folder:
                        for name in (n for s, n in doomed if s == shard):
                            try:
                                folder.unlink(name)
                            except FileNotFoundError:
                                continue
        except OSError:
            return

    def put(self, key: str, result: FileResult) -> None:
        if not _ENTRY.fullmatch(f"{key}.pickle"):
            return
        try:
            with self._folder(key[:2], create=True) as folder:
                temporary = f"{key}.{secrets.token_hex(6)}.tmp"
                fd = folder.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
                try:
                    with os.fdopen(fd, "wb") as f:
                        pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
                    folder.replace(temporary, f"{key}.pickle")
                except BaseException:
                    with suppress(OSError):
                        folder.unlink(temporary)
                    raise
        except OSError:
            return  # a read-only tree, or a cache folder archlint did not make: no cache


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
