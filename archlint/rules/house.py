"""The house convention of a detected layout: how most domains spell each layer, the domains
that spell it otherwise, and technical-concern folders that split the domains in two.

A detected layout is never held to a preset's canonical names: a spelling used consistently
is the team's convention. Only what breaks the team's own majority is reported.
"""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from archlint.core import DEFINING_ROLES, LayoutMode, ProjectTree, Role, inside, vocabulary_match
from archlint.core.vocabulary import stem_of

# Layers a team would split its domains by; models and schemas often live in one shared
# package by design (one metadata for migrations), so they are never "split".
_SPLITTABLE = frozenset({*DEFINING_ROLES, Role.DEPENDENCIES})


def child_spelling(tree: ProjectTree, child: str) -> tuple[Role, str] | None:
    """The role a domain's direct child plays by name and its spelling (``routes`` for both
    ``routes.py`` and ``routes/``, ``*_service`` for any ``x_service.py``)."""
    found = tree.layout.match_child(child)
    if found is None or found[0] in (Role.TESTS, Role.SHARED, Role.OTHER):
        return None
    return found[0], stem_of(found[1])


@dataclass(frozen=True, slots=True)
class Outlier:
    """A domain's layer module spelled differently from the house convention."""

    domain: str
    child: str
    role: Role
    house: str  # the house child name to suggest (``routes.py``)
    house_count: int
    domains: int


def _example(names: Counter[str]) -> str:
    return sorted(names.items(), key=lambda item: (-item[1], item[0]))[0][0]


# Layers whose spelling is a convention worth keeping; utils, helpers, constants and the like
# are too loosely named across teams to call one spelling wrong.
_CONVENTIONAL = frozenset(
    {
        Role.ROUTER,
        Role.SERVICE,
        Role.REPOSITORY,
        Role.DEPENDENCIES,
        Role.SCHEMAS,
        Role.MODELS,
        Role.EXCEPTIONS,
    }
)


def peer_groups(domains: Sequence[str]) -> dict[str, list[str]]:
    """Domains that share a convention: the domains of one container (``src/`` or
    ``plugins/``), the sub-domains of one domain, and the domains of small sibling containers
    (the areas of ``v1/<area>/<domain>``) together."""
    domain_set = set(domains)
    sizes = Counter(posixpath.dirname(d) for d in domains)
    groups: dict[str, list[str]] = defaultdict(list)
    for domain in domains:
        container = posixpath.dirname(domain)
        if container in domain_set or sizes[container] >= 3:
            key = container
        else:
            key = posixpath.dirname(container) + "/*"
        groups[key].append(domain)
    return groups


def outliers(tree: ProjectTree) -> Iterator[Outlier]:
    """Children whose layer their peer domains spell another way: the house spelling is
    followed by two or more peers, a third of them at least, and twice as many as the
    outlier's; one finding per misnamed module."""
    children = tree.domain_children()
    for group in peer_groups(tree.domains).values():
        yield from _group_outliers(tree, {d: children[d] for d in group})


def _group_outliers(tree: ProjectTree, children: dict[str, set[str]]) -> Iterator[Outlier]:
    per_domain: dict[str, list[tuple[str, Role, str]]] = {}
    counts: dict[Role, Counter[str]] = defaultdict(Counter)
    examples: dict[tuple[Role, str], Counter[str]] = defaultdict(Counter)
    for domain, names in children.items():
        spelled = []
        for child in sorted(names):
            found = child_spelling(tree, child)
            if found is not None and found[0] in _CONVENTIONAL:
                spelled.append((child, *found))
        per_domain[domain] = spelled
        for role, key in {(role, key) for _, role, key in spelled}:
            counts[role][key] += 1
        for child, role, key in spelled:
            examples[(role, key)][child] += 1
    house: dict[Role, str] = {}
    for role, keys in counts.items():
        ranked = keys.most_common()
        top = ranked[0][1]
        # A convention is what a third of the peers or more follow, and more than any other.
        if top >= 2 and 3 * top >= len(children) and (len(ranked) == 1 or top > ranked[1][1]):
            house[role] = ranked[0][0]
    for domain, spelled in sorted(per_domain.items()):
        for child, role, key in spelled:
            convention = house.get(role)
            if convention is None or key == convention:
                continue
            if any(r is role and k == convention for _, r, k in spelled):
                continue  # the domain has the house module too: this one is an addition
            if counts[role][convention] < 2 * counts[role][key]:
                continue
            yield Outlier(
                domain=domain,
                child=child,
                role=role,
                house=_example(examples[(role, convention)]),
                house_count=counts[role][convention],
                domains=len(children),
            )


@dataclass(frozen=True, slots=True)
class SplitFolder:
    """A folder outside the domains holding one layer's modules for several domains."""

    folder: str
    role: Role
    domains: tuple[str, ...]
    holding: int  # how many domains keep that layer inside themselves


def _named_after(stem: str, names: set[str]) -> str | None:
    for candidate in (stem, stem + "s", stem.removesuffix("s")):
        if candidate in names:
            return candidate
    return None


def split_folders(tree: ProjectTree) -> Iterator[SplitFolder]:
    """Technical-concern folders next to the domains (``controllers/`` with ``orders.py`` and
    ``users.py``) for a layer that most domains otherwise hold themselves."""
    if len(tree.domains) < 2:
        return
    names = {posixpath.basename(d): d for d in tree.domains}
    children = tree.domain_children()
    holding: Counter[Role] = Counter()
    for kids in children.values():
        roles = {found[0] for child in kids if (found := child_spelling(tree, child))}
        holding.update(roles)
    ancestors = {posixpath.dirname(d) for d in tree.domains}
    for folder in list(ancestors):
        while folder:
            folder = posixpath.dirname(folder)
            ancestors.add(folder)
    per_folder: dict[str, set[str]] = defaultdict(set)
    for module in tree.modules:
        if module.domain is not None or module.role is Role.TESTS:
            continue
        parts = module.path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if any(inside(d, folder) is not None for d in tree.domains):
                continue  # holds domains: look one level deeper
            if posixpath.dirname(folder) in ancestors:
                domain = _named_after(parts[-1].removesuffix(".py"), set(names))
                if domain is not None:
                    per_folder[folder].add(domain)
            break
    for folder, domains in sorted(per_folder.items()):
        found = vocabulary_match(posixpath.basename(folder) + "/")
        if found is None or found[0] not in _SPLITTABLE or len(domains) < 2:
            continue
        role = found[0]
        if holding[role] * 2 < len(tree.domains):
            continue
        yield SplitFolder(folder, role, tuple(sorted(domains)), holding[role])


def keeps_convention(tree: ProjectTree, following: int, breaking: int) -> bool:
    """Whether a rule's convention holds in this project: always under a declared preset (the
    team chose it); in a detected layout only when it is the house style, kept in two places
    or more and twice as often as it is broken (the bar a layer spelling clears above), so
    only outliers are reported and a team with another habit is not flooded."""
    if tree.mode is LayoutMode.DECLARED:
        return True
    return following >= 2 and following >= 2 * breaking
