"""How archlint reads a backend with no config: import roots, roles, domains, presets, `layout`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archlint.cli import app
from archlint.core import LayoutMode, Role
from archlint.engine import CheckOptions, check, read_layout
from archlint.layouts import PRESETS, FolderIndex, find_import_roots
from archlint.layouts.domains import detect_domains

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden" / "layout"
SHAPES = sorted(p.name for p in (FIXTURES / "shapes").iterdir() if p.is_dir())
runner = CliRunner()


def all_fixtures() -> list[Path]:
    found = [*FIXTURES.glob("*/*/pyproject.toml"), *FIXTURES.glob("shapes/*/*/pyproject.toml")]
    return sorted(p.parent for p in found)


def _id(project: Path) -> str:
    return project.relative_to(FIXTURES).as_posix()


# --- the role vocabulary ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "role", "matched"),
    [
        ("auth/sso/endpoints.py", Role.ROUTER, "endpoints.py"),
        ("orders/crud/items.py", Role.REPOSITORY, "crud/"),
        ("db/postgres/user/user_repository.py", Role.REPOSITORY, "*_repository.py"),
        ("app/api/routes/users.py", Role.ROUTER, "routes/"),
        ("app/api/deps.py", Role.DEPENDENCIES, "deps.py"),
        ("app/api/routes/utils.py", Role.ROUTER, "routes/"),
        ("app/services/email_service.py", Role.SERVICE, "*_service.py"),
        ("app/crud.py", Role.REPOSITORY, "crud.py"),
        ("src/services.py", Role.SERVICE, "services.py"),
        ("app/views.py", Role.ROUTER, "views.py"),
        ("app/tests/api/test_users.py", Role.TESTS, "tests"),
        ("orders/routes/__init__.py", Role.ROUTER, "routes/"),
    ],
)
def test_a_file_takes_the_role_of_the_nearest_name_on_its_path(path: str, role: Role, matched: str) -> None:
    assert PRESETS["by-layer"].match(path.split("/")) == (role, matched)


@pytest.mark.parametrize("path", ["app/main.py", "app/core/db.py", "orders/pricing.py", "app/__init__.py"])
def test_names_outside_the_vocabulary_have_no_role(path: str) -> None:
    assert PRESETS["by-layer"].match(path.split("/")) is None


def test_a_presets_own_names_come_before_the_vocabulary() -> None:
    # database.py is the data layer where domain-routers says so, and nothing elsewhere.
    assert PRESETS["domain-routers"].match(["database.py"]) == (Role.REPOSITORY, "database.py")
    assert PRESETS["by-layer"].match(["database.py"]) is None


# --- the import root ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "imports", "roots"),
    [
        ({"backend/src/orders/service.py"}, "from src.orders import service\n", ("backend",)),
        ({"backend/app/crud.py"}, "from app import crud\nimport app.crud\n", ("backend",)),
        ({"server/shop/cart/service.py"}, "from shop.cart.service import CartService\n", ("server",)),
        ({"app/orders/service.py"}, "from .service import x\nimport os\n", ()),
        # A folder named like the standard library (core/logging.py) is not a root.
        ({"app/core/logging.py", "app/main.py"}, "import logging\nfrom app.core import x\n", (".",)),
        # A sub-package named like a third-party library stays inside its package.
        (
            {"server/polar/integrations/github/client.py", "server/polar/auth/service.py"},
            "from polar.auth import service\nimport github\nfrom github import Github\n",
            ("server",),
        ),
    ],
)
def test_import_roots_come_from_the_projects_own_absolute_imports(
    files: set[str], imports: str, roots: tuple[str, ...]
) -> None:
    paths = sorted({*files, "importer.py"})
    sources = {p: b"" for p in paths}
    sources["importer.py"] = imports.encode()
    assert find_import_roots(paths, sources) == roots


# --- domains from the shape of the tree ---------------------------------------------------------


def _domains(*files: str) -> tuple[str, ...]:
    return detect_domains(FolderIndex(files), PRESETS["by-layer"])


def test_sibling_folders_holding_layers_are_domains() -> None:
    assert _domains(
        "src/orders/router.py",
        "src/orders/service.py",
        "src/users/routes.py",
        "src/users/repository.py",
        "src/core/config.py",
    ) == ("src/orders", "src/users")


def test_a_lone_layered_package_is_technically_layered_not_a_domain() -> None:
    assert _domains("app/api/routes/users.py", "app/api/deps.py", "app/crud.py", "app/models.py") == ()


def test_nested_areas_and_sub_domains() -> None:
    assert _domains(
        "src/v1/sales/orders/router.py",
        "src/v1/sales/orders/service.py",
        "src/v1/sales/quotes/router.py",
        "src/v1/sales/quotes/service.py",
        "src/v1/accounts/users/router.py",
        "src/v1/accounts/users/service.py",
        "src/v1/accounts/users/roles/router.py",
        "src/v1/accounts/users/roles/service.py",
    ) == (
        "src/v1/accounts/users",
        "src/v1/accounts/users/roles",
        "src/v1/sales/orders",
        "src/v1/sales/quotes",
    )


def test_shared_toolkits_and_layer_packages_are_never_domains() -> None:
    assert _domains(
        "server/polar/orders/endpoints.py",
        "server/polar/orders/service.py",
        "server/polar/users/endpoints.py",
        "server/polar/users/service.py",
        "server/polar/kit/services.py",
        "server/polar/kit/repository.py",
        "server/polar/services/email_service.py",
        "server/polar/services/schemas.py",
    ) == ("server/polar/orders", "server/polar/users")


def test_a_domain_named_like_a_layer_is_still_a_domain() -> None:
    # dispatch's on-call "service" entity: views.py + service.py + models.py, among domains.
    assert _domains(
        "src/dispatch/incident/views.py",
        "src/dispatch/incident/service.py",
        "src/dispatch/service/views.py",
        "src/dispatch/service/service.py",
        "src/dispatch/service/models.py",
    ) == ("src/dispatch/incident", "src/dispatch/service")


def test_a_lone_domain_under_a_domain_container_is_a_domain() -> None:
    assert _domains("backend/src/v1/orders/router.py", "backend/src/v1/orders/service.py") == (
        "backend/src/v1/orders",
    )


# --- what a run reads, whatever folder is named -------------------------------------------------


SHAPE_LAYOUTS = {
    "db-entities": ("by-layer", LayoutMode.DETECTED),
    "house-spelling": ("layered-v1", LayoutMode.DETECTED),
    "nested-areas": ("layered-v1", LayoutMode.DETECTED),
    "own-contracts": ("layered-v1", LayoutMode.DETECTED),
    "shop-server": ("layered-v1", LayoutMode.DETECTED),
    "sub-packages": ("modular-monolith", LayoutMode.DETECTED),
    "template": ("by-layer", LayoutMode.DETECTED),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_is_read_as_its_layout(shape: str) -> None:
    for variant in ("clean", "violating"):
        tree, _ = read_layout(CheckOptions(paths=(FIXTURES / "shapes" / shape / variant,)))
        assert (tree.layout.name, tree.mode) == SHAPE_LAYOUTS[shape]


def _scopes(project: Path) -> list[Path]:
    """The folders a user may name: the project, its backend folder, the import roots and the
    source root."""
    tree, _ = read_layout(CheckOptions(paths=(project,)))
    folders = {project}
    tops = {m.path.split("/")[0] for m in tree.modules if "/" in m.path}
    if len(tops) == 1:
        folders.add(project / tops.pop())
    for folder in (*tree.import_roots, tree.source_root):
        folders.add(project / folder)
    return sorted(folders)


@pytest.mark.parametrize("project", all_fixtures(), ids=_id)
def test_findings_do_not_depend_on_the_folder_named(project: Path) -> None:
    whole = check(CheckOptions(paths=(project,), use_cache=False)).diagnostics
    for scope in _scopes(project)[1:]:
        rel = scope.relative_to(project).as_posix()
        named = check(CheckOptions(paths=(scope,), use_cache=False)).diagnostics
        assert named == tuple(d for d in whole if d.path == rel or d.path.startswith(rel + "/")), rel


def test_naming_a_folder_caches_under_the_project_root(tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "shop"
    shutil.copytree(FIXTURES / "shapes" / "shop-server" / "violating", project)
    check(CheckOptions(paths=(project / "server" / "shop" / "cart",)))
    assert (project / ".archlint_cache").is_dir()
    assert not list((project / "server").rglob(".archlint_cache"))


def test_a_tree_whose_domains_fit_no_preset_runs_layer_rules_by_name(tmp_path: Path) -> None:
    for domain in ("orders", "users"):
        folder = tmp_path / "app" / domain
        folder.mkdir(parents=True)
        (folder / "views.py").write_text("")
        (folder / "dal.py").write_text("async def save(db):\n    await db.commit()\n")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    result = check(CheckOptions(paths=(tmp_path,), use_cache=False))
    assert [(d.code, d.path, d.line) for d in result.diagnostics] == [
        ("REP001", "app/orders/dal.py", 2),
        ("REP001", "app/users/dal.py", 2),
    ]
    assert "no preset matched; layer rules ran on 4 files recognised by name" in result.layout_note


def test_alembic_migrations_are_skipped_wherever_they_live(tmp_path: Path) -> None:
    files = {
        "app/orders/router.py": "",
        "app/orders/service.py": "",
        "app/users/router.py": "",
        "app/users/service.py": "",
        "db/env.py": "def broken(:\n",
        "db/versions/0001_init.py": "def broken(:\n",
        "app/revisions/0002.py": "def broken(:\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    result = check(CheckOptions(paths=(tmp_path,), use_cache=False))
    assert [d.path for d in result.diagnostics] == ["db/env.py"]  # env.py itself is linted


# --- archlint layout ----------------------------------------------------------------------------

GOLDEN_FIXTURES = [
    *(FIXTURES / "shapes" / shape / "violating" for shape in SHAPES),
    *(FIXTURES / preset / "clean" for preset in PRESETS if preset != "by-layer"),
]


@pytest.mark.parametrize("project", GOLDEN_FIXTURES, ids=_id)
def test_layout_json_matches_its_golden_file(project: Path) -> None:
    result = runner.invoke(app, ["layout", str(project), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document.pop("project_root") == str(project)
    golden = GOLDEN / (_id(project).replace("/", "--") + ".json")
    text = json.dumps(document, indent=2) + "\n"
    if os.environ.get("ARCHLINT_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
    assert text == golden.read_text(), f"{golden.name} differs; ARCHLINT_UPDATE_GOLDEN=1 rewrites it"


def test_layout_text_names_the_layout_the_import_root_and_each_role() -> None:
    project = FIXTURES / "shapes" / "shop-server" / "violating"
    result = runner.invoke(app, ["layout", str(project)], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "layout layered-v1 (detected)" in result.stdout
    assert "import roots: server" in result.stdout
    assert "endpoints.py  router (matched endpoints.py)" in result.stdout
    assert "db.py  no role" in result.stdout


def test_layout_shows_a_tree_without_layers_that_check_refuses(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "config.py").write_text("DEBUG = True\n")
    result = runner.invoke(app, ["layout", str(tmp_path)], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "config.py  config (matched config.py)" in result.stdout
    assert "no file plays a layer role" in result.stdout
    refused = runner.invoke(app, ["check", str(tmp_path)])
    assert refused.exit_code == 2
    assert "plays a layer role" in refused.output


# --- declared layouts ---------------------------------------------------------------------------


def _project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


COMMITS = "async def save(db, row):\n    db.add(row)\n    await db.commit()\n"


def test_config_roles_accept_globs(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "pyproject.toml": (
                '[tool.archlint]\npreset = "layered-v1"\n'
                '[tool.archlint.layout]\nroles.repository = ["*_store.py"]\n'
                'required = ["router.py"]\n'
            ),
            "backend/src/v1/orders/router.py": "",
            "backend/src/v1/orders/order_store.py": COMMITS,
        },
    )
    result = check(CheckOptions(paths=(project,), use_cache=False))
    assert [(d.code, d.path, d.line) for d in result.diagnostics] == [
        ("REP001", "backend/src/v1/orders/order_store.py", 3)
    ]


@pytest.mark.parametrize("pattern", ["v1/*/*", "**"])
def test_declared_domains_may_be_nested_or_recursive(tmp_path: Path, pattern: str) -> None:
    project = _project(
        tmp_path,
        {
            "pyproject.toml": (
                f'[tool.archlint]\npreset = "layered-v1"\n[tool.archlint.layout]\ndomains = ["{pattern}"]\n'
            ),
            "backend/src/v1/sales/orders/router.py": "",
            "backend/src/v1/sales/orders/service.py": "",
            "backend/src/v1/sales/orders/helpers.py": "",
            "backend/src/v1/accounts/users/router.py": "",
            "backend/src/v1/accounts/users/service.py": "",
        },
    )
    tree, _ = read_layout(CheckOptions(paths=(project,)))
    assert tree.domains == ("backend/src/v1/accounts/users", "backend/src/v1/sales/orders")
    result = check(CheckOptions(paths=(project,), use_cache=False))
    assert [(d.code, d.path) for d in result.diagnostics] == [
        ("LAY001", "backend/src/v1/sales/orders/helpers.py")
    ]


def test_did_you_mean_names_only_the_same_layer(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "pyproject.toml": '[tool.archlint]\npreset = "best-practices"\n',
            "src/orders/router.py": "",
            "src/orders/services.py": "",
            "src/orders/repository.py": "",
        },
    )
    messages = {d.path: d.message for d in check(CheckOptions(paths=(project,), use_cache=False)).diagnostics}
    assert "did you mean 'service.py'?" in messages["src/orders/services.py"]
    # best-practices has no data layer: a repository is not a misspelt service.
    assert "did you mean" not in messages["src/orders/repository.py"]
    assert "move it into a layer module" in messages["src/orders/repository.py"]


def test_a_detected_preset_says_which_rules_its_defaults_leave_off(tmp_path: Path) -> None:
    raises = "from fastapi import HTTPException\ndef get(x):\n    raise HTTPException(404)\n"
    files = {"pyproject.toml": "[project]\nname = 'x'\n"}
    for domain in ("posts", "users"):
        files[f"src/{domain}/router.py"] = ""
        files[f"src/{domain}/service.py"] = raises
        files[f"src/{domain}/schemas.py"] = ""
    project = _project(tmp_path, files)
    result = check(CheckOptions(paths=(project,), use_cache=False))
    assert (result.preset, result.layout_mode, result.diagnostics) == ("best-practices", "detected", ())
    # SVC003 needs a data layer, which this project has not: it is not worth mentioning.
    assert "best-practices was detected, and its defaults leave SVC001, SVC002 off" in result.layout_note
    pinned = check(CheckOptions(paths=(project,), use_cache=False, extend_select=("SVC001",)))
    assert [(d.code, d.path, d.line) for d in pinned.diagnostics] == [
        ("SVC001", "src/posts/service.py", 3),
        ("SVC001", "src/users/service.py", 3),
    ]
