"""LAY004: module and package names under the source root are snake_case."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from archlint.core import (
    Diagnostic,
    FileSummary,
    LayoutMode,
    ModuleInfo,
    NoOptions,
    ProjectTree,
    inside,
    invalid_tree,
    is_test_path,
    valid_tree,
)
from archlint.rules.base import NO_SUMMARIES, ProjectRule
from archlint.rules.layout import layout_path

_SNAKE = re.compile(r"[a-z_][a-z0-9_]*")
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[^0-9A-Za-z_]+")


def snake_case(name: str) -> str | None:
    """``name`` in snake_case (``UserService`` -> ``user_service``, ``order-items`` ->
    ``order_items``, ``HTTPClient`` -> ``http_client``), or None when there is no importable
    spelling to suggest (a leading digit)."""
    words = _SEPARATORS.sub("_", _WORD_BREAK.sub("_", name)).lower()
    leading = len(name) - len(name.lstrip("_"))
    suggestion = "_" * leading + re.sub(r"_+", "_", words).strip("_")
    return suggestion if _SNAKE.fullmatch(suggestion) and suggestion != name else None


def _migration(parts: list[str], stem: str) -> bool:
    """An Alembic revision (``versions/2024_01_02-add_users.py``) that discovery kept because
    its ``env.py`` lives elsewhere: its name is generated, not chosen."""
    return stem[:1].isdigit() and "versions" in parts[:-1]


def _named(module: ModuleInfo) -> list[tuple[str, str, bool]]:
    """(path, name, is a module) of each file and folder whose name is part of the module's
    dotted name: the folders above the import root (``dev/code-generation/`` holding scripts
    run from there) are no package names, and neither is anything under a hidden folder."""
    parts = module.path.split("/")
    if any(part.startswith(".") for part in parts):
        return []
    is_package = parts[-1] == "__init__.py"
    names = parts[:-1] if is_package else [*parts[:-1], parts[-1].removesuffix(".py")]
    dotted = module.module
    count = 0
    for name in reversed(names):
        if dotted != name and not dotted.endswith("." + name):
            break
        count += 1
        dotted = dotted[: -len(name) - 1]
        if not dotted:
            break
    found = []
    for index in range(len(names) - count, len(names)):
        is_module = index == len(names) - 1 and not is_package
        found.append(("/".join(parts[: index + 1]), parts[index], is_module))
    return found


class ModuleNameNotSnakeCase(ProjectRule[NoOptions]):
    """
    ## What it does
    Flags a module or package under the source root whose name is not snake_case: lowercase
    letters, digits and underscores, not starting with a digit (`UserService.py`,
    `order-items.py`, `Orders/`). The message suggests the snake_case spelling.

    Only the names a module is imported by are judged: not the folders above its import root
    (`dev/code-generation/` holding scripts that run from there and import each other as
    top-level modules), nor files outside the source root (scripts, docs). Nor test code
    (`tests/`, `test_*.py`, `conftest.py`), hidden folders, migrations (skipped wherever they live, as are
    generated Alembic revisions such as `versions/2024_01_02-add_users.py`), and, under a
    declared preset, a domain's own modules that the layout does not allow: LAY001 reports
    those and names the layer module to use, one finding for one mistake. `__init__.py`,
    `__main__.py` and `_private.py` are snake_case.

    ## Why is this bad?
    A module name is how every other file imports it. `order-items.py` cannot be imported at
    all; `UserService.py` reads like a class, collides with the class it holds in searches,
    and breaks on case-insensitive file systems the day someone writes `userservice`. PEP 8
    asks for short, all-lowercase module names, and tools across the ecosystem expect them.

    ## Example
    ```text
    src/core/HTTPClient.py
    src/orders/routes/order-items.py
    ```

    Use instead:
    ```text
    src/core/http_client.py
    src/orders/routes/order_items.py
    ```

    ## Options
    None. Silence a vendored or generated folder with `per-file-ignores`
    (`"src/vendor" = ["LAY004"]`).

    ## Fix
    Rename the module or package to the suggested name and update its imports
    (`git mv` keeps the history).
    """

    code = "LAY004"
    name = "module-name-not-snake-case"
    summary = "module or package name is not snake_case"
    tree_cases = (
        invalid_tree(
            "layered-v1",
            "backend/src/v1/orders/router.py",
            "backend/src/v1/orders/service.py",
            "backend/src/core/dbSession.py",
            flagged=("backend/src/core/dbSession.py",),
        ),
        invalid_tree(
            "best-practices",
            "src/UserProfiles/router.py",
            "src/UserProfiles/service.py",
            "src/orders/router.py",
            flagged=("src/UserProfiles",),
        ),
        invalid_tree(
            "modular-monolith",
            "app/orders/routes/__init__.py",
            "app/orders/routes/order-items.py",
            "app/orders/services/__init__.py",
            "app/orders/services/2fa.py",
            flagged=("app/orders/routes/order-items.py", "app/orders/services/2fa.py"),
        ),
        invalid_tree(
            None,
            "src/orders/router.py",
            "src/orders/service.py",
            "src/users/router.py",
            "src/users/service.py",
            "src/core/HTTPClient.py",
            flagged=("src/core/HTTPClient.py",),
        ),
        valid_tree(
            "layered-v1",
            "backend/src/__main__.py",
            "backend/src/_version.py",
            "backend/src/v1/__init__.py",
            "backend/src/v1/orders/router.py",
            "backend/src/v1/oauth2/router.py",
            "backend/src/v1/orders/tests/test_OrderFlow.py",
            "backend/src/tests/conftest.py",
            "backend/src/alembic/versions/0001_initial.py",
            "backend/src/db/migrations/0002_add_users.py",
            "backend/src/db/versions/2024_01_02-add_users.py",
        ),
        valid_tree(
            "layered-v1",
            "backend/src/v1/orders/router.py",
            "backend/src/v1/orders/OrderService.py",
            "scripts/seed-db.py",
            "docs/conf.py",
            "backend/src/.ipynb_checkpoints/Report-checkpoint.py",
        ),
        valid_tree(
            "domain-routers",
            "backend/main.py",
            "backend/package/routers/users/__init__.py",
            "backend/package/routers/users/endpoint.py",
            "backend/package/core/auth_middleware.py",
        ),
    )

    def check(
        self, tree: ProjectTree, options: NoOptions, summaries: Mapping[str, FileSummary] = NO_SUMMARIES
    ) -> Iterator[Diagnostic]:
        unexpected: set[str] = set()  # LAY001's findings: domain children the layout does not allow
        if tree.mode is LayoutMode.DECLARED:
            for domain, children in tree.domain_children().items():
                unexpected.update(
                    layout_path(domain, c.rstrip("/")) for c in children if not tree.layout.allows(c)
                )
        seen: set[str] = set()
        for module in tree.modules:
            parts = module.path.split("/")
            if inside(module.path, tree.source_root) is None or is_test_path(parts):
                continue
            for path, name, is_module in _named(module):
                if path in seen:
                    continue
                seen.add(path)
                stem = name.removesuffix(".py")
                if _SNAKE.fullmatch(stem) or path in unexpected or (is_module and _migration(parts, stem)):
                    continue
                yield self._finding(path, name, stem, is_module)

    def _finding(self, path: str, name: str, stem: str, is_module: bool) -> Diagnostic:
        kind, shown = ("module", name) if is_module else ("package", f"{name}/")
        importable = "" if stem.isidentifier() else " and cannot be imported"
        suggestion = snake_case(stem)
        if suggestion is None:
            advice = "use lowercase letters, digits and underscores, not starting with a digit"
        else:
            renamed = f"{suggestion}.py" if is_module else f"{suggestion}/"
            advice = f"rename it to '{renamed}' and update its imports"
        return Diagnostic(
            code=self.code,
            rule=self.name,
            path=path,
            message=f"{kind} name '{shown}' is not snake_case{importable}: {advice}",
        )
