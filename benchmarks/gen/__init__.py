"""A deterministic generator of realistic FastAPI backends, in each preset's folder convention.

Each domain gets a models module (SQLAlchemy), schemas (Pydantic, with validators), a data
layer with a dozen queries (or SQL-first service), a service with business rules, domain
exceptions and commits, a router with nine or ten thin handlers, and dependencies; plus shared
core code and the entry point that mounts every router. Violations are planted on a fixed
schedule (about one per domain) and recorded with their line, so a test can check that
archlint reports exactly them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from .conventions import CONVENTIONS, Convention, layer_modules, path_of
from .source import Domain, Parent, plants_for
from .words import ACTIONS, STATUSES, camel, domain_names, pick_fields

PRESETS = tuple(CONVENTIONS)


@dataclass(frozen=True, slots=True)
class Tree:
    """A generated backend: file texts by path, the findings planted (code, path, line), and
    which files are layer modules."""

    preset: str
    files: dict[str, str]
    expected: tuple[tuple[str, str, int], ...]
    layer_modules: tuple[str, ...]  # paths of the long layer modules (models ... router)

    def write(self, root: Path) -> None:
        for path, text in self.files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")


def _domain(conv: Convention, index: int, seed: int) -> Domain:
    rng = random.Random(f"{seed}:{index}")
    singular, plural = domain_names(index)
    parent = None
    if conv.style.cross_domain and index % 3 == 1:
        p_singular, p_plural = domain_names(rng.randrange(index))
        p_modules = conv.modules(p_singular, p_plural)
        parent = Parent(p_singular, p_plural, camel(p_singular), p_modules.schemas, p_modules.models)
    return Domain(
        index=index,
        singular=singular,
        plural=plural,
        cls=camel(singular),
        fields=pick_fields(rng),
        statuses=rng.choice(STATUSES),
        action=rng.choice(ACTIONS),
        parent=parent,
        plants=plants_for(index, conv.style, conv.has_guard_rule),
        modules=conv.modules(singular, plural),
        core=conv.core,
        style=conv.style,
        variant=rng.randrange(6),
    )


def build(preset: str, domains: int, seed: int = 0) -> Tree:
    """The tree of ``domains`` domains in ``preset``'s convention (the same inputs always give
    the same tree, and the first N domains of a bigger tree are those of a smaller one)."""
    conv = CONVENTIONS[preset]()
    described = [_domain(conv, i, seed) for i in range(domains)]
    sources = dict(conv.shared_files(described))
    for domain in described:
        sources.update(conv.domain_files(domain))
    finished = {path: source.finish() for path, source in sorted(sources.items())}
    files = {path: text for path, (text, _) in finished.items()}
    files["pyproject.toml"] = (
        f'[project]\nname = "generated-{preset}"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["fastapi>=0.111", "sqlalchemy[asyncio]>=2.0", "pydantic-settings>=2.2", '
        '"pyjwt>=2.8"]\n\n'
        f'[tool.archlint]\npreset = "{preset}"\n'
    )
    expected = sorted(
        (code.split("-")[0], path, line) for path, (_, marks) in finished.items() for code, line in marks
    )
    layers = sorted(path_of(m, conv.root, conv.package) for d in described for m in layer_modules(d))
    return Tree(preset, files, tuple(expected), tuple(layers))


def generate(root: Path, preset: str, domains: int, seed: int = 0) -> Tree:
    """Write the tree under ``root`` (which should be empty) and return it."""
    tree = build(preset, domains, seed)
    tree.write(root)
    return tree


__all__ = ["PRESETS", "Tree", "build", "generate"]
