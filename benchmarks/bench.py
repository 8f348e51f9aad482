"""Time archlint on a synthetic layered-v1 backend: cold, warm (unchanged) and one file changed.

    python benchmarks/bench.py --domains 125      # ~1,000 files

Prints wall-clock seconds for each scenario and, when they are installed, semgrep's time with
equivalent rules (semgrep_rules.yml) and ruff's time on the same tree as references. Numbers
are ratios in one run on one machine: compare them, do not assert on them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUTER = """\
from fastapi import APIRouter, Depends

from src.v1.{d} import dependencies, schemas
from src.v1.{d}.service import {D}Service

router = APIRouter(prefix="/{d}", tags=["{d}"])


@router.get("/", response_model=list[schemas.{D}Out])
async def list_{d}(service: {D}Service = Depends(dependencies.get_service)):
    return await service.list()


@router.get("/{{item_id}}", response_model=schemas.{D}Out)
async def get_{d}(item_id: int, service: {D}Service = Depends(dependencies.get_service)):
    return await service.get(item_id)


@router.post("/", response_model=schemas.{D}Out, status_code=201)
async def create_{d}(body: schemas.{D}In, service: {D}Service = Depends(dependencies.get_service)):
    return await service.create(body)
"""

SERVICE = """\
from src.v1.{d}.exceptions import {D}NotFound
from src.v1.{d}.repository import {D}Repository


class {D}Service:
    def __init__(self, repository: {D}Repository) -> None:
        self.repository = repository

    async def list(self):
        return await self.repository.list()

    async def get(self, item_id: int):
        item = await self.repository.get(item_id)
        if item is None:
            raise {D}NotFound(item_id)
        return item

    async def create(self, body):
        item = await self.repository.add(body.model_dump())
        await self.repository.session.commit()
        return item
"""

REPOSITORY = """\
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from src.models.{d} import {D}


class {D}Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self):
        result = await self.session.scalars(select({D}).order_by({D}.id))
        return list(result)

    async def get(self, item_id: int):
        return await self.session.get({D}, item_id)

    async def add(self, values: dict):
        item = {D}(**values)
        self.session.add(item)
        await self.session.flush()
        return item
"""

FILES = {
    "router.py": ROUTER,
    "service.py": SERVICE,
    "repository.py": REPOSITORY,
    "schemas.py": "from pydantic import BaseModel\n\n\nclass {D}In(BaseModel):\n    name: str\n\n\n"
    "class {D}Out({D}In):\n    id: int\n",
    "dependencies.py": "from src.core.db import SessionDep\nfrom src.v1.{d}.repository import {D}Repository\n"
    "from src.v1.{d}.service import {D}Service\n\n\ndef get_service(session: SessionDep) -> {D}Service:\n"
    "    return {D}Service({D}Repository(session))\n",
    "exceptions.py": "class {D}NotFound(Exception):\n    pass\n",
    "__init__.py": "",
}


def generate(root: Path, domains: int) -> int:
    src = root / "backend" / "src"
    (src / "core").mkdir(parents=True)
    (src / "core" / "__init__.py").write_text("")
    (src / "core" / "db.py").write_text(
        "from typing import Annotated\n\nfrom fastapi import Depends\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n\nasync def get_session(): ...\n\n\n"
        "SessionDep = Annotated[AsyncSession, Depends(get_session)]\n"
    )
    (src / "models").mkdir()
    (src / "v1").mkdir()
    (src / "v1" / "__init__.py").write_text("")
    count = 3
    for i in range(domains):
        name, cls = f"domain{i:04d}", f"Domain{i:04d}"
        (src / "models" / f"{name}.py").write_text(
            f"from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
            f"class Base(DeclarativeBase):\n    pass\n\n\nclass {cls}(Base):\n"
            f"    __tablename__ = '{name}'\n    id: Mapped[int] = mapped_column(primary_key=True)\n"
        )
        package = src / "v1" / name
        package.mkdir()
        for filename, template in FILES.items():
            (package / filename).write_text(template.format(d=name, D=cls))
        count += len(FILES) + 1
    (root / "pyproject.toml").write_text('[tool.archlint]\npreset = "layered-v1"\n')
    return count


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall-clock seconds and peak resident memory (MiB) of ``command`` and its children."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = 0  # reaped by wait4 above
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--semgrep", help="path to a semgrep executable (default: from PATH)")
    parser.add_argument(
        "--path",
        type=Path,
        help="benchmark a copy of this existing backend instead of a synthetic one "
        "(it needs its own archlint config; the file changed is its first router)",
    )
    args = parser.parse_args()
    archlint = [sys.executable, "-m", "archlint", "check", ".", "--format", "concise"]
    if args.jobs:
        archlint += ["--jobs", str(args.jobs)]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "backend-under-test"
        if args.path:
            shutil.copytree(args.path, root, ignore=shutil.ignore_patterns(".git", ".archlint_cache"))
            files = sum(1 for _ in root.rglob("*.py"))
        else:
            root.mkdir()
            files = generate(root, args.domains)
        print(f"{'files':38} {files:8d}")
        print(f"{'scenario':38} {'seconds':>8} {'peak MiB':>9}")
        rows: list[tuple[str, tuple[float, float]]] = []
        rows.append(("archlint cold (no cache)", timed([*archlint, "--no-cache"], root)))
        rows.append(("archlint cold (writes cache)", timed(archlint, root)))
        rows.append(("archlint warm (unchanged)", timed(archlint, root)))
        changed = (
            next(iter(sorted(root.rglob("*.py"))))
            if args.path
            else root / "backend/src/v1/domain0000/service.py"
        )
        changed.write_text(changed.read_text() + "\n\ndef helper():\n    return 1\n")
        rows.append(("archlint one file changed", timed(archlint, root)))
        rows.append(("archlint cold, --jobs 1", timed([*archlint, "--no-cache", "--jobs", "1"], root)))
        semgrep = args.semgrep or shutil.which("semgrep")
        if semgrep:
            rules = Path(__file__).resolve().parent / "semgrep_rules.yml"
            command = [
                semgrep,
                "scan",
                "--config",
                str(rules),
                "--metrics=off",
                "--disable-version-check",
                "--quiet",
                "--jobs",
                str(args.jobs or os.cpu_count() or 1),
                ".",
            ]
            rows.append(("semgrep, equivalent rules (reference)", timed(command, root)))
        ruff = shutil.which("ruff")
        if ruff:
            rows.append(
                ("ruff check --no-cache (reference)", timed([ruff, "check", "--no-cache", "-q", "."], root))
            )
        for name, (seconds, mib) in rows:
            print(f"{name:38} {seconds:8.2f} {mib:9.0f}")


if __name__ == "__main__":
    main()
