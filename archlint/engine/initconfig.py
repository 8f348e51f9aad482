"""What ``archlint init`` writes: the layout archlint read, pinned as a ``[tool.archlint]`` table.

The table names the detected preset and describes the tree as archlint read it: the source
root, the domain folders as globs, each layer's house spelling (what two or more domains
call it), the shared packages, and the layers every domain of the preset needs. Linting
with it enforces the team's own convention: outliers and stray modules become LAY001, a
folder holding one module per domain stays out of ``shared`` so it is LAY003.
"""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from dataclasses import dataclass

from archlint.core import LayoutMode, ProjectTree, Role, inside
from archlint.layouts import BY_LAYER, PRESETS, build_layout, classify, pick_root
from archlint.rules.house import split_folders


@dataclass(frozen=True, slots=True)
class Plan:
    """The table to write, and what a user should know about how it was chosen."""

    table: dict[str, object]
    notes: tuple[str, ...]


def _domain_globs(domains: list[str]) -> list[str]:
    """``orders``, ``users`` -> ``*``; ``v1/sales/orders``, ``v1/sales/quotes`` -> ``v1/sales/*``."""
    by_parent: dict[str, list[str]] = defaultdict(list)
    for domain in domains:
        by_parent[posixpath.dirname(domain)].append(domain)
    globs: list[str] = []
    for parent, members in sorted(by_parent.items()):
        if len(members) >= 2:
            globs.append(f"{parent}/*" if parent else "*")
        else:
            globs.extend(members)
    return globs


def _spellings(tree: ProjectTree) -> dict[Role, list[str]]:
    """Each layer's names as two or more domains spell them (every name, where only one
    domain has that layer), so a one-off spelling stays an outlier."""
    children = tree.domain_children()
    used: dict[Role, Counter[str]] = defaultdict(Counter)
    for names in children.values():
        for child in names:
            found = tree.layout.match_child(child)
            if found is not None and found[0] not in (Role.SHARED, Role.OTHER):
                used[found[0]][child] += 1
    spellings: dict[Role, list[str]] = {}
    for role, counts in used.items():
        # A name two domains share is a convention; a one-off is not (it stays an outlier),
        # unless there is only one domain to learn from.
        common = [name for name, n in counts.items() if n >= 2 or len(children) == 1]
        if common:
            spellings[role] = sorted(common)
    return spellings


BASELINE = ".archlint-baseline.json"


def plan(tree: ProjectTree) -> Plan:
    """The ``[tool.archlint]`` table reproducing how archlint read ``tree``, with the baseline
    file named so ``archlint --update-baseline`` accepts today's findings in one step."""
    found = _plan(tree)
    return Plan({**found.table, "baseline": BASELINE}, found.notes)


def _plan(tree: ProjectTree) -> Plan:
    notes: list[str] = []
    if tree.mode is LayoutMode.DETECTED and not tree.domains:
        return Plan({"preset": BY_LAYER}, ("no domain folders: every file takes its role from its name",))
    preset = tree.layout.name if tree.mode is not LayoutMode.BY_NAME else BY_LAYER
    if tree.mode is LayoutMode.BY_NAME:
        notes.append("no preset fits: writing a custom layout with the layer names found")
    spellings = _spellings(tree)
    files = [m.path for m in tree.modules]
    canonical = PRESETS[preset]
    if tree.mode is LayoutMode.DETECTED:
        as_declared = classify(canonical, files, mode=LayoutMode.DECLARED, import_roots=tree.import_roots)
        if set(as_declared.domains) == set(tree.domains):
            # The preset's own folders describe the tree: pin it, with the team's spellings
            # where they differ from the preset's names.
            own = {
                role.value: names
                for role, names in sorted(spellings.items(), key=lambda i: i[0].value)
                if not set(names) <= set(canonical.roles.get(role, ()))
            }
            table: dict[str, object] = {"preset": preset}
            if own:
                table["layout"] = {"roles": own}
            return Plan(table, tuple(notes))
    picked = pick_root(canonical, files)
    root = picked if picked and all(inside(d, picked) for d in tree.domains) else tree.source_root
    relative = sorted(inside(d, root) or d for d in tree.domains)
    top_level: set[str] = set()
    for module in tree.modules:
        rest = inside(module.path, root)
        if rest is not None:
            top_level.add(rest.split("/")[0] + ("/" if "/" in rest else ""))
    containers = {r.split("/")[0] for r in relative}
    splits = {split.folder: split for split in split_folders(tree)}
    shared: list[str] = []
    for entry in sorted(top_level):
        name = entry.rstrip("/")
        if name in containers or (name.startswith((".", "_")) and name != "__init__.py"):
            continue
        split = splits.get(posixpath.normpath(posixpath.join(root, name)))
        if split is not None:
            domains = ", ".join(split.domains)
            notes.append(f"left out of shared: {name}/ holds the {split.role.value} of domains {domains}")
            continue
        shared.append(name if entry.endswith("/") else entry)
    children = tree.domain_children()
    having: Counter[Role] = Counter()
    others: Counter[str] = Counter()
    for names in children.values():
        present: set[Role] = set()
        for child in names:
            found = tree.layout.match_child(child)
            if found is None or found[0] in (Role.OTHER, Role.SHARED):
                if child != "__init__.py":
                    others[child] += 1
            else:
                present.add(found[0])
        having.update(present)
    # Required: the layers three domains in four have at least (the rest are missing one);
    # allowed besides the layers: names two domains or more share (auth.py, sorting.py),
    # the team's convention rather than strays.
    required = sorted(
        spellings[role][0]
        for role in (Role.ROUTER, Role.SERVICE, Role.REPOSITORY)
        if role in spellings and len(children) >= 2 and 4 * having[role] >= 3 * len(children)
    )
    allow = sorted(name for name, n in others.items() if n >= 2)
    roles = {role.value: names for role, names in sorted(spellings.items(), key=lambda i: i[0].value)}
    globs = _domain_globs(relative)
    # Folders a glob takes that archlint did not read as domains (kit/, models/) are shared.
    layout = build_layout(
        preset,
        root=root,
        domains=globs,
        shared=shared,
        roles={Role(r): tuple(n) for r, n in roles.items()},
        required=required,
        allow=allow,
    )
    taken = classify(layout, files, mode=LayoutMode.DECLARED, import_roots=tree.import_roots).domains
    for extra in sorted(set(taken) - set(tree.domains)):
        shared.append(inside(extra, root) or extra)
    table = {
        "domains": globs,
        "shared": shared,
        "roles": roles,
        "required": required,
        "allow": allow,
    }
    return Plan({"preset": preset, "root": root, "layout": table}, tuple(notes))
