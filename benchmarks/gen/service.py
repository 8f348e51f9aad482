"""The service layer of a domain: business rules, domain exceptions, the transaction."""

from __future__ import annotations

import re

from .data import commit_method, query_imports, query_methods
from .source import Domain, Source, names

# What a SQL-first service keeps of the query methods (its business methods call them).
_SQL_FIRST_QUERIES = frozenset(
    {"get_for_owner", "get_by_", "_filtered", "list", "count_by_status", "add", "add_event"}
    | {"update", "delete", "recent_events", "for_export", "created_per_day"}
)

_DEF = re.compile(r"^        (?:async )?def (\w+)", re.MULTILINE)

ERROR_KINDS = ("NotFound", "AlreadyExists", "LimitReached", "Closed", "InvalidTransition")
CORE_ERRORS = {
    "NotFound": "NotFoundError",
    "AlreadyExists": "ConflictError",
    "LimitReached": "LimitExceededError",
    "Closed": "InvalidStateError",
    "InvalidTransition": "InvalidStateError",
}


def error_name(d: Domain, kind: str) -> str:
    """The exception a service raises for ``kind``: the domain's own, or a shared one."""
    if not d.style.exceptions_module:
        return CORE_ERRORS[kind]
    return f"Invalid{d.cls}Transition" if kind == "InvalidTransition" else f"{d.cls}{kind}"


def _raise(d: Domain, kind: str, *args: str) -> str:
    if not d.style.exceptions_module:
        return f'raise {CORE_ERRORS[kind]}("{d.singular}", {", ".join(args)})'
    return f"raise {error_name(d, kind)}({', '.join(args)})"


def _kept(name: str) -> bool:
    return any(name == q or (q.endswith("_") and name.startswith(q)) for q in _SQL_FIRST_QUERIES)


def service_module(d: Domain) -> Source:
    out = Source()
    sql_first = not d.style.has_repository
    repo = "self" if sql_first else "self.repository"
    e, cls, label, measure = d.singular, d.cls, d.label, d.measure.name
    first, last = d.statuses[0].upper(), d.statuses[-1].upper()
    out.add(f'"""Business rules of {d.plural.replace("_", " ")}: limits, status moves, the audit trail."""')
    out.blank()
    out.add("from __future__ import annotations")
    out.blank()
    stdlib = ["from collections.abc import Sequence", "from datetime import UTC, datetime, timedelta"]
    stdlib.append("from typing import Any")
    third = ["from sqlalchemy.ext.asyncio import AsyncSession"]
    models = [cls, f"{cls}Event"]
    enums = ["OPEN_STATUSES", d.status_enum]
    shapes = [cls + shape for shape in ("Create", "Filter", "StatusChange", "Update")]
    project = [
        f"from {d.core.logging} import get_logger",
        f"from {d.core.pagination} import PageParams",
        f"from {d.modules.schemas} import {names(shapes)}",
    ]
    if sql_first:
        q_std, q_third, q_project = query_imports(d)
        stdlib += q_std
        third += q_third
        project += q_project
    else:
        project.append(f"from {d.modules.repository} import {cls}Repository")
        if d.modules.enums == d.modules.models:
            models += enums
        else:
            project.append(f"from {d.modules.enums} import {names(enums)}")
        project.append(f"from {d.modules.models} import {names(models)}")
    errors = sorted({error_name(d, k) for k in ERROR_KINDS})
    locked = ""
    if "SVC001-subclass" in d.plants:
        locked = f"{cls}Locked" if d.style.exceptions_module else "LockedError"
        errors.append(locked)
    if d.style.exceptions_module:
        project.append(f"from {d.modules.exceptions} import {names(errors)}")
    else:
        project.append(f"from {d.core.errors} import {names(errors)}")
    if "SVC001" in d.plants:
        third.append("from fastapi import HTTPException, status")
    out.imports([stdlib, third, project])
    out.blank()
    housekeeping = (
        ""
        if sql_first
        else (
            f"\n        BULK_LIMIT = 100\n        STALE_AFTER = timedelta(days={14 + d.index % 30})\n"
            "        EVENT_RETENTION = timedelta(days=365)"
        )
    )
    out.add(
        f"""
        logger = get_logger(__name__)

        MAX_OPEN_PER_OWNER = {100 + 25 * (d.index % 8)}
        DELETABLE = frozenset({{{d.status_enum}.{first}}}){housekeeping}


        class {cls}Service:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session
        """
    )
    if not sql_first:
        out.add(f"self.repository = {cls}Repository(session)", 8)
    out.blank()
    if sql_first:
        kept = [name for name in _query_names(d) if _kept(name)]
        out.add(query_methods(d, None, frozenset(kept)), 4)
        out.blank()
    # A SQL-first service keeps fewer queries: existence through get_by_, no sum.
    exists = f"{repo}.get_by_{label}" if sql_first else f"{repo}.exists_{label}"
    is_found = " is not None" if sql_first else ""
    total = "0" if sql_first else f"await {repo}.total_{measure}(owner_id)"
    action_guard = f"""
            if not {e}.is_open:
                {_raise(d, "Closed", f"{e}.id")}"""
    if "SVC001" in d.plants:
        action_guard = f"""
            if {e}.{measure} == 0:
                raise HTTPException(  ⟦SVC001⟧
                    status_code=status.HTTP_409_CONFLICT,
                    detail="cannot {d.action} a {e.replace("_", " ")} without {measure.replace("_", " ")}",
                )"""
    if locked:
        lock_args = f"{e}.id" if d.style.exceptions_module else f'"{e}", {e}.id'
        action_guard += f"""
            if {e}.status is {d.status_enum}.{last}:
                raise {locked}({lock_args})  ⟦SVC001⟧"""
    methods = _business_methods(d, repo, exists, is_found, total, action_guard)
    skipped = _PUBLIC_QUERIES if sql_first else frozenset()
    out.add("\n".join(text for name, text in methods if name not in skipped), 4)
    if d.parent is not None and not sql_first:
        p = d.parent
        out.blank()
        out.add(
            f"""
            async def list_for_{p.singular}(self, {p.singular}_id: int, owner_id: int) -> list[{cls}]:
                return await {repo}.list_for_{p.singular}({p.singular}_id, owner_id)
            """,
            4,
        )
    if not sql_first:
        out.blank()
        out.add(
            f"""
            async def bulk_set_status(self, ids: Sequence[int], status: {d.status_enum}) -> int:
                if len(ids) > BULK_LIMIT:
                    {_raise(d, "LimitReached", "BULK_LIMIT")}
                count = await {repo}.set_status_many(ids, status)
                await self.session.commit()
                return count

            async def expire_stale(self, now: datetime | None = None) -> int:
                now = now or datetime.now(UTC)
                stale = await {repo}.stale(now - STALE_AFTER)
                for {e} in stale:
                    await {repo}.update({e}, {{"status": {d.status_enum}.{last}}})
                await {repo}.purge_events(now - EVENT_RETENTION)
                await self.session.commit()
                logger.info("expired stale {d.plural}", extra={{"count": len(stale)}})
                return len(stale)
            """,
            4,
        )
    return out


# A SQL-first service's own queries are its API: no wrapper methods, no status endpoint.
_PUBLIC_QUERIES = frozenset({"find_by", "list_all", "export_rows", "change_status"})


def _business_methods(
    d: Domain, repo: str, exists: str, is_found: str, total: str, action_guard: str
) -> list[tuple[str, str]]:
    """The service's business methods as (name, class-body text), in order."""
    e, cls, label, measure = d.singular, d.cls, d.label, d.measure.name
    last = d.statuses[-1].upper()
    text = f"""
        async def get(self, {e}_id: int, owner_id: int) -> {cls}:
            {e} = await {repo}.get_for_owner({e}_id, owner_id)
            if {e} is None:
                {_raise(d, "NotFound", f"{e}_id")}
            return {e}

        async def find_by_{label}(self, owner_id: int, {label}: str) -> {cls} | None:
            return await {repo}.get_by_{label}(owner_id, {label})

        async def list_{d.plural}(
            self, owner_id: int, filters: {cls}Filter, params: PageParams
        ) -> tuple[list[{cls}], int]:
            return await {repo}.list(owner_id, filters, params)

        async def create(self, owner_id: int, data: {cls}Create) -> {cls}:
            if await {exists}(owner_id, data.{label}){is_found}:
                {_raise(d, "AlreadyExists", f"data.{label}")}
            counts = await {repo}.count_by_status(owner_id)
            if sum(counts.get(s.value, 0) for s in OPEN_STATUSES) >= MAX_OPEN_PER_OWNER:
                {_raise(d, "LimitReached", "MAX_OPEN_PER_OWNER")}
            {e} = await {repo}.add({cls}(owner_id=owner_id, **data.model_dump()))
            await {repo}.add_event({e}, "created", {{"{label}": {e}.{label}}}, owner_id)
            await self.session.commit()
            logger.info("{e} created", extra={{"{e}_id": {e}.id, "owner_id": owner_id}})
            return {e}

        async def edit(self, {e}_id: int, owner_id: int, data: {cls}Update) -> {cls}:
            {e} = await self.get({e}_id, owner_id)
            if not {e}.is_open:
                {_raise(d, "Closed", f"{e}.id")}
            values = data.model_dump(exclude_unset=True)
            new_{label} = values.get("{label}")
            if new_{label} and new_{label} != {e}.{label} and await {exists}(owner_id, new_{label}){is_found}:
                {_raise(d, "AlreadyExists", f"new_{label}")}
            {e} = await {repo}.update({e}, values)
            await {repo}.add_event({e}, "updated", {{"fields": sorted(values)}}, owner_id)
            await self.session.commit()
            return {e}

        async def change_status(self, {e}_id: int, owner_id: int, change: {cls}StatusChange) -> {cls}:
            {e} = await self.get({e}_id, owner_id)
            if not {e}.can_transition_to(change.status):
                {_raise(d, "InvalidTransition", f"{e}.status.value", "change.status.value")}
            previous = {e}.status
            {e} = await {repo}.update({e}, {{"status": change.status}})
            payload = {{"from": previous.value, "to": change.status.value, "reason": change.reason}}
            await {repo}.add_event({e}, "status", payload, owner_id)
            await self.session.commit()
            return {e}

        async def {d.action}(self, {e}_id: int, owner_id: int) -> {cls}:
            {e} = await self.get({e}_id, owner_id){action_guard}
            {e} = await {repo}.update({e}, {{"status": {d.status_enum}.{last}}})
            await {repo}.add_event({e}, "{d.action}", {{}}, owner_id)
            await self.session.commit()
            return {e}

        async def request_review(self, {e}_id: int, owner_id: int) -> None:
            {e} = await self.get({e}_id, owner_id)
            await {repo}.add_event({e}, "review_requested", {{"{measure}": {e}.{measure}}}, owner_id)
            await self.session.commit()

        async def remove(self, {e}_id: int, owner_id: int) -> None:
            {e} = await self.get({e}_id, owner_id)
            if {e}.status not in DELETABLE:
                {_raise(d, "Closed", f"{e}.id")}
            await {repo}.delete({e})
            await self.session.commit()
            logger.info("{e} deleted", extra={{"{e}_id": {e}_id, "owner_id": owner_id}})

        async def stats(self, owner_id: int) -> dict[str, Any]:
            by_status = await {repo}.count_by_status(owner_id)
            total = {total}
            return {{"total": sum(by_status.values()), "by_status": by_status, "{measure}_total": total}}

        async def events(self, {e}_id: int, owner_id: int, limit: int) -> list[{cls}Event]:
            {e} = await self.get({e}_id, owner_id)
            return await {repo}.recent_events({e}.id, limit)

        async def export_rows(self, owner_id: int) -> list[{cls}]:
            return await {repo}.for_export(owner_id)

        async def activity(self, owner_id: int, days: int) -> list[tuple[datetime, int]]:
            since = datetime.now(UTC) - timedelta(days=days)
            return await {repo}.created_per_day(owner_id, since)
        """
    found = list(_DEF.finditer(text))
    ends = [m.start() for m in found[1:]] + [len(text)]
    table = {"find_by_" + label: "find_by", "list_" + d.plural: "list_all"}
    return [
        (table.get(m.group(1), m.group(1)), text[m.start() : end].rstrip("\n") + "\n")
        for m, end in zip(found, ends, strict=True)
    ]


def service_api(d: Domain) -> dict[str, str]:
    """The service methods the router calls, by purpose: a SQL-first service exposes its queries."""
    if d.style.has_repository:
        return {"find_by": f"find_by_{d.label}", "list_all": f"list_{d.plural}", "export_rows": "export_rows"}
    return {"find_by": f"get_by_{d.label}", "list_all": "list", "export_rows": "for_export"}


def _query_names(d: Domain) -> list[str]:
    from .data import _methods

    return [name for name, _ in _methods(d, commit_method(d))]
