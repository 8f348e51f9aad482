"""Map every discovered file onto the layout: module name, domain and layer role."""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Sequence

from archlint.core import Layout, ModuleInfo, ProjectTree, Role

ROOT_DOMAIN = "."

DEFINING_ROLES = frozenset(
    {Role.ROUTER, Role.SERVICE, Role.REPOSITORY, Role.MODELS, Role.SCHEMAS, Role.CLIENT}
)


def _relative(path: str, root: str) -> str | None:
    if root == ".":
        return path
    if path.startswith(root + "/"):
        return path[len(root) + 1 :]
    return None


def _child(parts: Sequence[str]) -> str:
    """``service.py`` for a module directly inside, ``routes/`` for a package."""
    return parts[0] + ("/" if len(parts) > 1 else "")


def pick_root(layout: Layout, files: Sequence[str]) -> str | None:
    """The first of the layout's candidate source roots that holds a Python file.

    A root holding nothing but one package (the ``src/<package>/`` layout) descends into it.
    """
    for root in layout.roots:
        root = posixpath.normpath(root)
        inside = [r for f in files if (r := _relative(f, root)) is not None]
        if not inside:
            continue
        while len({r.split("/")[0] for r in inside}) == 1 and all("/" in r for r in inside):
            package = inside[0].split("/")[0]
            children = {_child(r.split("/")[1:]) for r in inside}
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
            inside = [r.split("/", 1)[1] for r in inside]
        return root
    return None


def _matches(parts: Sequence[str], pattern: Sequence[str]) -> bool:
    return len(parts) > len(pattern) and all(
        fnmatch.fnmatchcase(p, q) for p, q in zip(parts, pattern, strict=False)
    )


def _shared_names(layout: Layout) -> frozenset[str]:
    return frozenset(name.rstrip("/") for name in layout.shared)


def find_domains(layout: Layout, relpaths: Sequence[str]) -> tuple[str, ...]:
    """Domain folders (relative to the source root) the layout's patterns select."""
    shared = _shared_names(layout)
    domains: set[str] = set()
    for pattern in layout.domains:
        if pattern.strip("/") in (".", ""):
            # The source root itself is the one domain: a layout layered by technical concern
            # (api/, services/, repositories/ ...) rather than by feature.
            domains.add(ROOT_DOMAIN)
            continue
        pattern_parts = pattern.strip("/").split("/")
        bare = any(ch in pattern_parts[0] for ch in "*?[")
        children: dict[str, set[str]] = {}
        for rel in relpaths:
            parts = rel.split("/")
            if not _matches(parts, pattern_parts):
                continue
            domain = "/".join(parts[: len(pattern_parts)])
            if domain in shared or (parts[0] in shared and bare):
                continue
            child = parts[len(pattern_parts)]
            if len(parts) > len(pattern_parts) + 1:
                child += "/"
            children.setdefault(domain, set()).add(child)
        for domain, names in children.items():
            if domain.startswith((".", "_")):
                continue
            # Under a bare ``*`` a folder is a domain only if it holds a module of a layer that
            # defines a domain; config.py or utils.py alone are what infrastructure packages hold.
            if bare and not any(layout.role_of_child(n) in DEFINING_ROLES for n in names):
                continue
            domains.add(domain)
    return tuple(sorted(domains))


def _module_name(parts: Sequence[str]) -> tuple[str, bool]:
    parts = list(parts)
    parts[-1] = parts[-1].removesuffix(".py")
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


def classify(layout: Layout, root: str, files: Sequence[str]) -> ProjectTree:
    """Classify ``files`` (POSIX, relative to the project root) under ``layout`` rooted at ``root``."""
    root = posixpath.normpath(root)
    prefixes = [] if root == "." else root.split("/")
    relpaths = [r for f in files if (r := _relative(f, root)) is not None]
    domains = find_domains(layout, relpaths)
    domain_set = set(domains)
    shared = _shared_names(layout)
    shared_roles = layout.shared_roles
    modules: list[ModuleInfo] = []
    extra = {posixpath.normpath(posixpath.join(root, e)) for e in layout.extra_files}
    for path in files:
        rel = _relative(path, root)
        if rel is None:
            if path in extra:
                module, is_package = _module_name(path.split("/")[-1:])
                modules.append(ModuleInfo(path, module, (module,), None, Role.SHARED, is_package))
            continue
        parts = rel.split("/")
        module, is_package = _module_name(parts)
        names = tuple(
            ".".join([*prefixes[i:], module] if module else prefixes[i:])
            for i in range(len(prefixes), -1, -1)
        )
        domain = next((d for d in domains if rel.startswith(d + "/")), None)
        if domain is None and ROOT_DOMAIN in domain_set and parts[0] not in shared:
            domain = ROOT_DOMAIN
        if domain is not None:
            depth = 0 if domain == ROOT_DOMAIN else domain.count("/") + 1
            role = layout.role_of_path(parts[depth:]) or Role.OTHER
        else:
            role = shared_roles.get(parts[0], Role.SHARED)
        modules.append(ModuleInfo(path, module, names, domain, role, is_package))
    top_level = sorted({rel.split("/")[0] for rel in relpaths if "/" in rel})
    return ProjectTree(
        layout=layout,
        source_root=root,
        modules=tuple(modules),
        domains=domains,
        top_level_packages=tuple(top_level),
    )
