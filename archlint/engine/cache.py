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

from archlint.core import FileResult

CACHE_DIR = ".archlint_cache"
_FORMAT = 1


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
        try:
            data = self._path(key).read_bytes()
            result = pickle.loads(data)
        except Exception:  # missing, truncated or from another version: a miss
            return None
        return result if isinstance(result, FileResult) else None

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
