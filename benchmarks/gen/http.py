"""The HTTP side of a domain: its router (endpoints), its dependencies and its exceptions."""

from __future__ import annotations

from .service import ERROR_KINDS, error_name, service_api
from .source import Domain, Source, names


def _route_prefix(d: Domain) -> str:
    return "/" + d.plural.replace("_", "-")


def dependencies_code(d: Domain, owned_row: bool = True) -> tuple[list[str], list[str], str]:
    """(third-party imports, project imports, code) of the dependency providers; without
    ``owned_row`` (providers kept in the router module), none that names the model."""
    cls, e = d.cls, d.singular
    third = ["from fastapi import Depends, HTTPException, status"]
    project = [
        f"from {d.core.db} import SessionDep",
        f"from {d.core.security} import CurrentUser",
        f"from {d.modules.service} import {cls}Service",
    ]
    row = ""
    if owned_row:
        project.append(f"from {d.modules.models} import {cls}")
        row = f"""
        async def valid_{e}({e}_id: int, user: CurrentUser, service: {cls}ServiceDep) -> {cls}:
            \"\"\"The {e.replace("_", " ")} the path names, if the caller owns it (404 otherwise).\"\"\"
            return await service.get({e}_id, user.id)


        Valid{cls} = Annotated[{cls}, Depends(valid_{e})]

"""
    code = f"""
        def get_{e}_service(session: SessionDep) -> {cls}Service:
            return {cls}Service(session)


        {cls}ServiceDep = Annotated[{cls}Service, Depends(get_{e}_service)]

{row}
        def require_{e}_manager(user: CurrentUser) -> None:
            if not (user.is_staff or "{d.plural}:manage" in user.scopes):
                raise HTTPException(
                    status_code=status.HTTP_403_FORBIDDEN,
                    detail="managing {d.plural.replace("_", " ")} needs the {d.plural}:manage scope",
                )


        {cls}Manager = Annotated[None, Depends(require_{e}_manager)]
    """
    return third, project, code


def dependencies_module(d: Domain) -> Source:
    out = Source()
    out.add(f'"""Dependencies of the {d.plural.replace("_", " ")} endpoints: the service, the row named."""')
    out.blank()
    third, project, code = dependencies_code(d)
    out.imports([["from typing import Annotated"], third, project])
    out.blank()
    out.add(code)
    return out


def router_module(d: Domain) -> Source:
    out = Source()
    cls, e, label, measure = d.cls, d.singular, d.label, d.measure.name
    api = service_api(d)
    inline_deps = d.modules.dependencies == d.modules.router
    out.add(f'"""HTTP endpoints of {d.plural.replace("_", " ")}: thin handlers over {cls}Service."""')
    out.blank()
    fastapi = {"APIRouter", "Depends", "Query", "Response", "status"}
    third: list[str] = []
    project = [
        f"from {d.core.pagination} import Page, PageParams",
        f"from {d.core.security} import CurrentUser",
    ]
    schemas = [
        f"{cls}{s}" for s in ("Create", "EventOut", "Filter", "Out", "Stats", "StatusChange", "Update")
    ]
    schemas += [f"{cls}{s}" for s in ("AttachmentOut", "Brief", "BulkResult", "BulkStatus", "DailyCount")]
    project.append(f"from {d.modules.schemas} import {names(schemas)}")
    if d.style.guards_in_routes or "RTR004" in d.plants:
        fastapi.add("HTTPException")
    if "RTR004" in d.plants:
        project.append(f"from {d.modules.enums} import {d.status_enum}")
    if {"RTR001", "RTR002"} & d.plants:
        project.append(f"from {d.core.db} import SessionDep")
    if "RTR001" in d.plants:
        third.append("from sqlalchemy import text")
    deps_code = ""
    if inline_deps:
        _, dep_project, deps_code = dependencies_code(d, owned_row=False)  # no model in a router
        fastapi |= {"Depends", "HTTPException", "status"}
        project += [p for p in dep_project if p not in project]
    else:
        project.append(f"from {d.modules.dependencies} import {cls}Manager, {cls}ServiceDep, Valid{cls}")
    third.append(f"from fastapi import {names(sorted(fastapi))}")
    third.append("from fastapi.responses import StreamingResponse")
    out.imports([["import csv", "import io", "from typing import Annotated"], third, project])
    out.blank()
    if deps_code:
        out.add(deps_code)
        out.blank(2)
    out.add(f'router = APIRouter(prefix="{_route_prefix(d)}", tags=["{d.plural}"])')
    if "RTR003" in d.plants:
        out.blank()
        out.add(f"REVIEW_THRESHOLD = {10_000 * (1 + d.index % 9)}")
    if "RTR001" in d.plants:
        out.blank()
        out.add(
            f'''
            SUMMARY_SQL = """
                SELECT count(e.id) AS events, max(e.created_at) AS last_event_at
                FROM {e}_events e JOIN {d.plural} t ON t.id = e.{e}_id
                WHERE t.id = :id AND t.owner_id = :owner_id
            """
            '''
        )
    out.blank(2)
    plural = d.plural
    out.add(
        f"""
        @router.get("", response_model=Page[{cls}Out])
        async def list_{plural}(
            user: CurrentUser,
            service: {cls}ServiceDep,
            params: Annotated[PageParams, Depends()],
            filters: Annotated[{cls}Filter, Depends()],
        ) -> Page[{cls}Out]:
            items, total = await service.{api["list_all"]}(user.id, filters, params)
            return Page[{cls}Out](
                items=[{cls}Out.model_validate(item) for item in items],
                total=total,
                limit=params.limit,
                offset=params.offset,
            )


        @router.post("", response_model={cls}Out, status_code=status.HTTP_201_CREATED)
        async def create_{e}(payload: {cls}Create, user: CurrentUser, service: {cls}ServiceDep) -> {cls}Out:
            {e} = await service.create(user.id, payload)
            return {cls}Out.model_validate({e})


        @router.get("/stats", response_model={cls}Stats)
        async def {e}_stats(user: CurrentUser, service: {cls}ServiceDep) -> {cls}Stats:
            return {cls}Stats(**await service.stats(user.id))
        """
    )
    out.blank(2)
    out.add(
        f"""
        @router.get("/activity", response_model=list[{cls}DailyCount])
        async def {e}_activity(
            user: CurrentUser, service: {cls}ServiceDep, days: Annotated[int, Query(ge=1, le=90)] = 30
        ) -> list[{cls}DailyCount]:
            counts = await service.activity(user.id, days)
            return [{cls}DailyCount(day=day, count=count) for day, count in counts]
        """
    )
    if d.variant % 2 == 0:
        # A CSV export: the loop only writes the rows the handler returns (not business logic).
        out.blank(2)
        out.add(
            f"""
            @router.get("/export.csv", response_class=StreamingResponse)
            async def export_{plural}(user: CurrentUser, service: {cls}ServiceDep) -> StreamingResponse:
                rows = await service.{api["export_rows"]}(user.id)
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                writer.writerow(["id", "{label}", "status", "{measure}", "created_at"])
                for row in rows:
                    writer.writerow(
                        [row.id, row.{label}, row.status.value, row.{measure}, row.created_at.isoformat()]
                    )
                headers = {{"Content-Disposition": 'attachment; filename="{plural}.csv"'}}
                return StreamingResponse(iter([buffer.getvalue()]), media_type="text/csv", headers=headers)
            """
        )
    if d.style.has_repository:
        out.blank(2)
        out.add(
            f"""
            @router.post("/bulk-status", response_model={cls}BulkResult)
            async def bulk_{e}_status(
                payload: {cls}BulkStatus, _: {cls}Manager, service: {cls}ServiceDep
            ) -> {cls}BulkResult:
                updated = await service.bulk_set_status(payload.ids, payload.status)
                return {cls}BulkResult(updated=updated)
            """
        )
    if d.parent is not None and d.style.has_repository:
        p = d.parent
        out.blank(2)
        out.add(
            f"""
            @router.get(
                "/by-{p.singular.replace("_", "-")}/{{{p.singular}_id}}", response_model=list[{cls}Brief]
            )
            async def list_{plural}_of_{p.singular}(
                {p.singular}_id: int, user: CurrentUser, service: {cls}ServiceDep
            ) -> list[{cls}Brief]:
                items = await service.list_for_{p.singular}({p.singular}_id, user.id)
                return [{cls}Brief.model_validate(item) for item in items]
            """
        )
    if d.style.guards_in_routes:
        out.blank(2)
        out.add(
            f"""
            @router.get("/by-{label.replace("_", "-")}/{{{label}}}", response_model={cls}Out)
            async def get_{e}_by_{label}(
                {label}: str, user: CurrentUser, service: {cls}ServiceDep
            ) -> {cls}Out:
                {e} = await service.{api["find_by"]}(user.id, {label})
                if {e} is None:
                    raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="{cls} not found")
                return {cls}Out.model_validate({e})
            """
        )
    # The row a path names: through the Valid<Model> dependency, or fetched from the service
    # where the providers live in the router module (which must not import the model).
    row_param, row_fetch = f"{e}: Valid{cls}", ""
    if inline_deps:
        row_param = f"{e}_id: int, user: CurrentUser, service: {cls}ServiceDep"
        row_fetch = f"\n            {e} = await service.get({e}_id, user.id)"
    review = ""
    if "RTR003" in d.plants:
        review = f"""
            if {e}.{measure} > REVIEW_THRESHOLD:  ⟦RTR003⟧
                await service.request_review({e}.id, user.id)"""
    out.blank(2)
    out.add(
        f"""
        @router.get("/{{{e}_id}}", response_model={cls}Out)
        async def get_{e}({row_param}) -> {cls}Out:{row_fetch}
            return {cls}Out.model_validate({e})


        @router.patch("/{{{e}_id}}", response_model={cls}Out)
        async def update_{e}(
            {e}_id: int, payload: {cls}Update, user: CurrentUser, service: {cls}ServiceDep
        ) -> {cls}Out:
            {e} = await service.edit({e}_id, user.id, payload){review}
            return {cls}Out.model_validate({e})


        """
    )
    if d.style.has_repository:
        out.blank(2)
        out.add(
            f"""
            @router.post("/{{{e}_id}}/status", response_model={cls}Out)
            async def change_{e}_status(
                {e}_id: int, payload: {cls}StatusChange, user: CurrentUser, service: {cls}ServiceDep
            ) -> {cls}Out:
                {e} = await service.change_status({e}_id, user.id, payload)
                return {cls}Out.model_validate({e})
            """
        )
    session = ", session: SessionDep" if "RTR002" in d.plants else ""
    body = f"{e} = await service.{d.action}({e}_id, user.id)"
    if "RTR004" in d.plants:
        last = d.statuses[-1]
        body = f"""current = await service.get({e}_id, user.id)
            if current.status is {d.status_enum}.{last.upper()}:  ⟦RTR004⟧
                raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail="already {last}")
            {body}"""
    if "RTR002" in d.plants:
        body += "\n            await session.commit()  ⟦RTR002⟧"
    out.blank(2)
    out.add(
        f"""
        @router.post("/{{{e}_id}}/{d.action}", response_model={cls}Out)
        async def {d.action}_{e}(
            {e}_id: int, user: CurrentUser, service: {cls}ServiceDep{session}
        ) -> {cls}Out:
            {body}
            return {cls}Out.model_validate({e})


        @router.get("/{{{e}_id}}/attachments", response_model=list[{cls}AttachmentOut])
        async def list_{e}_attachments({row_param}) -> list[{cls}AttachmentOut]:{row_fetch}
            return [{cls}AttachmentOut.model_validate(attachment) for attachment in {e}.attachments]


        @router.get("/{{{e}_id}}/events", response_model=list[{cls}EventOut])
        async def list_{e}_events(
            {e}_id: int,
            user: CurrentUser,
            service: {cls}ServiceDep,
            limit: Annotated[int, Query(ge=1, le=200)] = 50,
        ) -> list[{cls}EventOut]:
            events = await service.events({e}_id, user.id, limit)
            return [{cls}EventOut.model_validate(event) for event in events]
        """
    )
    if "RTR001" in d.plants:
        out.blank(2)
        out.add(
            f"""
            @router.get("/{{{e}_id}}/summary")
            async def {e}_summary({e}_id: int, user: CurrentUser, session: SessionDep) -> dict[str, object]:
                stmt = text(SUMMARY_SQL)  ⟦RTR001⟧
                row = (await session.execute(stmt, {{"id": {e}_id, "owner_id": user.id}})).one()  ⟦RTR001⟧
                return {{"events": row.events, "last_event_at": row.last_event_at}}
            """
        )
    out.blank(2)
    out.add(
        f"""
        @router.delete("/{{{e}_id}}", status_code=status.HTTP_204_NO_CONTENT)
        async def delete_{e}({e}_id: int, user: CurrentUser, service: {cls}ServiceDep) -> Response:
            await service.remove({e}_id, user.id)
            return Response(status_code=status.HTTP_204_NO_CONTENT)
        """
    )
    return out


def exceptions_module(d: Domain) -> Source:
    out = Source()
    cls, e = d.cls, d.singular
    out.add(
        f'"""Errors of {d.plural.replace("_", " ")}: the service raises them, core maps them to responses."""'
    )
    out.blank()
    if d.style.http_domain_errors:
        bases = {"NotFound": "NotFound", "AlreadyExists": "BadRequest", "LimitReached": "BadRequest"}
        bases |= {"Closed": "BadRequest", "InvalidTransition": "BadRequest"}
        out.imports([[f"from {d.core.errors} import BadRequest, NotFound"]])
        out.blank()
        for kind in ERROR_KINDS:
            words = kind_words(kind)
            out.add(
                f"""
                class {error_name(d, kind)}({bases[kind]}):
                    DETAIL = "{e.replace("_", " ")} {words}"


                """
            )
            out.blank(2)
        return out
    third = ["from fastapi import HTTPException, status"] if "SVC001-subclass" in d.plants else []
    core = ["ConflictError", "DomainError", "InvalidStateError", "LimitExceededError", "NotFoundError"]
    out.imports([third, [f"from {d.core.errors} import {names(core)}"]])
    out.blank()
    out.add(
        f"""
        class {cls}Error(DomainError):
            code = "{e}_error"


        class {cls}NotFound({cls}Error, NotFoundError):
            def __init__(self, {e}_id: int) -> None:
                super().__init__("{e}", {e}_id)


        class {cls}AlreadyExists({cls}Error, ConflictError):
            def __init__(self, {d.label}: str) -> None:
                super().__init__("{e}", {d.label})


        class {cls}LimitReached({cls}Error, LimitExceededError):
            def __init__(self, limit: int) -> None:
                super().__init__("{e}", limit)


        class {cls}Closed({cls}Error, InvalidStateError):
            def __init__(self, {e}_id: int) -> None:
                super().__init__("{e}", {e}_id)


        class Invalid{cls}Transition({cls}Error, InvalidStateError):
            def __init__(self, current: str, target: str) -> None:
                super().__init__("{e}", f"{{current}} -> {{target}}")
                self.current = current
                self.target = target
        """
    )
    if "SVC001-subclass" in d.plants:
        out.blank(2)
        out.add(
            f"""
            class {cls}Locked(HTTPException):
                \"\"\"Kept from the first API version, whose clients match on the 423.\"\"\"

                def __init__(self, {e}_id: int) -> None:
                    super().__init__(status_code=status.HTTP_423_LOCKED, detail=f"{e} {{{e}_id}} is locked")
            """
        )
    return out


def kind_words(kind: str) -> str:
    return {
        "NotFound": "not found",
        "AlreadyExists": "already exists",
        "LimitReached": "limit reached",
        "Closed": "is closed",
        "InvalidTransition": "cannot move to that status",
    }[kind]
