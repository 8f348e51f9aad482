"""A run survives what real trees and real users throw at it: pathological files, signals,
odd --output targets, bad arguments. Each case runs archlint as a subprocess on a scratch
project, never on system paths."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ARCHLINT = [sys.executable, "-m", "archlint"]


def _project(tmp_path: Path, fixture: str = "shapes/template/violating") -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / fixture, project)
    return project


def _run(*args: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [*ARCHLINT, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_deep_nesting_is_syn001_and_the_rest_is_linted(tmp_path: Path, jobs: str) -> None:
    project = _project(tmp_path)
    deep = project / "backend/app/api/routes/generated.py"
    deep.write_text("x = " + "(" * 1300 + "1" + ")" * 1300 + "\n")
    long = project / "backend/app/api/routes/generated_sum.py"
    long.write_text("y = 0" + " + 1" * 8000 + "\n")
    done = _run("--no-cache", "--format", "concise", "-j", jobs, ".", cwd=project)
    assert done.returncode == 1, done.stderr
    assert "backend/app/api/routes/generated.py:1:1: SYN001 code is nested too deeply" in done.stdout
    assert "backend/app/api/routes/generated_sum.py:1:1: SYN001 an expression is too long" in done.stdout
    assert "REP001" in done.stdout  # the rest of the project is still linted
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_a_file_too_large_for_the_parser_is_syn001(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "backend/app/big_table.py").write_text("ROWS = [\n" + "    (1, 2, 3),\n" * 200_000 + "]\n")
    done = _run("--no-cache", "--format", "concise", ".", cwd=project)
    assert "backend/app/big_table.py:1:1: SYN001 file is too large to analyse" in done.stdout


def test_jobs_are_capped_and_results_do_not_change(tmp_path: Path) -> None:
    project = _project(tmp_path)
    one = _run("--no-cache", "--format", "concise", "-j", "1", ".", cwd=project)
    many = _run("--no-cache", "--format", "concise", "-j", "100000", ".", cwd=project)
    assert many.returncode == one.returncode == 1
    assert many.stdout == one.stdout
    zero = _run("-j", "0", ".", cwd=project)
    assert zero.returncode == 2
    assert zero.stderr.count("\n") == 1 and zero.stderr.startswith("archlint: error:")


def test_output_writes_into_a_symlink_target_and_refuses_a_directory(tmp_path: Path) -> None:
    project = _project(tmp_path)
    target = tmp_path / "real-report.json"
    target.write_text("old")
    link = tmp_path / "report-link.json"
    link.symlink_to(target)
    done = _run("--format", "json", "--output", str(link), ".", cwd=project)
    assert done.returncode == 1, done.stderr
    assert link.is_symlink() and target.read_text().startswith("{")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    done = _run("--format", "concise", "--output", str(fifo), ".", cwd=project)
    out, _ = reader.communicate(timeout=60)
    assert done.returncode == 1 and "REP001" in out and fifo.exists() and not fifo.is_file()
    for bad in (str(tmp_path), ""):
        refused = _run("--output", bad, ".", cwd=project)
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.startswith("archlint: error:") and "Traceback" not in refused.stderr


def test_a_new_report_file_honours_the_umask(tmp_path: Path) -> None:
    project = _project(tmp_path)
    report = tmp_path / "new" / "report.txt"
    old = os.umask(0o022)
    try:
        _run("--output", str(report), ".", cwd=project)
    finally:
        os.umask(old)
    assert report.stat().st_mode & 0o777 == 0o644


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found.update(int(c) for c in children)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _big_project(tmp_path: Path) -> Path:
    project = _project(tmp_path)
    routes = project / "backend/app/api/routes"
    body = (routes / "items.py").read_text()
    for i in range(400):
        (routes / f"items_{i}.py").write_text(body)
    return project


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_run_at_once_and_leaves_no_worker(tmp_path: Path, sig: int, code: int) -> None:
    project = _big_project(tmp_path)
    proc = subprocess.Popen(
        [*ARCHLINT, "--no-cache", "-j", "2", "."],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not workers and proc.poll() is None:
        time.sleep(0.05)
        workers = _children(proc.pid)
    if not workers:
        proc.kill()
        pytest.skip("the run finished before its workers could be seen")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == code
    assert "Traceback" not in err and "internal error" not in err
    time.sleep(1.0)
    assert not [w for w in workers if _alive(w)], "workers outlived the run"


def test_usage_errors_are_one_line(tmp_path: Path) -> None:
    project = _project(tmp_path)
    done = _run("check", "--no-such-flag", ".", cwd=project)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("archlint: error: No such option: --no-such-flag")


def test_python_m_archlint_ignores_a_formatter_planted_in_the_project(tmp_path: Path) -> None:
    project = _project(tmp_path)
    planted = project / "evil-0.1.dist-info"
    planted.mkdir()
    (planted / "METADATA").write_text("Metadata-Version: 2.1\nName: evil\nVersion: 0.1\n")
    (planted / "entry_points.txt").write_text("[archlint.formatters]\nevil = evil_formatter:Evil\n")
    (project / "evil_formatter.py").write_text(
        "import pathlib\npathlib.Path('PWNED').write_text('x')\nclass Evil:\n    pass\n"
    )
    done = _run("--format", "evil", ".", cwd=project)
    assert done.returncode == 2
    assert "unknown format 'evil'" in done.stderr
    assert not (project / "PWNED").exists()


def test_max_file_size_is_configurable(tmp_path: Path) -> None:
    project = _project(tmp_path)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.archlint]\nmax-file-size = 1000\n")
    done = _run("--no-cache", "--format", "concise", ".", cwd=project)
    assert "backend/app/crud.py:1:1: SYN001 file is too large to analyse" in done.stdout
    pyproject.write_text(pyproject.read_text().replace("max-file-size = 1000", "max-file-size = 0"))
    refused = _run(".", cwd=project)
    assert refused.returncode == 2 and "tool.archlint.max-file-size" in refused.stderr


def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path: Path) -> None:
    project = _project(tmp_path)
    routes = project / "backend/app/api/routes"
    name = os.fsencode(routes) + b"/caf\xe9.py"
    with open(name, "wb") as f:
        f.write((routes / "items.py").read_bytes())
    for fmt in ("text", "concise", "junit", "json", "sarif", "github", "gitlab"):
        report = tmp_path / f"report.{fmt}"
        done = _run("--no-cache", "--format", fmt, "--output", str(report), ".", cwd=project)
        assert done.returncode == 1, done.stderr
        text = report.read_text()
        assert "caf\\xe9.py" in text or "caf%E9.py" in text or "caf\\udce9.py" in text, fmt


def test_an_internal_error_is_one_short_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from archlint import cli
    from archlint.cli import check as check_module

    def broken(options: object) -> object:
        raise KeyError("<syntax tree dump> " + "Module(body=[...]) " * 5_000)

    monkeypatch.setattr(check_module, "check", broken)
    with pytest.raises(SystemExit) as exit_info:
        cli.main([str(_project(tmp_path))])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.count("\n") == 1 and err.startswith("archlint: internal error: KeyError")
    assert len(err) < 500
