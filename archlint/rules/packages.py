"""LAY003: technical-concern packages next to the domains, which split every domain in two."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from archlint.core import (
    Diagnostic,
    FileSummary,
    LayoutMode,
    NoOptions,
    ProjectTree,
    inside,
    invalid_tree,
    valid_tree,
)
from archlint.rules.base import NO_SUMMARIES, ProjectRule
from archlint.rules.house import split_folders
from archlint.rules.layout import layout_path


class AdHocTopLevelPackage(ProjectRule[NoOptions]):
    """
    ## What it does
    Flags a top-level package under the source root that is neither a domain (or the folder
    holding the domains, like `v1/` or `routers/`) nor a declared shared package: typically a
    technical-concern folder such as `controllers/` or `handlers/` holding one file per domain.

    When the layout is detected, only a package named for a layer (`controllers/`,
    `services/`, `repositories/` ...) next to the domains is flagged, when it holds modules
    named after two or more domains while most domains keep that layer inside themselves.
    Shared `models/` or `schemas/` packages are a common convention and never flagged.

    ## Why is this bad?
    Grouping code by technical concern next to domain packages splits every domain in two:
    half of `orders` lives in `v1/orders/`, the other half in `controllers/orders.py`, and
    the layer rules cannot see which layer that code plays.

    ## Example
    ```text
    src/v1/orders/...
    src/controllers/orders.py     <- ad hoc
    src/controllers/users.py
    ```

    Use instead: move `controllers/orders.py` into `v1/orders/` under the layout's name for
    its layer.

    ## Options
    None of its own: declare genuinely shared packages in `[tool.archlint.layout] shared`.

    ## Fix
    Move each module into the domain it serves, or, if the package is shared infrastructure,
    add it to the layout's `shared` list.
    """

    code = "LAY003"
    name = "ad-hoc-top-level-package"
    summary = "top-level package that is neither a domain nor declared shared"
    tree_cases = (
        invalid_tree(
            "best-practices",
            "src/users/router.py",
            "src/controllers/users.py",
            "src/controllers/orders.py",
            flagged=("src/controllers",),
        ),
        invalid_tree(
            "layered-v1",
            "backend/src/v1/orders/router.py",
            "backend/src/helpers/dates.py",
            flagged=("backend/src/helpers",),
        ),
        invalid_tree(
            "modular-monolith",
            "app/orders/routes/orders.py",
            "app/handlers/orders.py",
            flagged=("app/handlers",),
        ),
        valid_tree(
            "layered-v1",
            "backend/src/v1/orders/router.py",
            "backend/src/core/db.py",
            "backend/src/models/order.py",
            "backend/src/schemas/page.py",
            "backend/src/services/email.py",
        ),
        valid_tree(
            "best-practices",
            "src/posts/router.py",
            "src/aws/client.py",
            "src/database.py",
        ),
        valid_tree(
            "domain-routers",
            "backend/package/routers/users/endpoint.py",
            "backend/package/core/config.py",
            "backend/main.py",
        ),
        invalid_tree(
            None,
            "src/orders/router.py",
            "src/orders/service.py",
            "src/users/router.py",
            "src/users/service.py",
            "src/controllers/orders.py",
            "src/controllers/users.py",
            flagged=("src/controllers",),
        ),
        valid_tree(
            None,
            "src/orders/router.py",
            "src/orders/service.py",
            "src/users/router.py",
            "src/users/service.py",
            "src/models/orders.py",
            "src/models/users.py",
            "src/core/users.py",
        ),
    )

    def check(
        self, tree: ProjectTree, options: NoOptions, summaries: Mapping[str, FileSummary] = NO_SUMMARIES
    ) -> Iterator[Diagnostic]:
        if tree.mode is LayoutMode.DETECTED:
            yield from self._split_folders(tree)
            return
        layout = tree.layout
        if not layout.domains:
            return  # a layout by technical concern (by-layer) has no domains to stray from
        if tree.source_root in tree.domains:
            return  # every top-level package is part of the one domain: LAY001's business
        known = {name.rstrip("/").split("/")[0] for name in layout.shared}
        known.update(p.split("/")[0] for p in layout.domains if not any(c in p for c in "*?["))
        known.update(rel.split("/")[0] for d in tree.domains if (rel := inside(d, tree.source_root)))
        for package in tree.top_level_packages:
            if package in known or package.startswith((".", "_")):
                continue
            yield Diagnostic(
                code=self.code,
                rule=self.name,
                path=layout_path(tree.source_root, package),
                message=(
                    f"ad-hoc top-level package '{package}/': it is neither a domain nor a shared "
                    f"package of {layout.name}; move its modules into their domains, or declare "
                    "it in [tool.archlint.layout] shared"
                ),
            )

    def _split_folders(self, tree: ProjectTree) -> Iterator[Diagnostic]:
        for split in split_folders(tree):
            yield Diagnostic(
                code=self.code,
                rule=self.name,
                path=split.folder,
                message=(
                    f"ad-hoc package '{split.folder}/' holds the {split.role.value} modules of "
                    f"domains {', '.join(split.domains)}, while {split.holding} of "
                    f"{len(tree.domains)} domains keep that layer inside the domain; move each "
                    "module into its domain"
                ),
            )
