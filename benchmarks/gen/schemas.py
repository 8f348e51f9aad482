"""Pydantic schemas of a domain: create/update/out shapes, filters and validators."""

from __future__ import annotations

from .models import PY_TYPES
from .source import Domain, Source
from .words import Field


def _create_field(field: Field) -> str:
    kind = field.kind
    if kind == "str":
        size = 40 if field.name in {"code", "sku", "currency"} else 160
        spec = f"Field(min_length=1, max_length={size})"
    elif kind == "text":
        spec = "Field(max_length=5000)"
    elif kind in {"int", "money"}:
        spec = "Field(ge=0)" if kind == "int" else 'Field(ge=0, description="in cents")'
    elif kind == "decimal":
        spec = "Field(ge=0, max_digits=12, decimal_places=4)"
    else:
        spec = ""
    base = PY_TYPES[kind]
    if field.optional:
        return f"{field.name}: {base} | None = {spec[:-1] + ', default=None)' if spec else 'None'}"
    if kind == "bool":
        return f"{field.name}: bool = False"
    return f"{field.name}: Annotated[{base}, {spec}]" if spec else f"{field.name}: {base}"


def schemas_module(d: Domain) -> Source:
    out = Source()
    out.add(f'"""Request and response shapes of the {d.plural.replace("_", " ")} API."""')
    out.blank()
    out.add("from __future__ import annotations")
    out.blank()
    kinds = {f.kind for f in d.fields}
    stdlib = ["from datetime import date, datetime" if "date" in kinds else "from datetime import datetime"]
    if "decimal" in kinds:
        stdlib.append("from decimal import Decimal")
    stdlib.append("from typing import Annotated, Self")
    project = [f"from {d.modules.enums} import {d.status_enum}"]
    if d.parent is not None:
        package, _, module = d.parent.schemas.rpartition(".")
        project.append(f"from {package} import {module} as {d.parent.plural}_schemas")
    out.imports(
        [
            stdlib,
            ["from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator"],
            project,
        ]
    )
    out.blank()
    label = d.label
    out.add(f"{label.upper()}_MAX = {40 if label == 'code' else 160}")
    out.add("SEARCH_MAX = 100")
    out.blank(2)
    out.add(f"class {d.cls}Base(BaseModel):")
    for field in d.fields:
        out.add(_create_field(field), 4)
    out.blank()
    out.add(
        f"""
        @field_validator("{label}")
        @classmethod
        def strip_{label}(cls, value: str) -> str:
            value = value.strip()
            if not value:
                raise ValueError("{label} must not be blank")
            return value
        """,
        4,
    )
    times = [f.name for f in d.fields if f.kind in {"datetime", "date"}]
    out.blank(2)
    out.add(f"class {d.cls}Create({d.cls}Base):")
    if d.parent is not None:
        out.add(f"{d.parent.singular}_id: int | None = None", 4)
    else:
        out.add("tags: list[str] = Field(default_factory=list, max_length=20)", 4)
    out.blank()
    if len(times) >= 2:
        first, second = times[:2]
        out.add(
            f"""
            @model_validator(mode="after")
            def check_order(self) -> Self:
                if self.{first} is not None and self.{second} is not None and self.{second} < self.{first}:
                    raise ValueError("{second} must not be before {first}")
                return self
            """,
            4,
        )
    else:
        measure = d.measure.name
        out.add(
            f"""
            @field_validator("{measure}")
            @classmethod
            def check_{measure}(cls, value: int) -> int:
                if value > 10_000_000:
                    raise ValueError("{measure} is over the limit")
                return value
            """,
            4,
        )
    out.blank(2)
    out.add(f"class {d.cls}Update(BaseModel):")
    for field in d.fields:
        out.add(f"{field.name}: {PY_TYPES[field.kind]} | None = None", 4)
    out.blank()
    out.add(
        f"""
            @model_validator(mode="after")
            def not_empty(self) -> Self:
                if not self.model_fields_set:
                    raise ValueError("nothing to update")
                return self


        class {d.cls}StatusChange(BaseModel):
            status: {d.status_enum}
            reason: str | None = Field(default=None, max_length=500)


        class {d.cls}Out({d.cls}Base):
            model_config = ConfigDict(from_attributes=True)

            id: int
            owner_id: int
            status: {d.status_enum}
        """
    )
    if d.parent is not None:
        out.add(f"{d.parent.singular}: {d.parent.plural}_schemas.{d.parent.cls}Brief | None = None", 4)
    out.add(
        f"""
            created_at: datetime
            updated_at: datetime


        class {d.cls}Brief(BaseModel):
            model_config = ConfigDict(from_attributes=True)

            id: int
            {label}: str
            status: {d.status_enum}


        class {d.cls}Filter(BaseModel):
            status: {d.status_enum} | None = None
            search: str | None = Field(default=None, max_length=SEARCH_MAX)
            created_after: datetime | None = None
            created_before: datetime | None = None

            @model_validator(mode="after")
            def check_range(self) -> Self:
                if self.created_after and self.created_before and self.created_before < self.created_after:
                    raise ValueError("created_before must not be before created_after")
                return self


        class {d.cls}EventOut(BaseModel):
            model_config = ConfigDict(from_attributes=True)

            id: int
            kind: str
            payload: dict[str, object]
            actor_id: int | None
            created_at: datetime


        class {d.cls}Stats(BaseModel):
            total: int
            by_status: dict[str, int]
            {d.measure.name}_total: int


        class {d.cls}AttachmentOut(BaseModel):
            model_config = ConfigDict(from_attributes=True)

            id: int
            file_name: str
            content_type: str
            size_bytes: int
            uploaded_at: datetime


        class {d.cls}BulkStatus(BaseModel):
            ids: list[int] = Field(min_length=1, max_length=100)
            status: {d.status_enum}

            @field_validator("ids")
            @classmethod
            def unique_ids(cls, value: list[int]) -> list[int]:
                if len(set(value)) != len(value):
                    raise ValueError("ids must be unique")
                return value


        class {d.cls}BulkResult(BaseModel):
            updated: int


        class {d.cls}DailyCount(BaseModel):
            day: datetime
            count: int
        """
    )
    return out
