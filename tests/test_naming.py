"""LAY004 judges the names a module is imported by, and nothing else."""

from __future__ import annotations

from pathlib import Path

from archlint.engine import CheckOptions, check
from archlint.rules.naming import snake_case

BACKEND = {  # the source root is the project root, as in many small backends
    "pyproject.toml": '[tool.archlint]\npreset = "best-practices"\nroot = "."\n',
    "orders/router.py": "from orders import service\n",
    "orders/service.py": "def create():\n    return 1\n",
}


def lay004(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str]]:
    for name, text in {**BACKEND, **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    result = check(CheckOptions(paths=(tmp_path,), select=("LAY004",), use_cache=False))
    return [(d.path, d.message) for d in result.diagnostics]


def test_a_folder_of_scripts_run_from_inside_is_no_package(tmp_path: Path) -> None:
    # Scripts in dev/code-generation/ are run from there and import its ``utils`` package as
    # a top-level one: the folder is an import root, its name is part of no module name.
    files = {
        "dev/code-generation/generate.py": "from utils import render\n\nrender.page()\n",
        "dev/code-generation/utils/__init__.py": "",
        "dev/code-generation/utils/render.py": "def page():\n    return 1\n",
    }
    assert lay004(tmp_path, files) == []


def test_a_folder_that_is_part_of_module_names_is_judged(tmp_path: Path) -> None:
    files = {
        "dev-tools/__init__.py": "",
        "dev-tools/generate.py": "from orders import service\n",
        "orders/routes/OrderItems.py": "",
    }
    assert lay004(tmp_path, files) == [
        (
            "dev-tools/__init__.py",
            "package name 'dev-tools/' is not snake_case and cannot be imported: "
            "rename it to 'dev_tools/' and update its imports",
        ),
        (
            "orders/routes/OrderItems.py",
            "module name 'OrderItems.py' is not snake_case: rename it to 'order_items.py' and "
            "update its imports",
        ),
    ]


def test_snake_case_suggestions() -> None:
    assert snake_case("UserService") == "user_service"
    assert snake_case("HTTPClient") == "http_client"
    assert snake_case("getHTTPResponse2") == "get_http_response2"
    assert snake_case("order-items") == "order_items"
    assert snake_case("_Private") == "_private"
    assert snake_case("v1.2") == "v1_2"
    assert snake_case("2fa") is None
    assert snake_case("orders") is None  # already snake_case: nothing to suggest
