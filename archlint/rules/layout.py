"""Layout rules: domains hold the layer modules the layout declares, and nothing ad hoc."""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterator, Mapping

from archlint.core import (
    Diagnostic,
    FileSummary,
    Layout,
    LayoutMode,
    NoOptions,
    ProjectTree,
    Role,
    invalid_tree,
    valid_tree,
    vocabulary_match,
)
from archlint.rules.base import NO_SUMMARIES, ProjectRule
from archlint.rules.house import outliers


def layout_path(*parts: str) -> str:
    return posixpath.normpath(posixpath.join(*parts))


def _domain_name(tree: ProjectTree, domain: str) -> str:
    return "the source root" if domain == tree.source_root else f"domain '{domain}'"


def _role_of(name: str) -> Role | None:
    found = vocabulary_match(name)
    return found[0] if found else None


def suggest(layout: Layout, name: str) -> str | None:
    """The allowed name for the same layer (``services.py`` -> ``service.py``), or a close
    spelling of an allowed name; never a name of another layer."""
    role = _role_of(name)
    if role is not None:
        names = layout.roles.get(role)
        return names[0] if names else None
    allowed = sorted(layout.allowed_children - {"__init__.py"})
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.8)
    return close[0] if close else None


class UnexpectedModuleInDomain(ProjectRule[NoOptions]):
    """
    ## What it does
    Flags a module or package inside a domain whose name is not one the layout allows (its
    layer names plus `__init__.py`), and suggests the layout's name for the same layer:
    `services.py` -> did you mean `service.py`?; `repositories/` -> `crud/` in
    modular-monolith. That is when a preset is declared (`preset` in `[tool.archlint]` or
    `--preset`).

    When the layout is detected, archlint learns the team's own spelling instead: a name
    used by the domains consistently (`routes.py`, `repository.py`, `views.py`) is the house
    convention and is never reported. Only an outlier is: a domain that spells a layer
    differently from its peer domains (the other domains of its folder) when two or more
    peers, a third of them at least and twice as many as the outlier's spelling, agree.

    ## Why is this bad?
    Every extra name is a new place for code to hide. When one domain has `services.py`,
    another `service.py` and a third `helpers.py`, nobody can tell where a use case lives,
    and layer rules cannot tell which layer a file plays.

    ## Example
    ```text
    v1/orders/router.py
    v1/orders/services.py     <- unexpected
    v1/orders/repository.py
    ```

    Use instead:
    ```text
    v1/orders/router.py
    v1/orders/service.py
    v1/orders/repository.py
    ```

    ## Options
    None of its own: the allowed names are the layout's roles, extended in
    `[tool.archlint.layout]` (for example `roles.router = ["router.py", "endpoints.py"]`).

    ## Fix
    Rename the module to the layout's name for its layer, or move its code into the layer it
    belongs to. If the name is a deliberate convention, add it to the layout's roles.
    """

    code = "LAY001"
    name = "unexpected-module-in-domain"
    summary = "module or package inside a domain that the layout does not allow"
    tree_cases = (
        invalid_tree(
            "layered-v1",
            "backend/src/v1/orders/router.py",
            "backend/src/v1/orders/services.py",
            "backend/src/v1/orders/repository.py",
            flagged=("backend/src/v1/orders/services.py",),
        ),
        invalid_tree(
            "modular-monolith",
            "app/orders/routes/__init__.py",
            "app/orders/services/__init__.py",
            "app/orders/repositories/__init__.py",
            "app/orders/repositories/orders.py",
            flagged=("app/orders/repositories",),
        ),
        invalid_tree(
            "domain-routers",
            "backend/package/routers/users/__init__.py",
            "backend/package/routers/users/endpoint.py",
            "backend/package/routers/users/services.py",
            "backend/package/routers/users/interface.py",
            "backend/package/routers/users/database.py",
            "backend/package/routers/users/helpers.py",
            flagged=("backend/package/routers/users/helpers.py",),
        ),
        valid_tree(
            "layered-v1",
            "backend/src/v1/orders/__init__.py",
            "backend/src/v1/orders/router.py",
            "backend/src/v1/orders/dependencies.py",
            "backend/src/v1/orders/service.py",
            "backend/src/v1/orders/repository.py",
            "backend/src/v1/orders/schemas.py",
            "backend/src/v1/orders/tasks.py",
            "backend/src/v1/orders/constants.py",
            "backend/src/v1/orders/exceptions.py",
        ),
        valid_tree(
            "layered-v1",
            "backend/src/v1/router.py",
            "backend/src/v1/orders/router.py",
            "backend/src/core/anything_goes.py",
            "backend/src/services/email.py",
        ),
        valid_tree(
            "best-practices",
            "src/auth/router.py",
            "src/auth/service.py",
            "src/auth/utils.py",
            "src/aws/client.py",
            "src/aws/config.py",
            "src/main.py",
        ),
        # Detected layouts: the house spelling is the team's convention, outliers are not.
        invalid_tree(
            None,
            "src/orders/routes.py",
            "src/orders/repository.py",
            "src/users/routes.py",
            "src/users/repository.py",
            "src/billing/routes.py",
            "src/billing/repository.py",
            "src/shipping/endpoints.py",
            "src/shipping/repository.py",
            flagged=("src/shipping/endpoints.py",),
        ),
        valid_tree(
            None,
            "src/orders/routes.py",
            "src/orders/repository.py",
            "src/orders/pricing.py",
            "src/users/routes.py",
            "src/users/repository.py",
            "src/billing/routes/__init__.py",
            "src/billing/routes/invoices.py",
            "src/billing/repository.py",
            "src/billing/refund_service.py",
        ),
    )

    def check(
        self, tree: ProjectTree, options: NoOptions, summaries: Mapping[str, FileSummary] = NO_SUMMARIES
    ) -> Iterator[Diagnostic]:
        if tree.mode is LayoutMode.DETECTED:
            yield from self._outliers(tree)
            return
        layout = tree.layout
        allowed = layout.allowed_children
        for domain, names in sorted(tree.domain_children().items()):
            for child in sorted(c for c in names if not layout.allows(c)):
                hint = suggest(layout, child)
                advice = f"did you mean '{hint}'?" if hint else "move it into a layer module"
                yield Diagnostic(
                    code=self.code,
                    rule=self.name,
                    path=layout_path(domain, child.rstrip("/")),
                    message=(
                        f"unexpected {'package' if child.endswith('/') else 'module'} "
                        f"'{child}' in {_domain_name(tree, domain)}: {advice} "
                        f"({layout.name} allows {', '.join(sorted(allowed))})"
                    ),
                )

    def _outliers(self, tree: ProjectTree) -> Iterator[Diagnostic]:
        for outlier in outliers(tree):
            kind = "package" if outlier.child.endswith("/") else "module"
            yield Diagnostic(
                code=self.code,
                rule=self.name,
                path=layout_path(outlier.domain, outlier.child.rstrip("/")),
                message=(
                    f"{outlier.role.value} {kind} '{outlier.child}' in domain "
                    f"'{outlier.domain}': {outlier.house_count} of {outlier.domains} domains "
                    f"spell this layer '{outlier.house}'; did you mean '{outlier.house}'?"
                ),
            )


class MissingLayerModule(ProjectRule[NoOptions]):
    """
    ## What it does
    Flags a domain that lacks a layer module the layout requires (its `required` list):
    `router.py` and `service.py` in layered-v1, `router.py` in best-practices (integration
    packages holding a `client.py` are exempt), `routes/` and `services/` in
    modular-monolith, and exactly `endpoint.py`, `services.py`, `interface.py` and
    `database.py` in domain-routers. A layer present under another name is LAY001's
    finding, not a second one. Only declared presets require layers: a detected layout
    leaves which layers a domain needs to the team.

    ## Why is this bad?
    A domain without its service layer pushes that logic somewhere else, usually into the
    router; a domain without a router is dead code or routes mounted from another domain.

    ## Example
    ```text
    routers/billing/__init__.py
    routers/billing/endpoint.py
    routers/billing/services.py
    routers/billing/database.py     <- interface.py is missing
    ```

    Use instead: add `routers/billing/interface.py` holding the domain's schemas.

    ## Options
    None of its own: the list is the layout's `required` (`[tool.archlint.layout] required`).

    ## Fix
    Create the missing module and move the code that plays that layer into it.
    """

    code = "LAY002"
    name = "missing-layer-module"
    summary = "domain is missing a layer module the layout requires"
    tree_cases = (
        invalid_tree(
            "domain-routers",
            "backend/package/routers/billing/__init__.py",
            "backend/package/routers/billing/endpoint.py",
            "backend/package/routers/billing/services.py",
            "backend/package/routers/billing/database.py",
            flagged=("backend/package/routers/billing",),
        ),
        invalid_tree(
            "layered-v1",
            "backend/src/v1/orders/router.py",
            "backend/src/v1/orders/service.py",
            "backend/src/v1/users/router.py",
            "backend/src/v1/users/repository.py",
            flagged=("backend/src/v1/users",),
        ),
        # One mistake, one finding: services.py is LAY001's, so service.py is not missing too.
        valid_tree(
            "layered-v1",
            "backend/src/v1/orders/router.py",
            "backend/src/v1/orders/services.py",
        ),
        # A detected layout requires nothing: a domain without a router is the team's call.
        valid_tree(
            None,
            "src/orders/router.py",
            "src/orders/service.py",
            "src/users/router.py",
            "src/users/service.py",
            "src/notifications/service.py",
            "src/notifications/repository.py",
        ),
        invalid_tree(
            "modular-monolith",
            "app/orders/routes/__init__.py",
            "app/orders/crud/__init__.py",
            flagged=("app/orders",),
        ),
        valid_tree(
            "best-practices",
            "src/posts/router.py",
            "src/aws/client.py",
            "src/aws/schemas.py",
        ),
        valid_tree(
            "modular-monolith",
            "app/orders/routes/orders.py",
            "app/orders/services/orders.py",
            "app/core/settings.py",
        ),
        valid_tree(
            "domain-routers",
            "backend/package/routers/users/__init__.py",
            "backend/package/routers/users/endpoint.py",
            "backend/package/routers/users/services.py",
            "backend/package/routers/users/interface.py",
            "backend/package/routers/users/database.py",
        ),
    )

    def check(
        self, tree: ProjectTree, options: NoOptions, summaries: Mapping[str, FileSummary] = NO_SUMMARIES
    ) -> Iterator[Diagnostic]:
        if tree.mode is not LayoutMode.DECLARED:
            return  # a detected layout learns the team's layers; it requires none of its own
        layout = tree.layout
        for domain, names in sorted(tree.domain_children().items()):
            if any(marker in names for marker in layout.exempt_markers):
                continue
            # A required layer present under another name is LAY001's finding, not a second one.
            misnamed = {_role_of(n) for n in names if not layout.allows(n)} - {None}
            missing = [
                name
                for name in layout.required
                if name not in names and layout.role_of_child(name) not in misnamed
            ]
            if missing:
                yield Diagnostic(
                    code=self.code,
                    rule=self.name,
                    path=domain,
                    message=(
                        f"{_domain_name(tree, domain)} has no {', '.join(repr(m) for m in missing)}: "
                        f"every {layout.name} domain needs {', '.join(layout.required)}"
                    ),
                )
