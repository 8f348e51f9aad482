"""Map every discovered file onto the layout: module name, domain and layer role."""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Sequence

from archlint.core import Layout, LayoutMode, ModuleInfo, ProjectTree, Role, inside
from archlint.layouts.domains import FolderIndex, detect_domains, glob_domains
from archlint.layouts.imports import dotted, root_of


def _child(parts: Sequence[str]) -> str:
    """``service.py`` for a module directly inside, ``routes/`` for a package."""
    return parts[0] + ("/" if len(parts) > 1 else "")


def _shared_names(layout: Layout) -> frozenset[str]:
    return frozenset(name.rstrip("/") for name in layout.shared)


def pick_root(layout: Layout, files: Sequence[str]) -> str | None:
    """The first of the layout's candidate source roots that holds a Python file.

    A root holding nothing but one package (the ``src/<package>/`` layout) descends into it.
    """
    for root in layout.roots:
        root = posixpath.normpath(root)
        inside_root = [r for f in files if (r := inside(f, root)) is not None]
        if not inside_root:
            continue
        while len({r.split("/")[0] for r in inside_root}) == 1 and all("/" in r for r in inside_root):
            package = inside_root[0].split("/")[0]
            children = {_child(r.split("/")[1:]) for r in inside_root}
            if (
                package in _shared_names(layout)
                or any(layout.role_of_child(c) for c in children)
                or any(
                    fnmatch.fnmatchcase(package, p.split("/")[0]) and not p.startswith("*")
                    for p in layout.domains
                )
            ):
                break
            root = package if root == "." else f"{root}/{package}"
            inside_root = [r.split("/", 1)[1] for r in inside_root]
        return root
    return None


def detected_source_root(domains: Sequence[str], import_roots: Sequence[str]) -> str:
    """Where a detected layout's domains live: the folder all their containers share."""
    domain_set = set(domains)
    outer = [d for d in domains if _deepest_domain(d, domain_set) is None]
    containers = {posixpath.dirname(d) or "." for d in outer}
    if containers:
        common = posixpath.commonpath(sorted(containers)) if "." not in containers else "."
        return common or "."
    return import_roots[0] if len(import_roots) == 1 else "."


def _names(path: str, primary: str, bases: Sequence[str]) -> tuple[str, ...]:
    """Every dotted name a module may be imported under, the project's own first."""
    full = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    names = [primary]
    for base in bases:
        if base == ".":
            name = full
        elif path.startswith(base + "/"):
            name = full[len(base) + 1 :]
        else:
            continue
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _deepest_domain(path: str, domains: set[str]) -> str | None:
    """The deepest domain folder holding ``path`` (``.`` is the source-root domain)."""
    folder = path
    while "/" in folder:
        folder = folder.rsplit("/", 1)[0]
        if folder in domains:
            return folder
    return "." if "." in domains else None


def classify(
    layout: Layout,
    files: Sequence[str],
    *,
    mode: LayoutMode,
    import_roots: Sequence[str] = (),
    source_root: str | None = None,
    index: FolderIndex | None = None,
    domains: Sequence[str] | None = None,
) -> ProjectTree:
    """Classify ``files`` (POSIX, relative to the project root) under ``layout``.

    Declared layouts find their domains by their globs under ``source_root``; detected ones
    by the shape of the tree. A file takes the domain of the deepest domain folder holding it,
    and the role of the nearest role name on its path inside that domain (or inside its import
    root, outside any domain).
    """
    index = index or FolderIndex(files)
    if mode is LayoutMode.DECLARED:
        root = posixpath.normpath(source_root or pick_root(layout, files) or ".")
        domains = glob_domains(index, layout, root)
    else:
        domains = tuple(domains) if domains is not None else detect_domains(index, layout)
        root = detected_source_root(domains, import_roots)
    domain_set = set(domains)
    bases = (*import_roots, root, ".")
    modules: list[ModuleInfo] = []
    folders: dict[str, tuple[str | None, str]] = {}  # folder -> (domain, import base)
    for path in files:
        folder = path.rpartition("/")[0]
        if folder not in folders:
            import_root = root_of(path, import_roots)
            base = import_root if import_root is not None else (root if inside(path, root) else ".")
            folders[folder] = (_deepest_domain(path, domain_set), base)
        domain, base = folders[folder]
        rel = path if base == "." else path[len(base) + 1 :] if path.startswith(base + "/") else path
        rel_parts = rel.split("/")
        primary, is_package = dotted(rel_parts)
        if domain is not None:
            in_domain = path if domain == "." else path[len(domain) + 1 :]
            found = layout.match(in_domain.split("/"))
            role, matched = found if found is not None else (Role.OTHER, None)
        else:
            found = layout.match(rel_parts)
            role, matched = found if found is not None else (Role.SHARED, None)
        modules.append(
            ModuleInfo(
                path=path,
                module=primary,
                names=_names(path, primary, bases),
                domain=domain,
                role=role,
                is_package=is_package,
                matched=matched,
            )
        )
    relpaths = [r for f in files if (r := inside(f, root)) is not None]
    top_level = sorted({rel.split("/")[0] for rel in relpaths if "/" in rel})
    return ProjectTree(
        layout=layout,
        source_root=root,
        modules=tuple(modules),
        domains=domains,
        top_level_packages=tuple(top_level),
        mode=mode,
        import_roots=tuple(import_roots),
    )
