"""The cache's folder, opened without following links: names are looked up inside folders
opened with O_NOFOLLOW (by descriptor where the OS allows), links are refused, never
followed, and every write is a temporary file renamed into place."""

from __future__ import annotations

import os
import secrets
import stat
from contextlib import suppress
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a planted FIFO must not block the run
_BINARY = getattr(os, "O_BINARY", 0)
# Where the OS can, every name is looked up inside a folder opened without following links
# (no window between checking a folder and using it); elsewhere each is checked first.
_BY_DESCRIPTOR = bool(
    _NOFOLLOW
    and _DIRECTORY
    and {os.open, os.mkdir, os.rmdir, os.stat, os.unlink, os.rename} <= os.supports_dir_fd
    and {os.scandir} <= os.supports_fd
)


class NotOwned(OSError):
    """A cache folder or file archlint did not make: a symbolic link, or another kind of file."""


def is_plain(info: os.stat_result, kind: int) -> bool:
    """Of the given kind (stat.S_IFDIR, stat.S_IFREG) itself: not a link, not a Windows junction."""
    reparse = getattr(info, "st_file_attributes", 0) & stat.FILE_ATTRIBUTE_REPARSE_POINT
    return stat.S_IFMT(info.st_mode) == kind and not reparse


class Folder:
    """A folder of the cache, opened without following symbolic links: names are looked up
    inside it (by descriptor where the OS allows), and links are refused, never followed."""

    def __init__(self, path: str, fd: int | None) -> None:
        self.path = path
        self.fd = fd

    @classmethod
    def project(cls, root: Path) -> Folder:
        """The project root itself, links and all: where the user asked archlint to run."""
        path = os.fspath(root)
        return cls(path, os.open(path, os.O_RDONLY | _DIRECTORY) if _BY_DESCRIPTOR else None)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _join(self, name: str) -> str:
        return os.path.join(self.path, name)

    def lstat(self, name: str) -> os.stat_result:
        if self.fd is not None:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        return os.lstat(self._join(name))

    def folder(self, name: str, *, create: bool = False) -> Folder:
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
            if not is_plain(self.lstat(name), stat.S_IFDIR):
                raise NotOwned(f"{self._join(name)} is not a folder archlint made")
            return Folder(self._join(name), None)
        try:
            fd = os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=self.fd)
        except (FileNotFoundError, PermissionError):
            raise
        except OSError as exc:  # ELOOP (EMLINK on some BSDs) or ENOTDIR: a link or a file
            raise NotOwned(f"{self._join(name)} is not a folder archlint made") from exc
        return Folder(self._join(name), fd)

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
                if not is_plain(info, stat.S_IFREG):
                    raise NotOwned(f"{self._join(name)} is not a file archlint made")
            fd = os.open(self._join(name), flags, mode)
        else:
            fd = os.open(name, flags, mode, dir_fd=self.fd)
        if not is_plain(os.fstat(fd), stat.S_IFREG):
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

    def rmdir(self, name: str) -> None:
        if self.fd is not None:
            os.rmdir(name, dir_fd=self.fd)
        else:
            os.rmdir(self._join(name))

    def read(self, name: str) -> bytes:
        """The bytes of the regular file ``name`` (a FIFO or a device is refused, never waited on)."""
        with os.fdopen(self.open(name, os.O_RDONLY | _NONBLOCK), "rb") as f:
            return f.read()

    def write(self, name: str, data: bytes) -> None:
        """Replace ``name`` atomically: a temporary file renamed over it (a link in its place is
        replaced, never written through)."""
        temporary = f"{name}.{secrets.token_hex(6)}.tmp"
        fd = self.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            self.replace(temporary, name)
        except BaseException:
            with suppress(OSError):
                self.unlink(temporary)
            raise
