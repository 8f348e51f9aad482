"""Detection: which preset a tree with no declared layout follows, and how well."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from archlint.core import DEFINING_ROLES, Layout, LayoutMode, ProjectTree, Role, UsageError
from archlint.layouts.classify import classify
from archlint.layouts.domains import FolderIndex, detect_domains
from archlint.layouts.presets import PRESETS

BY_LAYER = "by-layer"
DOMAIN_PRESETS = tuple(name for name in PRESETS if name != BY_LAYER)
# On a tie, flat domains without a data layer are best-practices' (layered-v1 wins by its
# v1/ container or its repository.py, which rule best-practices out).
_TIE_ORDER = ("best-practices", "layered-v1", "modular-monolith", "domain-routers")


def _fixed_segments(layout: Layout) -> set[str]:
    """The literal folder names of a layout's domain globs (``v1``, ``routers``)."""
    return {
        segment
        for pattern in layout.domains
        for segment in pattern.split("/")
        if segment and not any(ch in segment for ch in "*?[")
    }


def score(layout: Layout, index: FolderIndex, domains: Sequence[str]) -> int:
    """How many of the domains' children carry the layout's own names, plus a bonus for each
    domain under the layout's own container (``v1/``, ``routers/``)."""
    fixed = _fixed_segments(layout)
    total = 0
    for domain in domains:
        total += sum(1 for child in index.children.get(domain, ()) if layout.role_of_child(child))
        if fixed & set(domain.split("/")):
            total += 2
    return total


def _has_data_layer(index: FolderIndex, domains: Sequence[str]) -> bool:
    return any(Role.REPOSITORY in index.roles(d, PRESETS[BY_LAYER]) for d in domains)


def best_preset(index: FolderIndex, domains: Sequence[str]) -> tuple[str, dict[str, int]]:
    """The preset the domains' names fit best, and the score of each candidate (presets that
    cannot describe the tree are not scored)."""
    # A preset without a data layer (best-practices: SQL-first services) cannot describe
    # domains that hold one (crud.py, repository.py).
    data_layer = _has_data_layer(index, domains)
    candidates = [n for n in DOMAIN_PRESETS if not (data_layer and Role.REPOSITORY not in PRESETS[n].roles)]
    scores = {name: score(PRESETS[name], index, domains) for name in candidates}
    best = max(candidates, key=lambda name: (scores[name], -_TIE_ORDER.index(name)))
    return best, scores


def require_layer_roles(tree: ProjectTree, where: str) -> ProjectTree:
    """The tree, or a UsageError saying what was looked for when no file plays a layer."""
    if not any(m.role in DEFINING_ROLES for m in tree.modules):
        raise UsageError(
            f"no file in {where} plays a layer role: looked for routers (router.py, routes.py, "
            "endpoints.py, views.py, routes/ ...), services (service.py, services/, "
            "*_service.py) and data-layer modules (repository.py, crud.py, *_repository.py ...) "
            "at any depth; describe the layout with `preset` and [tool.archlint.layout]"
        )
    return tree


def detect(files: Sequence[str], import_roots: Sequence[str]) -> ProjectTree:
    """Classify a tree with no declared layout.

    Domains come from the shape of the tree; the preset whose names the domains use most is
    the detected convention (its house spellings learned, outliers reported). A tree without
    domains is technically layered (``by-layer``); one whose domains fit no preset is read by
    name only (layer rules run, layout rules do not).
    """
    index = FolderIndex(files)
    domains = detect_domains(index, PRESETS[BY_LAYER])
    if not domains:
        tree = classify(
            PRESETS[BY_LAYER], files, mode=LayoutMode.DETECTED, import_roots=import_roots, index=index
        )
        return tree
    best, scores = best_preset(index, domains)
    fits = scores[best] >= len(domains)
    layout = PRESETS[best] if fits else PRESETS[BY_LAYER]
    mode = LayoutMode.DETECTED if fits else LayoutMode.BY_NAME
    same = index.reads_alike(layout, PRESETS[BY_LAYER])
    # The preset's own names (database.py in domain-routers) may make other domains.
    tree = classify(
        layout, files, mode=mode, import_roots=import_roots, index=index, domains=domains if same else None
    )
    return replace(tree, scores=scores)


def declared_base(files: Sequence[str]) -> str:
    """The preset a config that describes a layout without naming a preset builds on."""
    index = FolderIndex(files)
    domains = detect_domains(index, PRESETS[BY_LAYER])
    return best_preset(index, domains)[0] if domains else BY_LAYER
