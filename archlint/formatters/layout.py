"""How archlint read a project (``archlint layout``), as one JSON-ready document."""

from __future__ import annotations

from collections import defaultdict

from archlint.core import ModuleInfo, ProjectTree

LAYOUT_VERSION = 1


def _file(module: ModuleInfo) -> dict[str, object]:
    return {
        "path": module.path,
        "module": module.module,
        "role": module.role.value if module.role is not None else None,
        "matched": module.matched,
    }


def layout_document(tree: ProjectTree, project_root: str) -> dict[str, object]:
    """The import roots, the layout and how it was chosen, each domain with its files and
    their roles (and the name that gave each role), and the files outside any domain.

    Paths are relative to ``project_root``; ``matched`` is None where no name gave a role
    (``other`` inside a domain, ``shared`` outside).
    """
    by_domain: dict[str, list[ModuleInfo]] = defaultdict(list)
    outside: list[ModuleInfo] = []
    for module in tree.modules:
        if module.domain is None:
            outside.append(module)
        else:
            by_domain[module.domain].append(module)
    return {
        "version": LAYOUT_VERSION,
        "project_root": project_root,
        "import_roots": list(tree.import_roots),
        "source_root": tree.source_root,
        "preset": tree.layout.name,
        "mode": tree.mode.value,
        "scores": dict(sorted(tree.scores.items())),
        "domains": [
            {"path": domain, "files": [_file(m) for m in sorted(by_domain[domain], key=_path)]}
            for domain in tree.domains
        ],
        "outside_domains": [_file(m) for m in sorted(outside, key=_path)],
    }


def _path(module: ModuleInfo) -> str:
    return module.path
