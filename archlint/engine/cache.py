"""On-disk cache of per-file results, keyed by content hash, module info, settings and version.

The per-file phase is a pure function of those inputs, so a hit is exactly what analysing the
file again would produce. Entries are written atomically (temp file + rename): concurrent runs
never see half a file, and a corrupt or foreign entry is just a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
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
        "ClassInfo",
        "Suppression",
    }
)


class Cache:
    def __init__(self, root: Path, salt: str) -> None:
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

    def get(self, key: str) -> FileResult | None:
        path = self._path(key)
        try:
            with path.open("rb") as f:
                result = _ResultUnpickler(f).load()
            os.utime(path)  # last use, for pruning
        except Exception:  # missing, truncated, foreign or from another version: a miss
            return None
        return result if isinstance(result, FileResult) else None

    def prune(self, keep: int) -> None:
        """Delete the least recently used entries beyond ``keep`` (edits leave old ones behind)."""
        try:
            entries = [(p.stat().st_mtime, p) for p in self.directory.glob("*/*.pickle")]
        except OSError:
            return
        if len(entries) <= keep * 2:
            return
        for _, path in sorted(entries, key=lambda e: e[0])[: len(entries) - keep]:
            path.unlink(missing_ok=True)

    def put(self, key: str, result: FileResult) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not (self.directory / ".gitignore").exists():
                (self.directory / ".gitignore").write_text("# created by archlint\n*\n")
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            return  # a read-only tree still gets linted, just without a cache


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
