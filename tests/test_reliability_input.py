"""Hostile or unusual input: a cache folder that is a link, escape sequences in code and file
names, lone CR line endings, non-ASCII before a syntax error, unreadable folders, links out
of the project, and tab indentation libcst cannot represent."""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import libcst as cst
import libcst.matchers as m
import pytest

from archlint.core import Diagnostic, FileResult, ModuleInfo, RunResult
from archlint.engine import CheckOptions, check
from archlint.formatters import load

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


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def base_project(root: Path, **extra: str | bytes) -> Path:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[tool.archlint]\npreset = "layered-v1"\n',
        "backend/src/v1/orders/router.py": ROUTER,
        "backend/src/v1/orders/service.py": "def create():\n    return 1\n",
    }
    files.update(extra)
    root.mkdir(parents=True, exist_ok=True)
    return write(root, files)


def triples(project: Path, **kwargs: object) -> list[tuple[str, str, int | None, int | None]]:
    result = check(CheckOptions(paths=(project,), **kwargs))  # type: ignore[arg-type]
    return [(d.code, d.path, d.line, d.column) for d in result.diagnostics]


def render(name: str, result: RunResult, *, color: bool = False) -> str:
    stream = io.StringIO()
    load(name).render(result, stream, color=color)
    return stream.getvalue()


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links not followed) with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if not p.is_symlink() else b"->"
        for p in sorted(folder.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


def finishes(call: Callable[[], object], seconds: float = 10) -> bool:
    """Whether ``call`` returns within ``seconds`` (a blocked call is left in a daemon thread)."""
    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive()


def unblock(fifo: Path) -> None:
    """Let a reader left waiting on ``fifo`` (by code that opened it blocking) finish."""
    with contextlib.suppress(OSError):
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


# --- 1. the cache never follows a link ---------------------------------------------------------


@pytest.fixture(params=["descriptors", "paths"])
def cache_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Both ways the cache guards against links: lookups relative to folders opened without
    following links (POSIX), and checks of each name before use (elsewhere)."""
    from archlint.engine import cache_folder

    if request.param == "paths":
        monkeypatch.setattr(cache_folder, "_BY_DESCRIPTOR", False, raising=False)
    elif not getattr(cache_folder, "_BY_DESCRIPTOR", True):
        pytest.skip("this platform cannot look names up by folder descriptor")
    yield request.param


def _stub() -> object:
    from archlint.engine.cache import stored

    return stored(FileResult(info=ModuleInfo("m.py", "m")))


def _planted_entries(outside: Path, tag: str) -> dict[str, bytes]:
    """Files named like cache files (this layout's and the earlier one), in a folder outside
    the project."""
    for index in range(8):
        (outside / f"files-{tag}-{index:x}.pickle").parent.mkdir(parents=True, exist_ok=True)
        (outside / f"files-{tag}-{index:x}.pickle").write_bytes(b"not archlint's")
    (outside / f"project-{tag}.pickle").write_bytes(b"not archlint's")
    (outside / "ab").mkdir()
    (outside / "ab" / f"ab{0:038x}.pickle").write_bytes(b"not archlint's")
    return tree(outside)


def test_a_cache_folder_that_is_a_link_out_of_the_project_is_not_used(
    tmp_path: Path, cache_mode: str
) -> None:
    from archlint.engine.cache import Cache

    project = base_project(tmp_path / "project")
    outside = tmp_path / "outside"
    before = _planted_entries(outside, Cache(project, "salt").tag)
    (project / ".archlint_cache").symlink_to(outside, target_is_directory=True)
    expected = triples(project, use_cache=False)
    assert triples(project) == expected
    assert triples(project) == expected
    cache = Cache(project, "salt")
    for i in range(5):
        cache.put(f"m{i}.py", "key", _stub())  # type: ignore[arg-type]
    cache.save(set())
    cache.put_project_findings("inputs", ())
    assert Cache(project, "salt").get("m0.py", "key") is None
    assert cache.project_findings("inputs") is None
    assert tree(outside) == before  # nothing written, nothing deleted


def test_a_dangling_gitignore_link_in_the_cache_creates_nothing_outside(
    tmp_path: Path, cache_mode: str
) -> None:
    project = base_project(tmp_path / "project")
    target = tmp_path / "outside" / "created-by-archlint"
    target.parent.mkdir()
    (project / ".archlint_cache").mkdir()
    (project / ".archlint_cache" / ".gitignore").symlink_to(target)
    expected = triples(project, use_cache=False)
    assert triples(project) == expected
    assert not target.exists()
    assert triples(project) == expected


def test_links_inside_the_cache_are_neither_read_written_nor_pruned(tmp_path: Path, cache_mode: str) -> None:
    from archlint.engine.cache import Cache

    project = base_project(tmp_path / "project")
    elsewhere = base_project(tmp_path / "elsewhere")
    real = Cache(elsewhere, "salt")
    real.put("m.py", "key", _stub())  # type: ignore[arg-type]
    real.save({"m.py"})
    real.put_project_findings("inputs", ())
    shard = real._shard_name(real._shard_of("m.py"))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / shard).write_bytes((elsewhere / ".archlint_cache" / shard).read_bytes())
    project_file = f"project-{real.tag}.pickle"
    (outside / project_file).write_bytes((elsewhere / ".archlint_cache" / project_file).read_bytes())
    (outside / "ab").mkdir()
    (outside / "ab" / f"ab{0:038x}.pickle").write_bytes(b"an entry of the earlier layout")
    before = tree(outside)

    assert triples(project)  # a real cache folder, made by archlint
    folder = project / ".archlint_cache"
    (folder / shard).unlink(missing_ok=True)
    (folder / shard).symlink_to(outside / shard)  # a valid shard, through a link
    (folder / project_file).symlink_to(outside / project_file)
    (folder / "ab").symlink_to(outside / "ab", target_is_directory=True)
    cache = Cache(project, "salt")
    assert cache.get("m.py", "key") is None
    assert cache.project_findings("inputs") is None
    cache.put("m.py", "key", _stub())  # type: ignore[arg-type]
    cache.save({"m.py"})  # replaces the link in the cache, never writes through it
    cache.put_project_findings("inputs", ())
    assert not (folder / shard).is_symlink() and not (folder / project_file).is_symlink()
    assert tree(outside) == before


def test_pruning_deletes_only_what_archlint_wrote(tmp_path: Path, cache_mode: str) -> None:
    from archlint.engine.cache import Cache

    project = base_project(tmp_path / "project")
    folder = project / ".archlint_cache"
    for salt in range(6):
        cache = Cache(project, f"salt {salt}")
        cache.put("m.py", "key", _stub())  # type: ignore[arg-type]
        cache.save({"m.py"})
    tag = Cache(project, "salt 0").tag
    foreign = {
        "notes.pickle": b"mine",
        f"files-{tag}-0.pickle.bak": b"mine",
        f"files-{tag}-g.pickle": b"mine",
        f"project-{tag[:15]}.pickle": b"mine",
        "00/notes.pickle": b"mine",
        "zz/" + "f" * 40 + ".pickle": b"mine",
        f"files-{tag}-0.pickle.0123456789ab.tmp.keep": b"mine",
    }
    write(folder, foreign)  # type: ignore[arg-type]
    stale = folder / f"files-{tag}-1.pickle.0123456789ab.tmp"
    stale.write_bytes(b"a killed run's")
    os.utime(stale, (0, 0))
    cache = Cache(project, "salt 6")
    cache.put("m.py", "key", _stub())  # type: ignore[arg-type]
    cache.save({"m.py"})
    left = tree(folder)
    assert {name: left.get(name) for name in foreign} == foreign
    assert stale.name not in left
    shards = [re.fullmatch(r"files-([0-9a-f]{16})-[0-9a-f]\.pickle", name) for name in left]
    tags = {shard.group(1) for shard in shards if shard is not None}
    assert len(tags) == 4 and Cache(project, "salt 6").tag in tags  # the latest settings
    assert left[".gitignore"] == b"# created by archlint\n*\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_in_place_of_a_cache_file_is_a_miss_not_a_hang(tmp_path: Path) -> None:
    from archlint.engine.cache import Cache

    project = base_project(tmp_path / "project")
    cache = Cache(project, "salt")
    cache.put("m.py", "key", _stub())  # type: ignore[arg-type]
    cache.save({"m.py"})
    fifos = [
        project / ".archlint_cache" / cache._shard_name(cache._shard_of("m.py")),
        project / ".archlint_cache" / f"project-{cache.tag}.pickle",
    ]
    fifos[0].unlink()
    for fifo in fifos:
        os.mkfifo(fifo)
    got: list[object] = []
    try:
        assert finishes(lambda: got.append(Cache(project, "salt").get("m.py", "key")))
        assert finishes(lambda: got.append(cache.project_findings("inputs")))
    finally:
        for fifo in fifos:
            unblock(fifo)
    assert got == [None, None]


# --- 2. control characters never reach the terminal -------------------------------------------

HOSTILE = "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\x1b[2J\x1b]0;pwned\x07\u202e"


def hostile_result(root: Path) -> RunResult:
    name = "backend/evil\x1b[31m\nforged.py:1:1: XXX001 fake\r.py"
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"x = '{HOSTILE}'; session.commit()\n")
    column = len(f"x = '{HOSTILE}'; ") + 1
    diagnostic = Diagnostic(
        code="RTR001",
        message=f"message {HOSTILE}\nforged:1:1: XXX002 fake",
        path=name,
        line=1,
        column=column,
        end_line=1,
        end_column=column + len("session.commit()"),
    )
    return RunResult(
        diagnostics=(diagnostic,),
        project_root=str(root),
        files_checked=1,
        preset="layered-v1",
        stale_baseline=(f"{name}: RTR001 {HOSTILE}",),
    )


@pytest.mark.parametrize("name", ["text", "concise", "github"])
def test_escape_sequences_in_code_names_and_messages_are_shown_not_run(tmp_path: Path, name: str) -> None:
    output = render(name, hostile_result(tmp_path))
    for control in ("\x1b", "\x07", "\r", "\u202e"):
        assert control not in output, (name, control)
    assert "\\x1b]8;;https://evil.example\\x07" in output
    assert "\\u202e" in output
    lines = output.splitlines()
    if name != "text":  # one line per finding: nothing forged
        assert len(lines) == 1, lines
    assert not any(line.startswith(("forged", "::")) and "XXX" in line for line in lines[1:])


def test_colour_output_has_only_its_own_escape_sequences(tmp_path: Path) -> None:
    output = render("text", hostile_result(tmp_path), color=True)
    assert "\x1b]" not in output  # no OSC: hyperlink, window title
    assert "\x1b[2J" not in output and "\x07" not in output and "\x1b[31m" not in output
    assert "\\x1b[2J" in output


def test_the_code_frame_carets_sit_under_the_span_after_escapes_and_tabs(tmp_path: Path) -> None:
    result = hostile_result(tmp_path)
    lines = render("text", result).splitlines()
    source = next(i for i, line in enumerate(lines) if line.startswith("  1 | "))
    shown, carets = lines[source], lines[source + 1]
    assert carets.index("^") == shown.index("session.commit()")
    assert carets.count("^") == len("session.commit()")
    write(tmp_path, {"tabs.py": "if x:\n\tsession.commit()\n"})
    d = Diagnostic("RTR001", "m", "tabs.py", line=2, column=2, end_line=2, end_column=18)
    lines = render("text", RunResult((d,), str(tmp_path), 1, "layered-v1")).splitlines()
    source = next(i for i, line in enumerate(lines) if line.startswith("  2 | "))
    assert lines[source + 1].index("^") == lines[source].index("session.commit()")


# --- 3. lone CR line endings; form feeds do not end lines --------------------------------------


def test_lone_cr_line_endings_give_the_same_positions_as_newlines(tmp_path: Path) -> None:
    unix = triples(base_project(tmp_path / "unix"), use_cache=False)
    mac = base_project(
        tmp_path / "mac", **{"backend/src/v1/orders/router.py": ROUTER.replace("\n", "\r").encode()}
    )
    assert triples(mac, use_cache=False) == unix
    assert [(line, column) for *_, line, column in unix] == [(9, 5), (11, 18)]


def test_suppressions_in_a_lone_cr_file_sit_on_their_own_line(tmp_path: Path) -> None:
    router = ROUTER.replace(
        "return await session.execute(select(Order))",
        "return await session.execute(select(Order))  # archlint: ignore[RTR001] -- legacy",
    )
    project = base_project(
        tmp_path, **{"backend/src/v1/orders/router.py": router.replace("\n", "\r").encode()}
    )
    result = check(CheckOptions(paths=(project,), use_cache=False))
    assert [(d.code, d.line) for d in result.diagnostics] == [("RTR003", 9)]
    assert result.suppressed == 1


def test_positions_follow_pythons_line_ends() -> None:
    from archlint.engine.positions import Positions, split_lines

    source = "import os\r\ndef f(session):\r    x = '\x0c\x1c\u2028'\r    return session.commit()\n"
    module = cst.parse_module(source)
    call = m.findall(module, m.Call(func=m.Attribute(attr=m.Name("commit"))))[0]
    span = Positions(module, source).of(call)
    assert (span.start.line, span.start.column, span.end.line, span.end.column) == (4, 11, 4, 27)
    assert split_lines(source)[3] == "    return session.commit()"
    assert len(split_lines(source)) == 4


def test_the_code_frame_counts_lines_as_python_does(tmp_path: Path) -> None:
    body = "\x0c\n# a page break above, a form feed here: \x0c\nsession.commit()\r\n"
    write(tmp_path, {"m.py": body})
    d = Diagnostic("RTR001", "m", "m.py", line=3, column=1, end_line=3, end_column=17)
    output = render("text", RunResult((d,), str(tmp_path), 1, "layered-v1"))
    assert "  3 | session.commit()" in output


# --- 4. syntax error columns are characters ----------------------------------------------------


@pytest.mark.parametrize(
    ("source", "position"),
    [
        ("x = 'ééé' +\n", (1, 12)),
        ("é = 'ééé' 1\n", (1, 11)),
        ("x = ('é', 1 2)\n", (1, 11)),
        ("ok = 1\ny = '€€' $ 2\n", (2, 10)),
        ("# -*- coding: latin-1 -*-\nx = 'ééé' $\n".encode("latin-1"), (2, 11)),
        ("\ufeffx = 'é' +\n", (1, 10)),
    ],
)
def test_syntax_error_columns_count_characters(source: str | bytes, position: tuple[int, int]) -> None:
    from archlint.engine.positions import syntax_error_position

    data = source if isinstance(source, bytes) else source.encode()
    found = syntax_error_position(data)
    assert found is not None and found[:2] == position
    line = (data.decode("latin-1") if isinstance(source, bytes) else source).lstrip("\ufeff")
    assert found[1] <= len(line.splitlines()[position[0] - 1]) + 1
    assert syntax_error_position("x = 'ééé'\n".encode()) is None


def test_syn001_columns_count_characters(tmp_path: Path) -> None:
    project = base_project(tmp_path, **{"backend/src/v1/orders/repository.py": "x = 'ééé' +\n"})
    assert ("SYN001", "backend/src/v1/orders/repository.py", 1, 12) in triples(project, use_cache=False)


# --- 5. unreadable folders are reported ---------------------------------------------------------


def test_folders_that_cannot_be_listed_are_returned_with_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archlint.engine import discovery

    project = base_project(tmp_path, **{"backend/src/v1/users/router.py": ROUTER})
    locked = project / "backend/src/v1/users"
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str] | int = ".") -> object:
        if isinstance(path, str | os.PathLike) and Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = discovery.discover_all(project, ())
    assert "backend/src/v1/users/router.py" not in found.files
    assert "backend/src/v1/orders/router.py" in found.files
    assert list(found.unreadable_folders) == ["backend/src/v1/users"]
    assert found.unreadable_folders["backend/src/v1/users"].strerror == "Permission denied"
    assert discovery.discover(project, ()) == found.files


def test_a_folder_without_read_permission_is_reported(tmp_path: Path) -> None:
    from archlint.engine.discovery import discover_all

    project = base_project(tmp_path, **{"backend/src/v1/users/router.py": ROUTER})
    locked = project / "backend/src/v1/users"
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running with privileges that read any folder")
        found = discover_all(project, ())
    finally:
        locked.chmod(0o755)
    assert list(found.unreadable_folders) == ["backend/src/v1/users"]


def test_the_text_summary_says_what_the_run_could_not_read(tmp_path: Path) -> None:
    notes = tuple(f"folder{i}/: cannot read the folder: Permission denied\x1b[2J" for i in range(12))
    output = render("text", RunResult((), str(tmp_path), 0, "layered-v1", notifications=notes))
    assert "note: folder0/: cannot read the folder: Permission denied\\x1b[2J" in output
    assert "note: folder9/" in output and "folder10/" not in output
    assert "note: ... and 2 more" in output
    quiet = io.StringIO()
    load("text").__class__(quiet=True).render(  # type: ignore[call-arg]
        RunResult((), str(tmp_path), 0, "layered-v1", notifications=notes), quiet, color=False
    )
    assert "note:" not in quiet.getvalue()


def test_a_run_with_an_unreadable_folder_fails_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from archlint.cli import app

    project = base_project(tmp_path, **{"backend/src/v1/users/router.py": ROUTER})
    clean = ROUTER.replace("    if True:\n        pass\n", "").replace(
        "return await session.execute(select(Order))", "return []"
    )
    write(project, {"backend/src/v1/orders/router.py": clean})
    locked = project / "backend/src/v1/users"
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str] | int = ".") -> object:
        if isinstance(path, str | os.PathLike) and Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = check(CheckOptions(paths=(project,), use_cache=False))
    assert [(d.code, d.path) for d in result.diagnostics] == [("SYN001", "backend/src/v1/users")]
    assert any("backend/src/v1/users" in n for n in result.notifications)
    outcome = CliRunner().invoke(app, ["check", str(project), "--no-cache"], env={"NO_COLOR": "1"})
    assert outcome.exit_code == 1, outcome.stdout
    assert "All checks passed" not in outcome.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_named_like_a_module_is_unreadable_not_a_hang(tmp_path: Path) -> None:
    from archlint.engine.discovery import discover, read_sources

    project = base_project(tmp_path)
    fifo = project / "backend/src/v1/orders/schemas.py"
    os.mkfifo(fifo)
    got: list[tuple[dict[str, bytes], dict[str, OSError]]] = []
    try:
        assert finishes(lambda: got.append(read_sources(project, discover(project, ()))))
    finally:
        unblock(fifo)
    sources, errors = got[0]
    assert "backend/src/v1/orders/schemas.py" in errors
    assert "backend/src/v1/orders/router.py" in sources


# --- 6. links out of the project are skipped and reported --------------------------------------


def test_links_out_of_the_project_are_skipped_and_listed(tmp_path: Path) -> None:
    from archlint.engine.discovery import discover_all

    secret = tmp_path / "outside" / "secret.py"
    write(tmp_path / "outside", {"secret.py": "TOKEN = 'hunter2'\nsession.commit()\n", "lib/x.py": ""})
    project = base_project(tmp_path / "project")
    orders = project / "backend/src/v1/orders"
    (orders / "repository.py").symlink_to(secret)
    (orders / "vendored").symlink_to(tmp_path / "outside" / "lib", target_is_directory=True)
    (orders / "schemas.py").symlink_to(orders / "service.py")  # inside: still linted
    (project / ".venv").symlink_to(tmp_path / "outside" / "lib", target_is_directory=True)  # excluded
    found = discover_all(project, ())
    assert "backend/src/v1/orders/repository.py" not in found.files
    assert "backend/src/v1/orders/schemas.py" in found.files
    assert found.outside_links == ("backend/src/v1/orders/repository.py", "backend/src/v1/orders/vendored")
    result = check(CheckOptions(paths=(project,), use_cache=False))
    assert "hunter2" not in render("text", result)
    assert all(d.path != "backend/src/v1/orders/repository.py" for d in result.diagnostics)


def test_the_code_frame_never_shows_a_file_out_of_the_project(tmp_path: Path) -> None:
    write(tmp_path / "outside", {"secret.py": "TOKEN = 'hunter2'\n"})
    project = tmp_path / "project"
    project.mkdir()
    (project / "m.py").symlink_to(tmp_path / "outside" / "secret.py")
    d = Diagnostic("RTR001", "m", "m.py", line=1, column=1)
    assert "hunter2" not in render("text", RunResult((d,), str(project), 1, "layered-v1"))


# --- 7. indentation CPython accepts is never a syntax error -------------------------------------

MIXED = "async def handler(session):\n\tif x:\n\t if y:\n        \tawait session.commit()\n\treturn 1\n"


def test_indentation_cpython_accepts_is_parsed_with_the_columns_kept() -> None:
    from archlint.engine.positions import Positions, syntax_error_position
    from archlint.engine.tabs import parse_untabbed

    ast.parse(MIXED)
    with pytest.raises(cst.ParserSyntaxError):
        cst.parse_module(MIXED)
    assert syntax_error_position(MIXED.encode()) is None
    parsed = parse_untabbed(MIXED.encode())
    assert parsed is not None
    module, untabbed = parsed
    assert untabbed.text.splitlines()[3] == " " * 16 + "await session.commit()"
    expected = next(n for n in ast.walk(ast.parse(MIXED)) if isinstance(n, ast.Call))

    calls: list[cst.Call] = []

    class Collect(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            calls.append(node)

    module.visit(Collect())
    span = Positions(module, untabbed.text, columns=untabbed.column).of(calls[0])
    assert (span.start.line, span.start.column) == (expected.lineno, expected.col_offset)
    assert (span.end.line, span.end.column) == (expected.end_lineno, expected.end_col_offset)


def test_only_statement_indentation_is_rewritten() -> None:
    from archlint.engine.tabs import untab

    source = 'def f():\n\tx = """\n\t  kept\n"""\n\ty = (1,\n\t\t2)\n\treturn x\n'
    untabbed = untab(source)
    assert untabbed is not None
    assert (
        untabbed.text
        == 'def f():\n        x = """\n\t  kept\n"""\n        y = (1,\n\t\t2)\n        return x\n'
    )
    assert untab("def f():\n    return 1\n") is None
    assert untab("if x:\r\tpass\r") is not None


def test_a_real_tab_error_is_still_a_syntax_error() -> None:
    from archlint.engine.positions import syntax_error_position

    source = b"if x:\n\tpass\n        pass\n"
    found = syntax_error_position(source)
    assert found is not None and found[0] == 3


def test_valid_mixed_indentation_is_linted_not_syn001(tmp_path: Path) -> None:
    body = "\tif True:\n        \tpass\n\treturn await session.execute(select(Order))\n"
    router = ROUTER.replace(ROUTER[ROUTER.index("    if True:") :], body)
    ast.parse(router)
    with pytest.raises(cst.ParserSyntaxError):
        cst.parse_module(router)
    project = base_project(tmp_path, **{"backend/src/v1/orders/router.py": router})
    assert triples(project, use_cache=False) == [
        ("RTR003", "backend/src/v1/orders/router.py", 9, 2),
        ("RTR001", "backend/src/v1/orders/router.py", 11, 15),
    ]


def test_untabbed_columns_round_trip_on_every_line() -> None:
    from archlint.engine.tabs import untab

    untabbed = untab(MIXED)
    assert untabbed is not None
    for number, (original, rewritten) in enumerate(
        zip(MIXED.splitlines(), untabbed.text.splitlines(), strict=True), start=1
    ):
        original_indent = len(original) - len(original.lstrip())
        rewritten_indent = len(rewritten) - len(rewritten.lstrip())
        assert original.lstrip() == rewritten.lstrip()
        for column in range(rewritten_indent, len(rewritten) + 1):
            assert untabbed.column(number, column) == column - rewritten_indent + original_indent
