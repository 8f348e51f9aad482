"""The cache: one read per run, nothing written or unpickled when nothing changed, only the
changed file analysed again, foreign pickles refused, and output that never depends on the
cache state or the number of jobs."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archlint.core import FileResult, ModuleInfo, Suppression
from archlint.engine import CheckOptions, check
from archlint.engine.cache import CACHE_DIR, Cache, stored
from archlint.engine.pool import Job

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "layered-v1" / "violating"
ROUTER = """\
from fastapi import APIRouter
from sqlalchemy import select

router = APIRouter()


@router.get("/")
async def list_orders(session: AsyncSession):
    if True:
        pass
    return await session.execute(select(Order))
"""


def project(tmp_path: Path) -> Path:
    files = {
        "pyproject.toml": '[tool.archlint]\npreset = "layered-v1"\n',
        "backend/src/v1/orders/router.py": ROUTER,
        "backend/src/v1/orders/service.py": "def create():\n    return 1\n",
        "backend/src/v1/users/router.py": ROUTER.replace("orders", "users").replace(
            "if True:", "if True:  # archlint: ignore[RTR003] -- kept from v1"
        ),
        "backend/src/v1/users/service.py": "def create():\n    return 2\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def cache_files(root: Path) -> dict[str, tuple[int, bytes]]:
    folder = root / CACHE_DIR
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file()}


def test_cache_files_round_trip_and_foreign_pickles_are_refused(tmp_path: Path) -> None:
    root = project(tmp_path / "project")
    first = check(CheckOptions(paths=(root,)))
    files = sorted((root / CACHE_DIR).glob("*.pickle"))
    assert files and all(f.name.startswith(("files-", "project-", "memo-")) for f in files)
    assert check(CheckOptions(paths=(root,))).diagnostics == first.diagnostics

    class Planted:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {tmp_path / 'pwned'}",))

    for entry in files:
        entry.write_bytes(pickle.dumps(Planted()))
    third = check(CheckOptions(paths=(root,)))
    assert not (tmp_path / "pwned").exists()
    assert third.diagnostics == first.diagnostics  # a refused file is just a miss
    assert cache_files(root).keys() == {f.name for f in files} | {".gitignore"}  # rewritten


def test_an_unchanged_run_writes_nothing_unpickles_no_result_and_skips_the_project_phase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archlint.engine import cache, perfile, run
    from archlint.engine.selection import rules_by_code
    from archlint.rules import FileRule

    root = project(tmp_path)
    first = check(CheckOptions(paths=(root,)))
    before = cache_files(root)

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a warm run must not get here")

    monkeypatch.setattr(cache.Stored, "result", forbidden)
    for rule in rules_by_code().values():  # the project's words: remembered, not read again
        if issubclass(rule, FileRule):
            monkeypatch.setattr(rule, "project_words", classmethod(forbidden))
    monkeypatch.setattr(perfile, "analyze_job", forbidden)
    monkeypatch.setattr(run, "confirmed_findings", forbidden)
    monkeypatch.setattr(run, "project_findings", forbidden)
    warm = check(CheckOptions(paths=(root,)))
    assert warm.diagnostics == first.diagnostics
    assert warm.suppressed == first.suppressed == 1
    assert cache_files(root) == before  # not a byte, not a timestamp


def test_one_changed_file_is_analysed_again_and_the_rest_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archlint.engine import perfile, run

    root = project(tmp_path)
    check(CheckOptions(paths=(root,)))
    analysed: list[str] = []
    project_phases: list[int] = []
    original_job, original_rules = perfile.analyze_job, run.project_findings

    def counted_job(job: Job) -> FileResult:
        analysed.append(job[1].path)
        return original_job(job)

    def counted_rules(*args: object) -> object:
        project_phases.append(1)
        return original_rules(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(perfile, "analyze_job", counted_job)
    monkeypatch.setattr(run, "project_findings", counted_rules)
    service = root / "backend/src/v1/orders/service.py"
    service.write_text("def create():\n    return 3\n")  # same result: the project phase is reused
    assert len(check(CheckOptions(paths=(root,))).diagnostics) == 3
    assert (analysed, project_phases) == (["backend/src/v1/orders/service.py"], [])
    router = root / "backend/src/v1/orders/router.py"
    router.write_text(ROUTER.replace("    if True:\n        pass\n", ""))  # a finding less
    codes = [d.code for d in check(CheckOptions(paths=(root,))).diagnostics]
    assert (analysed[1:], project_phases) == (["backend/src/v1/orders/router.py"], [1])
    assert sorted(codes) == ["RTR001", "RTR001"]


def test_settings_files_and_versions_are_pruned(tmp_path: Path) -> None:
    root = tmp_path
    stub = FileResult(info=ModuleInfo("m.py", "m"), suppressions=(Suppression(1, ("RTR001",), None, False),))
    for salt in range(6):
        cache = Cache(root, f"salt {salt}")
        cache.put("m.py", "key", stored(stub))
        cache.save({"m.py"})
        os.utime(root / CACHE_DIR / cache._shard_name(cache._shard_of("m.py")), (salt, salt))
    again = Cache(root, "salt 5")
    hit = again.get("m.py", "key")
    assert hit is not None and hit.result() == stub and hit.suppressions == stub.suppressions
    tags = {name.split("-")[1] for name in os.listdir(root / CACHE_DIR) if name.endswith(".pickle")}
    assert tags == {Cache(root, f"salt {s}").tag for s in (2, 3, 4, 5)}  # the four latest settings
    for key in ("one", "two", "three"):
        again.put("m.py", key, stored(stub))
    again.put("gone.py", "key", stored(stub))
    again.save({"m.py"})
    reread = Cache(root, "salt 5")
    assert [reread.get("m.py", k) is not None for k in ("one", "two", "three")] == [False, True, True]
    assert reread.get("gone.py", "key") is None  # a file no longer in the project is dropped


def test_the_one_file_per_entry_layout_of_earlier_versions_is_removed(tmp_path: Path) -> None:
    root = project(tmp_path)
    legacy = root / CACHE_DIR / "ab"
    legacy.mkdir(parents=True)
    (legacy / f"ab{'0' * 38}.pickle").write_bytes(b"old entry")
    (legacy / f"ab{'1' * 38}.0123456789ab.tmp").write_bytes(b"old temp")
    kept = root / CACHE_DIR / "cd"
    kept.mkdir()
    (kept / f"cd{'2' * 38}.pickle").write_bytes(b"old entry")
    (kept / "notes.txt").write_bytes(b"not archlint's")
    check(CheckOptions(paths=(root,)))
    assert not legacy.exists()
    assert sorted(p.name for p in kept.iterdir()) == ["notes.txt"]


def _json_runs(root: Path, runs: list[list[str]]) -> list[str]:
    outputs = []
    for extra in runs:
        done = subprocess.run(
            [sys.executable, "-m", "archlint", "check", ".", "--format", "json", *extra],
            cwd=root,
            capture_output=True,
            text=True,
        )
        assert done.returncode in (0, 1), done.stderr
        outputs.append(done.stdout)
    return outputs


@pytest.mark.parametrize("source", ["fixture", "generated"])
def test_output_is_identical_cold_warm_and_whatever_the_jobs(tmp_path: Path, source: str) -> None:
    root = tmp_path / "project"
    if source == "fixture":
        shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(CACHE_DIR))
    else:  # enough files for a process pool
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import gen

        root.mkdir()
        gen.generate(root, "modular-monolith", 6)
    cold, warm, serial, parallel, rewritten = _json_runs(
        root, [[], [], ["--no-cache", "--jobs", "1"], ["--no-cache", "--jobs", "2"], []]
    )
    assert '"diagnostics": [' in cold and '"code": "RTR' in cold
    assert cold == warm == serial == parallel == rewritten
