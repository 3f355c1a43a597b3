"""The town's gazetteer: districts, streets, addresses and landmarks."""

from __future__ import annotations

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webmap.extensions import Model


def _trigram_index(table: str, column: str) -> Index:
    """A GIN trigram index, so fuzzy name lookups (pg_trgm) stay fast."""
    return Index(f"ix_{table}_{column}_trgm", column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


class District(Model):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    population: Mapped[int | None] = mapped_column(Integer)
    geom: Mapped[WKBElement] = mapped_column(Geometry("MULTIPOLYGON", srid=4326), nullable=False)

    def __repr__(self) -> str:
        return f"<District {self.code} {self.name}>"


class Street(Model):
    __tablename__ = "streets"
    __table_args__ = (UniqueConstraint("name_key", "type"), _trigram_index("streets", "name_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # bare: "Мира"
    type: Mapped[str] = mapped_column(String(50))  # "улица", "проспект", ...
    full_name: Mapped[str] = mapped_column(String(300))
    aliases: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    geom: Mapped[WKBElement] = mapped_column(Geometry("MULTILINESTRING", srid=4326), nullable=False)

    addresses: Mapped[list[Address]] = relationship(back_populates="street")

    def __repr__(self) -> str:
        return f"<Street {self.full_name}>"


class Address(Model):
    __tablename__ = "addresses"
    __table_args__ = (UniqueConstraint("street_id", "house_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id", ondelete="CASCADE"))
    housenumber: Mapped[str] = mapped_column(String(50))  # as written: "24А", "2 корп. 2"
    house_key: Mapped[str] = mapped_column(String(50))  # normalised: "24а", "2к2"
    full_name: Mapped[str] = mapped_column(String(300))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))
    geom: Mapped[WKBElement] = mapped_column(Geometry("POINT", srid=4326), nullable=False)

    street: Mapped[Street] = relationship(back_populates="addresses")
    district: Mapped[District | None] = relationship()


class Landmark(Model):
    __tablename__ = "landmarks"
    __table_args__ = (_trigram_index("landmarks", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(50))
    aliases: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    name_key: Mapped[str] = mapped_column(String(300))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))
    geom: Mapped[WKBElement] = mapped_column(Geometry("POINT", srid=4326), nullable=False)

    district: Mapped[District | None] = relationship()
