"""Time the layout model on a large tree: import roots, domain detection and classification.

    python benchmarks/classify.py --files 7000

Builds the paths of a domain-packaged backend in memory (``server/shop/<area>/<domain>/``
with routers, services, repositories, schemas, models, sub-packages and tests, as real
monoliths have) plus the import lines of each file, then times each stage of reading the
layout, best of five, wall and CPU. No file is written: this is the cost archlint adds before
any file is parsed. Compare the numbers, do not assert on them.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from archlint.config import Config
from archlint.engine.project import classified_tree
from archlint.layouts import detect, find_import_roots

MODULES = (
    "__init__.py",
    "endpoints.py",
    "service.py",
    "repository.py",
    "schemas.py",
    "models.py",
    "dependencies.py",
    "exceptions.py",
    "tasks.py",
    "utils.py",
    "service/__init__.py",
    "service/pricing.py",
    "service/checkout.py",
    "tests/__init__.py",
    "tests/test_service.py",
    "tests/test_endpoints.py",
)


def tree(files: int) -> tuple[list[str], dict[str, bytes]]:
    paths: list[str] = ["server/shop/__init__.py", "server/shop/app.py", "server/shop/core/db.py"]
    sources: dict[str, bytes] = {}
    area = domain = 0
    while len(paths) < files:
        folder = f"server/shop/area{area}/domain{domain}"
        for module in MODULES:
            path = f"{folder}/{module}"
            paths.append(path)
            sources[path] = (
                f"from shop.area{area}.domain{domain} import schemas\n"
                "from shop.core.db import SessionDep\n"
                "import sqlalchemy as sa\n"
            ).encode()
        domain += 1
        if domain % 12 == 0:
            area += 1
    paths = sorted(paths[:files])
    return paths, sources


def best(run: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=7000)
    args = parser.parse_args()
    paths, sources = tree(args.files)
    roots = find_import_roots(paths, sources)
    result = detect(paths, roots)
    print(
        f"{len(paths)} files, {len(result.domains)} domains, import roots {roots}, "
        f"layout {result.layout.name} ({result.mode.value})"
    )
    config = Config(project_root=Path("<memory>"))
    for name, run in (
        ("import roots", lambda: find_import_roots(paths, sources)),
        ("detect + classify", lambda: detect(paths, roots)),
        ("engine stage", lambda: classified_tree(config, None, paths, sources)),
    ):
        wall, cpu = best(run)
        print(f"{name:<18} wall {wall:.3f} s  cpu {cpu:.3f} s  ({len(paths) / wall:,.0f} files/s)")


if __name__ == "__main__":
    main()
