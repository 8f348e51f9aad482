"""Write a realistic synthetic FastAPI backend in one preset's folder convention.

    python benchmarks/realistic.py OUT --preset layered-v1 --domains 200

Files look like real layer modules (100-200 lines: SQLAlchemy models, Pydantic schemas with
validators, repositories with a dozen queries, services with business rules and commits,
routers with nine to twelve handlers) with about one planted violation per domain; the same
arguments always write the same tree. Prints the files, lines and planted findings per code.
The generator itself lives in ``benchmarks/gen/``.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from gen import PRESETS, Tree, generate


def describe(tree: Tree) -> str:
    lines = sum(text.count("\n") for text in tree.files.values())
    python = [p for p in tree.files if p.endswith(".py")]
    planted = Counter(code for code, _, _ in tree.expected)
    codes = ", ".join(f"{code} {count}" for code, count in sorted(planted.items()))
    return (
        f"{tree.preset}: {len(python)} Python files, {lines:,} lines "
        f"({lines / max(len(python), 1):.0f} a file), {len(tree.expected)} planted findings ({codes})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (must be empty or absent)")
    parser.add_argument("--preset", choices=PRESETS, default="layered-v1")
    parser.add_argument("--domains", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    args.out.mkdir(parents=True, exist_ok=True)
    print(describe(generate(args.out, args.preset, args.domains, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
