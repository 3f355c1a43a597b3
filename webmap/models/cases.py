"""What residents wrote (SourceMessage) and the cases made of it (Appeal)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webmap.extensions import Model
from webmap.models.names import LocalizedName
from webmap.models.vocab import APPEAL_STATUS, LINE, OPEN, PLACED_BY, PRECISION

if TYPE_CHECKING:
    from webmap.models.gazetteer import District
    from webmap.models.works import Work


class Category(LocalizedName, Model):
    """A kind of problem; ``deadline_days`` overrides the channel's default; ``name`` is in the page's language."""

    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    deadline_days: Mapped[int | None] = mapped_column(Integer)


class SourceMessage(Model):
    """A message as a channel delivered it: never rewritten, never deleted."""

    __tablename__ = "source_messages"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        CheckConstraint("channel ~ '^[a-z][a-z0-9_]{1,31}$'", name="channel_name"),
        # the dashboard (migration 0015): a period's personal receptions
        Index(
            "ix_source_messages_reception",
            "posted_at",
            postgresql_include=["id", "appeal_id", "received_by", "author"],
            postgresql_where=text("channel = 'reception'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)  # only for public posts
    author: Mapped[str | None] = mapped_column(Text)  # personal data: never public
    author_id: Mapped[str | None] = mapped_column(String(200))  # personal data
    # who took it (receptions, calls): read from the record at import, so analytics never parses ``raw``
    received_by: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    raw: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # Triage output kept beside the raw message: place guess, category, PII spans.
    triage: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id", ondelete="SET NULL"), index=True)
    # The channel said the author deleted it (VK wall_reply_delete); the message itself stays.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    appeal: Mapped[Appeal | None] = relationship(back_populates="messages")

    def __repr__(self) -> str:
        return f"<SourceMessage {self.channel}:{self.external_id}>"


# The maps' spatial key of a case: the band of longitude it lies in, MAP_BAND_DEG wide (about 2.7 km
# at 61°N). A GiST index cannot carry the other columns a cluster needs; a B-tree keyed by the band
# can, and finds a town's cases without reading the region's other towns.
MAP_BAND_DEG = 0.05
MAP_BAND = f"floor(ST_X(point) / {MAP_BAND_DEG})"


class Appeal(Model):
    """A case: one problem at one place, grouping the messages that report it."""

    __tablename__ = "appeals"
    __table_args__ = (
        CheckConstraint(APPEAL_STATUS.check("status"), name="status"),
        CheckConstraint(PRECISION.check("precision"), name="precision"),
        CheckConstraint(PLACED_BY.check("placed_by"), name="placed_by"),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence"),
        CheckConstraint("(point IS NULL) = (precision = 'none')", name="point_precision"),
        CheckConstraint(f"line IS NULL OR {PRECISION.sql_group('precision', LINE)}", name="line_precision"),
        CheckConstraint("line IS NULL OR GeometryType(line) IN ('LINESTRING', 'MULTILINESTRING')", name="line_type"),
        CheckConstraint("(status = 'duplicate') = (duplicate_of_id IS NOT NULL)", name="duplicate_of"),
        # maps (migration 0016): town-wide clustering reads only this index (index-only scan), one
        # town's band of longitude of many ...
        Index(
            "ix_appeals_map_band",
            "status",
            text(MAP_BAND),
            postgresql_include=["point", "id", "category_code", "district_id", "created_at", "closed_at", "deadline"],
            postgresql_where=text("point IS NOT NULL"),
        ),
        # ... and views of a district or a street find open cases by place
        Index(
            "ix_appeals_point_open",
            "point",
            postgresql_using="gist",
            postgresql_where=text(APPEAL_STATUS.sql_group("status", OPEN)),
        ),
        # region scale (migration 0014): the public map's cases (in work) by place, one town of many
        Index(
            "ix_appeals_point_in_work", "point", postgresql_using="gist", postgresql_where=text("status = 'in_work'")
        ),
        # the dashboard (migration 0015): a period's cases counted from this index alone
        Index(
            "ix_appeals_received",
            "created_at",
            postgresql_include=["status", "category_code", "district_id", "deadline", "closed_at", "channels"],
        ),
        # ... and the category and district of the cases of a period's receptions
        Index("ix_appeals_id_category", "id", postgresql_include=["category_code", "district_id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="new", server_default="new", index=True)
    point: Mapped[WKBElement | None] = mapped_column(Geometry("POINT", srid=4326))
    # A case placed on a street or a stretch of it: that line, drawn on the operator's map;
    # ``point`` then stands on the line, so that clustering and the public map stay points.
    line: Mapped[WKBElement | None] = mapped_column(Geometry("GEOMETRY", srid=4326))
    precision: Mapped[str] = mapped_column(String(20), default="none", server_default="none")
    confidence: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    # the category's probability by the classifier; 1 once an operator set it, NULL for older cases
    category_confidence: Mapped[float | None] = mapped_column(Float)
    placed_by: Mapped[str] = mapped_column(String(10), default="auto", server_default="auto")
    address: Mapped[str | None] = mapped_column(Text)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"), index=True)
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    public_note: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The distinct channels of the case's messages, sorted: written only by the database (the
    # trigger of migration 0015 on source_messages), read by the dashboard and the filters.
    channels: Mapped[list[str]] = mapped_column(ARRAY(String(32)), server_default="{}")

    __mapper_args__ = {"version_id_col": version}

    category: Mapped[Category] = relationship()
    district: Mapped[District | None] = relationship()
    messages: Mapped[list[SourceMessage]] = relationship(back_populates="appeal", order_by="SourceMessage.posted_at")
    works: Mapped[list[Work]] = relationship(secondary="work_appeals", back_populates="appeals")
    duplicate_of: Mapped[Appeal | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Appeal {self.id} {self.category_code} {self.status}>"
