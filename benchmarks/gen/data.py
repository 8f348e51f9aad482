"""The data layer of a domain: a repository class with a dozen queries.

SQL-first conventions (best-practices) have no repository: their service holds the same
queries, so the query methods are written here once and used by both."""

from __future__ import annotations

import re

from .source import Domain, Source, names


def query_methods(d: Domain, commit_in: str | None, only: frozenset[str] | None = None) -> str:
    """The query methods (``only`` those named), as class-body text indented by 4;
    ``commit_in`` names the method that (wrongly) commits, planting REP001."""
    methods = _methods(d, commit_in)
    return "\n".join(text for name, text in methods if only is None or name in only)


def _methods(d: Domain, commit_in: str | None) -> list[tuple[str, str]]:
    e, cls, label, measure = d.singular, d.cls, d.label, d.measure.name
    text_fields = [f.name for f in d.fields if f.kind == "text"] or [label]
    search = text_fields[0]
    last = d.statuses[-1].upper()
    add_end = (
        f"await self.session.commit()  ⟦REP001⟧\n        await self.session.refresh({e})"
        if commit_in == "add"
        else f"await self.session.flush()\n        await self.session.refresh({e})"
    )
    delete_end = (
        "await self.session.commit()  ⟦REP001⟧" if commit_in == "delete" else "await self.session.flush()"
    )
    if commit_in == "set_status_many":
        bulk = """
        async with self.session.begin():  ⟦REP001⟧
            result = await self.session.execute(stmt)
        return result.rowcount"""
    else:
        bulk = """
        result = await self.session.execute(stmt)
        return result.rowcount"""
    parent = ""
    if d.parent is not None:
        p = d.parent
        other = f"{p.plural}_models.{p.cls}"
        parent = f"""

    async def list_for_{p.singular}(self, {p.singular}_id: int, owner_id: int) -> list[{cls}]:
        stmt = (
            select({cls})
            .join({other}, {other}.id == {cls}.{p.singular}_id)
            .where({other}.id == {p.singular}_id, {cls}.owner_id == owner_id)
            .order_by({cls}.created_at.desc())
        )
        return list(await self.session.scalars(stmt))"""
    text = f"""
    async def get(self, {e}_id: int) -> {cls} | None:
        return await self.session.get({cls}, {e}_id)

    async def get_for_owner(self, {e}_id: int, owner_id: int) -> {cls} | None:
        stmt = select({cls}).where({cls}.id == {e}_id, {cls}.owner_id == owner_id)
        return (await self.session.scalars(stmt)).first()

    async def get_by_{label}(self, owner_id: int, {label}: str) -> {cls} | None:
        stmt = select({cls}).where({cls}.owner_id == owner_id, {cls}.{label} == {label})
        return (await self.session.scalars(stmt)).first()

    async def exists_{label}(self, owner_id: int, {label}: str) -> bool:
        stmt = select({cls}.id).where({cls}.owner_id == owner_id, {cls}.{label} == {label}).limit(1)
        return (await self.session.scalar(stmt)) is not None

    def _filtered(self, owner_id: int, filters: {cls}Filter) -> Select[tuple[{cls}]]:
        stmt = select({cls}).where({cls}.owner_id == owner_id)
        if filters.status is not None:
            stmt = stmt.where({cls}.status == filters.status)
        if filters.search:
            pattern = f"%{{filters.search}}%"
            stmt = stmt.where(or_({cls}.{label}.ilike(pattern), {cls}.{search}.ilike(pattern)))
        if filters.created_after is not None:
            stmt = stmt.where({cls}.created_at >= filters.created_after)
        if filters.created_before is not None:
            stmt = stmt.where({cls}.created_at < filters.created_before)
        return stmt

    async def list(
        self, owner_id: int, filters: {cls}Filter, params: PageParams
    ) -> tuple[list[{cls}], int]:
        stmt = self._filtered(owner_id, filters)
        total = await self.session.scalar(select(func.count()).select_from(stmt.subquery()))
        page = stmt.order_by({cls}.created_at.desc(), {cls}.id).limit(params.limit).offset(params.offset)
        return list(await self.session.scalars(page)), total or 0{parent}

    async def count_by_status(self, owner_id: int) -> dict[str, int]:
        stmt = (
            select({cls}.status, func.count({cls}.id))
            .where({cls}.owner_id == owner_id)
            .group_by({cls}.status)
        )
        rows = await self.session.execute(stmt)
        return {{status.value: count for status, count in rows.all()}}

    async def total_{measure}(self, owner_id: int) -> int:
        stmt = select(func.coalesce(func.sum({cls}.{measure}), 0)).where({cls}.owner_id == owner_id)
        return int(await self.session.scalar(stmt) or 0)

    async def stale(self, before: datetime) -> list[{cls}]:
        stmt = (
            select({cls})
            .where({cls}.updated_at < before, {cls}.status.in_(OPEN_STATUSES))
            .order_by({cls}.updated_at)
            .limit(500)
        )
        return list(await self.session.scalars(stmt))

    async def for_export(self, owner_id: int) -> list[{cls}]:
        stmt = (
            select({cls})
            .where({cls}.owner_id == owner_id, {cls}.archived_at.is_(None))
            .order_by({cls}.id)
            .execution_options(yield_per=500)
        )
        return list(await self.session.scalars(stmt))

    async def created_per_day(self, owner_id: int, since: datetime) -> list[tuple[datetime, int]]:
        day = func.date_trunc("day", {cls}.created_at).label("day")
        stmt = (
            select(day, func.count({cls}.id))
            .where({cls}.owner_id == owner_id, {cls}.created_at >= since)
            .group_by(day)
            .order_by(day)
        )
        rows = await self.session.execute(stmt)
        return [(when, count) for when, count in rows.all()]

    async def recent_events(self, {e}_id: int, limit: int = 50) -> list[{cls}Event]:
        stmt = (
            select({cls}Event)
            .where({cls}Event.{e}_id == {e}_id)
            .order_by({cls}Event.created_at.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    async def add(self, {e}: {cls}) -> {cls}:
        self.session.add({e})
        {add_end}
        return {e}

    async def add_event(
        self, {e}: {cls}, kind: str, payload: dict[str, Any], actor_id: int | None
    ) -> {cls}Event:
        event = {cls}Event({e}_id={e}.id, kind=kind, payload=payload, actor_id=actor_id)
        self.session.add(event)
        await self.session.flush()
        return event

    async def update(self, {e}: {cls}, values: dict[str, Any]) -> {cls}:
        for field, value in values.items():
            setattr({e}, field, value)
        await self.session.flush()
        return {e}

    async def set_status_many(self, ids: Sequence[int], status: {d.status_enum}) -> int:
        stmt = (
            update({cls})
            .where({cls}.id.in_(ids), {cls}.status != {d.status_enum}.{last})
            .values(status=status)
            .execution_options(synchronize_session=False)
        ){bulk}

    async def delete(self, {e}: {cls}) -> None:
        await self.session.delete({e})
        {delete_end}

    async def purge_events(self, before: datetime) -> int:
        result = await self.session.execute(delete({cls}Event).where({cls}Event.created_at < before))
        return result.rowcount
"""
    found = list(_DEF.finditer(text))
    ends = [m.start() for m in found[1:]] + [len(text)]
    return [
        (m.group(1), text[m.start() : end].rstrip("\n") + "\n") for m, end in zip(found, ends, strict=True)
    ]


_DEF = re.compile(r"^    (?:async )?def (\w+)", re.MULTILINE)


def query_imports(d: Domain) -> tuple[list[str], list[str], list[str]]:
    """(stdlib, third-party, project) imports the query methods need."""
    stdlib = [
        "from collections.abc import Sequence",
        "from datetime import datetime",
        "from typing import Any",
    ]
    third = [
        "from sqlalchemy import Select, delete, func, or_, select, update",
        "from sqlalchemy.ext.asyncio import AsyncSession",
    ]
    models = [d.cls, f"{d.cls}Event"]
    project = [
        f"from {d.modules.schemas} import {d.cls}Filter",
        f"from {d.core.pagination} import PageParams",
    ]
    if d.modules.enums == d.modules.models:
        models += ["OPEN_STATUSES", d.status_enum]
    else:
        project.append(f"from {d.modules.enums} import {names(['OPEN_STATUSES', d.status_enum])}")
    project.append(f"from {d.modules.models} import {names(models)}")
    if d.parent is not None:
        package, _, module = d.parent.models.rpartition(".")
        project.append(f"from {package} import {module} as {d.parent.plural}_models")
    return stdlib, third, project


def commit_method(d: Domain) -> str | None:
    if "REP001" not in d.plants:
        return None
    return ("add", "delete", "set_status_many")[d.variant % 3]


def repository_module(d: Domain) -> Source:
    out = Source()
    out.add(f'"""Queries on {d.plural.replace("_", " ")}. The service owns the transaction: never commit."""')
    out.blank()
    out.add("from __future__ import annotations")
    out.blank()
    stdlib, third, project = query_imports(d)
    out.imports([stdlib, third, project])
    out.blank()
    out.add(
        f"""
        class {d.cls}Repository:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session
        """
    )
    out.blank()
    out.add(query_methods(d, commit_method(d)), 4)
    return out
