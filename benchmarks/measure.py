"""Measure one command the way run.py reports it: wall, CPU and memory of its whole process tree.

    python benchmarks/measure.py -- COMMAND ...          # prints one JSON object
    python benchmarks/measure.py --floor ast DIR         # a floor, timed inside one process

Run once per sample, in a fresh process, because ``RUSAGE_CHILDREN`` only ever grows: this
process becomes a child subreaper (Linux), so pool workers the command leaves behind are
reparented here and reaped, and their CPU counts. CPU is the tree's user+sys time from
``getrusage(RUSAGE_CHILDREN)``; ``rss_mb`` is the peak of the summed resident memory of every
process in the tree, sampled from /proc every 10 ms (pages shared after a fork count once per
process, so it is an upper bound); ``max_rss_mb`` the largest single process
(``ru_maxrss``). Without /proc only the latter is known.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_SKIP = {".git", ".archlint_cache", ".ruff_cache", "__pycache__", ".venv"}


def _subreaper() -> None:
    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as f:
                    todo.extend(int(child) for child in f.read().split())
        except OSError:
            continue
    return found


def _resident(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            continue
    return total


def measure(command: list[str], cwd: Path | None = None) -> dict[str, float]:
    _subreaper()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    proc = os.path.isdir(f"/proc/{process.pid}")
    while True:
        pid, status = os.waitpid(process.pid, os.WNOHANG)
        if pid:
            break
        if proc:
            peak = max(peak, _resident(_tree(process.pid)))
        time.sleep(0.01)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    while True:  # orphaned workers, reparented here: wait for them so their time counts
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "rss_mb": peak / 2**20,
        "max_rss_mb": after.ru_maxrss / 1024,
        "exit": float(process.returncode),
    }


def python_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP)
        found.extend(Path(folder, f) for f in sorted(files) if f.endswith(".py"))
    return found


def floor(kind: str, root: Path) -> dict[str, float]:
    """Time one floor over every Python file under ``root``, inside this process (imports and
    interpreter start-up excluded): the cost of the work itself."""
    files = python_files(root)
    work: Callable[[bytes], object]
    if kind == "libcst":
        import libcst

        work = libcst.parse_module
    elif kind == "ast":
        import ast

        work = ast.parse
    else:
        work = hashlib.blake2b
    wall, cpu = time.perf_counter(), time.process_time()
    for path in files:
        work(path.read_bytes())
    return {
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "files": float(len(files)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floor", choices=("hash", "ast", "libcst"))
    parser.add_argument("--cwd", type=Path)
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    if args.floor:
        print(json.dumps(floor(args.floor, Path(rest[0]))))
    else:
        print(json.dumps(measure(rest, args.cwd)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
