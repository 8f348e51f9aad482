"""The process pool: a worker that dies costs only its file, and results are the serial ones."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from archlint.engine import CheckOptions, check

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import gen

pytestmark = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="a pool needs two cores")


def test_a_worker_that_dies_loses_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archlint.engine import analyze, perfile

    tree = gen.generate(tmp_path, "layered-v1", 8)  # over the pool threshold
    victim = "backend/src/v1/customers/router.py"
    real = analyze.analyze_file

    def crashing(source: bytes, info: object, settings: object) -> object:
        if getattr(info, "path", "") == victim and os.getpid() != parent:
            os._exit(139)  # what a segfault in the native parser looks like from outside
        return real(source, info, settings)  # type: ignore[arg-type]

    parent = os.getpid()
    monkeypatch.setattr(analyze, "analyze_file", crashing)
    assert len(tree.files) >= perfile._POOL_THRESHOLD
    result = check(CheckOptions(paths=(tmp_path,), jobs=2, use_cache=False))
    crashed = [d for d in result.diagnostics if d.path == victim]
    assert [(d.code, d.line) for d in crashed] == [("SYN001", 1)]
    assert "parser crashed" in crashed[0].message
    expected = {(c, p, line) for c, p, line in tree.expected if p != victim}
    assert {(d.code, d.path, d.line) for d in result.diagnostics if d.path != victim} == expected
