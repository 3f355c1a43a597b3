"""Works done on the ground in answer to cases."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webmap.extensions import Model, db
from webmap.models.names import LocalizedName
from webmap.models.vocab import WORK_STATUS

if TYPE_CHECKING:
    from webmap.models.cases import Appeal
    from webmap.models.users import User

work_appeals = Table(
    "work_appeals",
    db.metadata,
    Column("work_id", ForeignKey("works.id", ondelete="CASCADE"), primary_key=True),
    Column("appeal_id", ForeignKey("appeals.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class WorkType(LocalizedName, Model):
    """A kind of work (speed bump installed, ...); admins may add their own; ``name`` is in the page's language."""

    __tablename__ = "work_types"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    icon: Mapped[str] = mapped_column(String(50), default="other", server_default="other")


class Work(Model):
    __tablename__ = "works"
    __table_args__ = (
        CheckConstraint(WORK_STATUS.check("status"), name="status"),
        CheckConstraint("GeometryType(geom) IN ('POINT', 'LINESTRING', 'MULTILINESTRING')", name="geom_type"),
        CheckConstraint("(status = 'done') = (done_at IS NOT NULL)", name="done_at"),
        # migration 0003: the works of a status from this index alone (the dashboard's works by type)
        Index("ix_works_map_cover", "status", "type_code", postgresql_include=["geom", "id", "done_at", "created_at"]),
        # region scale (migration 0014): the public map's works (done) by place, one town of many
        Index("ix_works_geom_done", "geom", postgresql_using="gist", postgresql_where=text("status = 'done'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type_code: Mapped[str] = mapped_column(ForeignKey("work_types.code"), index=True)
    geom: Mapped[WKBElement] = mapped_column(Geometry("GEOMETRY", srid=4326), nullable=False)
    status: Mapped[str] = mapped_column(String(20), default="planned", server_default="planned", index=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    crew_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    public_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # raised by every update: a form saved on an older version is refused, never silently applied
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    type: Mapped[WorkType] = relationship()
    crew: Mapped[User | None] = relationship()
    appeals: Mapped[list[Appeal]] = relationship(secondary=work_appeals, back_populates="works")
    photos: Mapped[list[WorkPhoto]] = relationship(back_populates="work", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Work {self.id} {self.type_code} {self.status}>"


class WorkPhoto(Model):
    """A photo of a work, stored without EXIF; ``stage`` is before or after."""

    __tablename__ = "work_photos"
    __table_args__ = (CheckConstraint("stage IN ('before', 'after')", name="stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    work: Mapped[Work] = relationship(back_populates="photos")
