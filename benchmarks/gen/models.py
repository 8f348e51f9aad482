"""SQLAlchemy models of a domain, and its status enum (in the models module, or in enums.py)."""

from __future__ import annotations

import itertools

from .source import Domain, Source, names
from .words import Field

PY_TYPES = {
    "str": "str",
    "text": "str",
    "int": "int",
    "money": "int",
    "bool": "bool",
    "datetime": "datetime",
    "date": "date",
    "decimal": "Decimal",
}
_COLUMNS = {
    "str": "String({size})",
    "text": "Text",
    "int": "Integer",
    "money": "Integer",
    "bool": "Boolean",
    "datetime": "DateTime(timezone=True)",
    "date": "Date",
    "decimal": "Numeric(12, 4)",
}
_DEFAULTS = {"int": "0", "money": "0", "bool": "False", "decimal": 'Decimal("0")'}


def py_type(field: Field) -> str:
    base = PY_TYPES[field.kind]
    return f"{base} | None" if field.optional else base


def column_type(field: Field) -> str:
    return _COLUMNS[field.kind].format(size=40 if field.name in {"code", "sku", "currency"} else 160)


def stdlib_for(fields: tuple[Field, ...]) -> list[str]:
    """The stdlib imports the fields' Python types need."""
    kinds = {f.kind for f in fields}
    wanted = [n for n in ("date", "datetime") if n in kinds]
    lines = [f"from datetime import {', '.join(wanted)}"] if wanted else []
    if "decimal" in kinds:
        lines.append("from decimal import Decimal")
    return lines


def enum_block(d: Domain, out: Source) -> None:
    """The status enum and its allowed transitions."""
    out.add(f"class {d.status_enum}(str, enum.Enum):")
    for status in d.statuses:
        out.add(f'{status.upper()} = "{status}"', 4)
    out.blank(2)
    first, *middle, last = d.statuses
    out.add(
        f"OPEN_STATUSES = frozenset({{{', '.join(f'{d.status_enum}.{s.upper()}' for s in d.statuses[:-1])}}})"
    )
    out.add(f"TRANSITIONS: dict[{d.status_enum}, frozenset[{d.status_enum}]] = {{")
    steps = [first, *middle, last]
    for here, after in itertools.pairwise(steps):
        out.add(f"{d.status_enum}.{here.upper()}: frozenset({{{d.status_enum}.{after.upper()}}}),", 4)
    out.add(f"{d.status_enum}.{last.upper()}: frozenset(),", 4)
    out.add("}")


def enums_module(d: Domain) -> Source:
    out = Source()
    out.add(f'"""Statuses of {d.plural.replace("_", " ")} and the moves between them."""')
    out.blank()
    out.imports([["import enum"]])
    out.blank()
    enum_block(d, out)
    return out


def models_module(d: Domain, separate_enums: bool) -> Source:
    out = Source()
    table = d.plural
    out.add(f'"""Database tables of {d.plural.replace("_", " ")}: the {d.cls} row and its history."""')
    out.blank()
    out.add("from __future__ import annotations")
    out.blank()
    kinds = {f.kind for f in d.fields}
    stdlib = ["from datetime import date, datetime" if "date" in kinds else "from datetime import datetime"]
    if "decimal" in kinds:
        stdlib.append("from decimal import Decimal")
    if not separate_enums:
        stdlib.append("import enum")
    columns = {column_type(f).split("(")[0] for f in d.fields}
    sqlalchemy = columns | {"CheckConstraint", "DateTime", "Enum", "ForeignKey", "Index", "JSON"}
    sqlalchemy |= {"String", "UniqueConstraint", "func"}
    project = [f"from {d.core.db} import Base"]
    if separate_enums:
        project.append(
            f"from {d.modules.enums} import {names(['OPEN_STATUSES', 'TRANSITIONS', d.status_enum])}"
        )
    third = [
        f"from sqlalchemy import {names(sorted(sqlalchemy))}",
        "from sqlalchemy.orm import Mapped, mapped_column, relationship",
    ]
    out.imports([stdlib, third, project])
    out.blank()
    if not separate_enums:
        enum_block(d, out)
        out.blank(2)
    measure = d.measure.name
    out.add(
        f"""
        class {d.cls}(Base):
            __tablename__ = "{table}"
            __table_args__ = (
                UniqueConstraint("owner_id", "{d.label}", name="uq_{table}_owner_{d.label}"),
                Index("ix_{table}_status_created", "status", "created_at"),
                CheckConstraint("{measure} >= 0", name="ck_{table}_{measure}_not_negative"),
            )

            id: Mapped[int] = mapped_column(primary_key=True)
            owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
        """
    )
    if d.parent is not None:
        out.add(
            f"""
            {d.parent.singular}_id: Mapped[int | None] = mapped_column(
                ForeignKey("{d.parent.plural}.id", ondelete="SET NULL"), index=True
            )
            """,
            4,
        )
    out.add(
        f"""
        status: Mapped[{d.status_enum}] = mapped_column(
            Enum({d.status_enum}, name="{d.singular}_status"), default={d.status_enum}.{d.statuses[0].upper()}
        )
        """,
        4,
    )
    for field in d.fields:
        default = _DEFAULTS.get(field.kind) if not field.optional else None
        extra = f", default={default}" if default else ""
        extra += ", index=True" if field.name in {"code", "reference", "external_id", "slug"} else ""
        out.add(f"{field.name}: Mapped[{py_type(field)}] = mapped_column({column_type(field)}{extra})", 4)
    out.add(
        f"""
            extra: Mapped[dict[str, object]] = mapped_column("metadata", JSON, default=dict)
            archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
            version_id: Mapped[int] = mapped_column(default=1)
            created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
            updated_at: Mapped[datetime] = mapped_column(
                DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
            )

            __mapper_args__ = {{"version_id_col": version_id}}

            events: Mapped[list[{d.cls}Event]] = relationship(
                back_populates="{d.singular}",
                cascade="all, delete-orphan",
                order_by="{d.cls}Event.created_at",
                lazy="raise",
            )
            attachments: Mapped[list[{d.cls}Attachment]] = relationship(
                back_populates="{d.singular}", cascade="all, delete-orphan", lazy="selectin"
            )

            def __repr__(self) -> str:
                return f"<{d.cls} id={{self.id}} status={{self.status.value}}>"

            @property
            def is_open(self) -> bool:
                return self.status in OPEN_STATUSES

            def can_transition_to(self, target: {d.status_enum}) -> bool:
                return target in TRANSITIONS.get(self.status, frozenset())

            def record(self, kind: str, actor_id: int | None, **payload: object) -> {d.cls}Event:
                \"\"\"Append an audit event; it is written with the row, in the same flush.\"\"\"
                event = {d.cls}Event(kind=kind, payload=dict(payload), actor_id=actor_id)
                self.events.append(event)
                return event


        class {d.cls}Event(Base):
            \"\"\"Audit trail: one row per change, written by the service in the same transaction.\"\"\"

            __tablename__ = "{d.singular}_events"

            id: Mapped[int] = mapped_column(primary_key=True)
            {d.singular}_id: Mapped[int] = mapped_column(
                ForeignKey("{table}.id", ondelete="CASCADE"), index=True
            )
            kind: Mapped[str] = mapped_column(String(40))
            payload: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
            actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
            created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

            {d.singular}: Mapped[{d.cls}] = relationship(back_populates="events")


        class {d.cls}Attachment(Base):
            __tablename__ = "{d.singular}_attachments"
            __table_args__ = (UniqueConstraint("{d.singular}_id", "file_name"),)

            id: Mapped[int] = mapped_column(primary_key=True)
            {d.singular}_id: Mapped[int] = mapped_column(ForeignKey("{table}.id", ondelete="CASCADE"))
            file_name: Mapped[str] = mapped_column(String(255))
            content_type: Mapped[str] = mapped_column(String(100))
            size_bytes: Mapped[int] = mapped_column(default=0)
            storage_key: Mapped[str] = mapped_column(String(255), unique=True)
            uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

            {d.singular}: Mapped[{d.cls}] = relationship(back_populates="attachments")

            @property
            def extension(self) -> str:
                return self.file_name.rsplit(".", 1)[-1].lower()
        """,
    )
    return out
