"""Engine behaviour: never imports linted code, SYN001 keeps the run going, suppressions, order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from archlint.engine import CheckOptions, check

if TYPE_CHECKING:
    import libcst as cst

ROUTER_WITH_FINDINGS = """\
from fastapi import APIRouter
from sqlalchemy import select

router = APIRouter()


@router.get("/")
async def list_orders(session: AsyncSession):
    if True:
        pass
    return await session.execute(select(Order))
"""


def assigned(tree: cst.Module, index: int) -> cst.BaseExpression:
    """The value assigned by the ``index``-th statement of ``tree`` (``x = <value>``)."""
    import libcst as cst

    line = cst.ensure_type(tree.body[index], cst.SimpleStatementLine)
    return cst.ensure_type(line.body[0], cst.Assign).value


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def base_project(tmp_path: Path, **extra: str | bytes) -> Path:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[tool.archlint]\npreset = "layered-v1"\n',
        "backend/src/v1/orders/router.py": ROUTER_WITH_FINDINGS,
        "backend/src/v1/orders/service.py": "def create():\n    return 1\n",
    }
    files.update(extra)
    return write(tmp_path, files)


def triples(project: Path, **kwargs: object) -> list[tuple[str, str, int | None, int | None]]:
    result = check(CheckOptions(paths=(project,), **kwargs))  # type: ignore[arg-type]
    return [(d.code, d.path, d.line, d.column) for d in result.diagnostics]


def test_linted_code_is_never_imported(tmp_path: Path) -> None:
    marker = tmp_path / "imported.txt"
    payload = f"open({str(marker)!r}, 'w').write('ran')\nimport os\nos.system('touch {marker}')\n"
    project = base_project(
        tmp_path,
        **{
            "backend/src/v1/orders/repository.py": payload,
            "backend/src/v1/orders/__init__.py": payload,
            "backend/src/core/db.py": payload,
            "backend/src/conftest.py": payload,
        },
    )
    findings = triples(project)
    assert findings, "the project was not linted at all"
    assert not marker.exists()


def test_syntax_error_is_reported_and_the_rest_still_linted(tmp_path: Path) -> None:
    project = base_project(
        tmp_path,
        **{"backend/src/v1/orders/repository.py": "def broken(:\n    pass\n"},
    )
    findings = triples(project)
    assert ("SYN001", "backend/src/v1/orders/repository.py", 1, 12) in findings
    assert ("RTR001", "backend/src/v1/orders/router.py", 11, 18) in findings


def test_a_jinja_template_named_py_is_not_a_syntax_error(tmp_path: Path) -> None:
    template = "class {{ name }}Client:\n{% for m in methods %}\n    def {{ m }}(self): ...\n{% endfor %}\n"
    broken = "def total(:\n    return {'a': '{% raw %}'}\n"  # template text inside a string
    project = base_project(
        tmp_path,
        **{"backend/src/templates/client.py": template, "backend/src/v1/orders/schemas.py": broken},
    )
    paths = {(code, path) for code, path, *_ in triples(project) if code == "SYN001"}
    assert paths == {("SYN001", "backend/src/v1/orders/schemas.py")}


def test_undecodable_file_is_syn001(tmp_path: Path) -> None:
    project = base_project(tmp_path)
    (project / "backend/src/v1/orders/schemas.py").write_bytes(b"name = '\xff\xfe\xfa'\n")
    findings = triples(project)
    assert ("SYN001", "backend/src/v1/orders/schemas.py", 1, 1) in findings
    assert any(code == "RTR003" for code, *_ in findings)


def test_findings_are_sorted_and_identical_across_runs(tmp_path: Path) -> None:
    project = base_project(
        tmp_path,
        **{
            "backend/src/v1/users/router.py": ROUTER_WITH_FINDINGS,
            "backend/src/v1/users/service.py": "",
        },
    )
    first = check(CheckOptions(paths=(project,)))
    second = check(CheckOptions(paths=(project,)))
    assert first.diagnostics == second.diagnostics
    keys = [(d.path, d.line or 0, d.column or 0, d.code) for d in first.diagnostics]
    assert keys == sorted(keys)
    assert [d.code for d in first.diagnostics] == ["RTR003", "RTR001"] * 2


def test_inline_suppressions(tmp_path: Path) -> None:
    router = ROUTER_WITH_FINDINGS.replace(
        "    if True:\n", "    if True:  # archlint: ignore[RTR003] -- legacy admin endpoint\n"
    ).replace("select(Order))\n", "select(Order))  # archlint: ignore[RTR001]\n")
    project = base_project(tmp_path, **{"backend/src/v1/orders/router.py": router})
    result = check(CheckOptions(paths=(project,)))
    assert result.diagnostics == ()
    assert result.suppressed == 2


def test_suppression_on_first_line_of_a_multiline_statement(tmp_path: Path) -> None:
    router = ROUTER_WITH_FINDINGS.replace(
        "    return await session.execute(select(Order))\n",
        "    return await (  # archlint: ignore[RTR001]\n        session.execute(select(Order))\n    )\n",
    )
    project = base_project(tmp_path, **{"backend/src/v1/orders/router.py": router})
    assert [c for c, *_ in triples(project)] == ["RTR003"]


def test_suppression_for_another_code_does_not_hide_a_finding(tmp_path: Path) -> None:
    router = ROUTER_WITH_FINDINGS.replace("    if True:\n", "    if True:  # archlint: ignore[RTR001]\n")
    project = base_project(tmp_path, **{"backend/src/v1/orders/router.py": router})
    assert "RTR003" in [c for c, *_ in triples(project)]


def test_file_level_suppression(tmp_path: Path) -> None:
    router = "# archlint: ignore-file[RTR003]\n" + ROUTER_WITH_FINDINGS
    project = base_project(tmp_path, **{"backend/src/v1/orders/router.py": router})
    assert [c for c, *_ in triples(project)] == ["RTR001"]


def test_suppression_inside_a_string_is_not_a_suppression(tmp_path: Path) -> None:
    router = ROUTER_WITH_FINDINGS.replace("    if True:\n", "    if '# archlint: ignore[RTR003]':\n")
    project = base_project(tmp_path, **{"backend/src/v1/orders/router.py": router})
    assert "RTR003" in [c for c, *_ in triples(project)]


def test_reporting_is_limited_to_the_given_paths(tmp_path: Path) -> None:
    project = base_project(
        tmp_path,
        **{
            "backend/src/v1/users/router.py": ROUTER_WITH_FINDINGS,
            "backend/src/v1/users/service.py": "",
        },
    )
    result = check(CheckOptions(paths=(project / "backend/src/v1/users/router.py",)))
    assert {d.path for d in result.diagnostics} == {"backend/src/v1/users/router.py"}


def test_excluded_folders_are_not_linted(tmp_path: Path) -> None:
    project = base_project(
        tmp_path,
        **{
            "backend/src/v1/orders/migrations/env.py": "def broken(:\n",
            "backend/src/.venv/lib/x.py": "def broken(:\n",
            "backend/src/node_modules/x.py": "def broken(:\n",
        },
    )
    (project / "pyproject.toml").write_text(
        '[tool.archlint]\npreset = "layered-v1"\nexclude = ["backend/src/v1/users/**"]\n'
    )
    write(project, {"backend/src/v1/users/router.py": "def broken(:\n"})
    assert not [c for c, *_ in triples(project) if c == "SYN001"]


def test_custom_layout_from_config(tmp_path: Path) -> None:
    project = write(
        tmp_path,
        {
            "pyproject.toml": (
                "[tool.archlint]\n"
                'preset = "layered-v1"\n'
                'root = "app"\n'
                "[tool.archlint.layout]\n"
                'domains = ["modules/*"]\n'
                'roles.router = ["endpoints.py"]\n'
                'roles.repository = ["repository.py", "crud.py"]\n'
                'required = ["endpoints.py"]\n'
            ),
            "app/modules/orders/endpoints.py": ROUTER_WITH_FINDINGS,
            "app/modules/orders/crud.py": (
                "async def save(db, order):\n    db.add(order)\n    await db.commit()\n"
            ),
            "app/modules/users/service.py": "",
        },
    )
    findings = triples(project)
    codes = {(c, p) for c, p, *_ in findings}
    assert ("RTR003", "app/modules/orders/endpoints.py") in codes
    assert ("REP001", "app/modules/orders/crud.py") in codes
    assert ("LAY002", "app/modules/users/service.py") in codes  # the folder, pinned to a module


def test_json_output_is_stable(tmp_path: Path) -> None:
    from io import StringIO

    from archlint.formatters import load

    project = base_project(tmp_path)
    outputs = []
    for _ in range(2):
        buffer = StringIO()
        load("json").render(check(CheckOptions(paths=(project,))), buffer, color=False)
        outputs.append(buffer.getvalue())
    assert outputs[0] == outputs[1]
    document = json.loads(outputs[0])
    assert document["version"] == 1
    assert [d["code"] for d in document["diagnostics"]] == ["RTR003", "RTR001"]


@pytest.mark.parametrize("preset", ["layered-v1", "best-practices", "modular-monolith", "domain-routers"])
def test_detection_picks_each_fixture_preset(preset: str) -> None:
    from archlint.core import LayoutMode
    from archlint.engine.discovery import discover, read_sources
    from archlint.layouts import detect, find_import_roots

    clean = Path(__file__).resolve().parent.parent / "fixtures" / preset / "clean"
    files = discover(clean, ())
    sources, _ = read_sources(clean, files)
    tree = detect(files, find_import_roots(files, sources))
    assert (tree.layout.name, tree.mode) == (preset, LayoutMode.DETECTED)
    assert tree.scores[preset] == max(tree.scores.values())


def test_unchanged_rerun_comes_from_the_cache_without_loading_the_parser(tmp_path: Path) -> None:
    import subprocess
    import sys

    project = base_project(tmp_path)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from archlint.engine import CheckOptions, check\n"
        f"result = check(CheckOptions(paths=(Path({str(project)!r}),)))\n"
        "print(len(result.diagnostics), 'libcst._parser' in sys.modules)\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert runs[0].stdout.split() == ["2", "True"]
    assert runs[1].stdout.split() == ["2", "False"]
    assert (project / ".archlint_cache" / ".gitignore").exists()


def test_cache_entry_is_invalidated_by_a_content_change(tmp_path: Path) -> None:
    project = base_project(tmp_path)
    assert [c for c, *_ in triples(project)] == ["RTR003", "RTR001"]
    router = project / "backend/src/v1/orders/router.py"
    router.write_text(router.read_text().replace("    if True:\n        pass\n", ""))
    assert [c for c, *_ in triples(project)] == ["RTR001"]


def test_results_do_not_depend_on_the_number_of_jobs(tmp_path: Path) -> None:
    files = {f"backend/src/v1/d{i}/router.py": ROUTER_WITH_FINDINGS for i in range(30)}
    files.update({f"backend/src/v1/d{i}/service.py": "" for i in range(30)})
    project = base_project(tmp_path, **files)
    serial = check(CheckOptions(paths=(project,), jobs=1, use_cache=False))
    parallel = check(CheckOptions(paths=(project,), jobs=2, use_cache=False))
    assert serial.diagnostics == parallel.diagnostics
    assert len(serial.diagnostics) == 2 * 31


def test_offsets_equal_libcsts_position_provider_for_every_node_of_every_fixture() -> None:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    from archlint.engine.positions import Positions, node_offsets

    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    checked = 0
    for path in sorted(fixtures.rglob("*.py")):
        source = path.read_text()
        try:
            tree = cst.parse_module(source)
        except cst.ParserSyntaxError:
            continue
        exact = MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)
        offsets = node_offsets(tree)
        positions = Positions(tree, source)
        for node, span in exact.items():
            start, end = offsets[node]
            assert (positions._point(start), positions._point(end)) == (
                (span.start.line, span.start.column),
                (span.end.line, span.end.column),
            ), (path, type(node).__name__)
            checked += 1
    assert checked > 10_000


def test_reported_positions_match_the_provider_on_every_fixture_report() -> None:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    from archlint.core import FileSummary
    from archlint.engine.perfile import file_settings
    from archlint.engine.positions import Positions
    from archlint.engine.run import CheckOptions as Options
    from archlint.engine.run import resolve_project
    from archlint.engine.walk import walk
    from archlint.rules import FileContext
    from archlint.rules.summary import summarise

    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    checked = 0
    for pyproject in sorted(fixtures.glob("*/*/pyproject.toml")):
        project = resolve_project(Options(paths=(pyproject.parent,)))
        settings = file_settings(project)
        for module in project.tree.modules:
            source = (pyproject.parent / module.path).read_text()
            try:
                tree = cst.parse_module(source)
            except cst.ParserSyntaxError:
                continue
            summary = summarise(source, module) or FileSummary(module.module)
            context = FileContext(module, tree, summary, ("session", "db", "database"))
            chosen = settings[module.role]
            walk(tree, context, [r(context, chosen.options[r.code]) for r in chosen.rules])
            exact = MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)
            positions = Positions(tree, source)
            for report in context.reports:
                span = positions.of(report.node)
                assert span.start == exact[report.node].start, report.message
                if isinstance(report.node, cst.BaseCompoundStatement):
                    header = source.splitlines()[span.end.line - 1][: span.end.column]
                    assert header.endswith(":"), report.message
                else:
                    assert span.end == exact[report.node].end, report.message
                if report.statement is not None:
                    line = positions.line_of_statement(report.statement)
                    assert line == exact[report.statement].start.line
                checked += 1
    assert checked > 100


def test_positions_leave_out_parentheses_like_libcst() -> None:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    from archlint.engine.positions import Positions

    source = "x = f(a, ( b if c else d ))\ny = ((\n    s.commit()\n))\nz = [i for i in q if i]\n"
    tree = cst.parse_module(source)
    exact = MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)
    values = [assigned(tree, i) for i in range(3)]
    nodes = [cst.ensure_type(values[0], cst.Call).args[1].value, values[1], values[2]]
    positions = Positions(tree, source + "# x = f(a, ( b if c else d ))\n")  # not unique: offsets
    for node in nodes:
        assert positions.of(node) == exact[node]
    unique = Positions(tree, source)
    for node in nodes:
        assert unique.of(node) == exact[node]


HEADERS = """\
async def handler(items, session):
    if (a and
            b):
        pass
    elif c:
        pass
    for x in [y for y in items if y]:
        while {"k": 1}[x] if x else lambda: 0:
            break
    async for message in stream():
        if x: pass
    match x :
        case 1:
            pass
"""


def test_compound_statements_are_reported_by_their_header() -> None:
    import libcst as cst

    from archlint.engine.positions import Positions

    tree = cst.parse_module(HEADERS)
    lines = HEADERS.splitlines()
    positions = Positions(tree, HEADERS)
    found = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, cst.If | cst.For | cst.While | cst.Match):
                span = positions.of(node)
                text = "\n".join(lines[span.start.line - 1 : span.end.line])
                start = span.start.column
                end = len(text) - len(lines[span.end.line - 1]) + span.end.column
                found.append(text[start:end])
            return True

    tree.visit(Collect())
    assert found == [
        "if (a and\n            b):",
        "elif c:",
        "for x in [y for y in items if y]:",
        'while {"k": 1}[x] if x else lambda: 0:',
        "async for message in stream():",
        "if x:",
        "match x :",
    ]


def test_a_technically_layered_tree_is_read_by_layer_without_config(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "app/main.py": "",
        "app/db/session.py": "",
        "app/core/config.py": "",
        "app/api/v1/endpoints/orders.py": ROUTER_WITH_FINDINGS,
        "app/services/orders.py": "",
        "app/repositories/orders.py": "async def save(db):\n    await db.commit()\n",
        "app/models/order.py": "",
    }
    project = write(tmp_path, files)
    result = check(CheckOptions(paths=(project,)))
    assert (result.preset, result.preset_source) == ("by-layer", "detected")
    assert {(d.code, d.path) for d in result.diagnostics} == {
        ("RTR003", "app/api/v1/endpoints/orders.py"),
        ("RTR001", "app/api/v1/endpoints/orders.py"),
        ("REP001", "app/repositories/orders.py"),
    }


def test_run_from_inside_a_domain_without_config_finds_the_project_above(tmp_path: Path) -> None:
    project = write(
        tmp_path,
        {
            "backend/src/v1/orders/router.py": ROUTER_WITH_FINDINGS,
            "backend/src/v1/orders/service.py": "",
            "backend/src/v1/users/router.py": ROUTER_WITH_FINDINGS,
            "backend/src/v1/users/service.py": "",
        },
    )
    (project / ".git").mkdir()
    result = check(CheckOptions(paths=(project / "backend/src/v1/orders",), use_cache=False))
    assert {d.path for d in result.diagnostics} == {"backend/src/v1/orders/router.py"}
    assert result.preset == "layered-v1"
    assert result.preset_source == "detected"


def test_the_trigger_prefilter_changes_no_finding_on_any_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skipping libcst for files without a rule's trigger words is only a shortcut: every
    fixture gives the same findings with the prefilter on and off."""
    from archlint.engine import analyze
    from archlint.rules import FileRule

    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    projects = sorted(p.parent for p in fixtures.glob("**/pyproject.toml"))
    assert len(projects) > 20

    def findings() -> list[list[tuple[str, str, int | None, int | None]]]:
        return [
            [
                (d.code, d.path, d.line, d.column)
                for d in check(CheckOptions(paths=(p,), use_cache=False, jobs=1)).diagnostics
            ]
            for p in projects
        ]

    filtered = findings()
    skipped: list[str] = []
    original = analyze._may_report

    def spy(
        rule: type[FileRule[object]], source: bytes, extra: frozenset[str], options: object = None
    ) -> bool:
        if not original(rule, source, extra, options):
            skipped.append(rule.__name__)
        return True

    monkeypatch.setattr(analyze, "_may_report", spy)
    assert findings() == filtered
    assert skipped, "the prefilter skipped nothing: the comparison proves nothing"


def test_http_exception_words_follow_subclasses_and_aliases_across_files() -> None:
    from archlint.rules.http import HTTP_EXCEPTIONS
    from archlint.rules.words import subclass_words

    sources = [
        b"from fastapi import HTTPException\nclass DetailedHTTPException(HTTPException):\n    pass\n",
        b"from src.exceptions import DetailedHTTPException as Base\n"
        b"class NotFound(\n    Base,\n):\n    pass\n",
        b"from src import errors\nclass PostNotFound(errors.NotFound):\n    pass\nGone = errors.NotFound\n",
        b"class OrderError(Exception):\n    pass\nclass Unrelated(OrderError):\n    pass\n",
    ]
    words = subclass_words(sources, HTTP_EXCEPTIONS)
    assert words == {"HTTPException", "DetailedHTTPException", "Base", "NotFound", "PostNotFound", "Gone"}
