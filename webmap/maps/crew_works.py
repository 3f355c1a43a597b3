"""A crew's assigned works, nearest first from where the crew stands."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import text

from webmap.extensions import db
from webmap.maps.detail import status_label, where

OPEN_WORK_STATUSES = ("planned", "in_work")


def nav_links(lat: float, lon: float) -> dict[str, str]:
    """A geo: URI (the phone's own navigator) and a link to a maps site (a plain link, never loaded)."""
    site = current_app.config.get("WEBMAP_NAV_URL") or ""
    return {
        "geo": f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}",
        "web": site.format(lat=f"{lat:.6f}", lon=f"{lon:.6f}") if site else "",
    }


def assigned_works(user_id: int, lat: float | None = None, lon: float | None = None) -> list[dict[str, Any]]:
    """Open works of crew ``user_id``; by distance (PostGIS, on the spheroid) when lat/lon are given."""
    name = "name_en" if str(get_locale()) == "en" else "name_ru"
    located = lat is not None and lon is not None
    distance = (
        "ST_Distance(w.geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography)" if located else "NULL"
    )
    rows = (
        db.session.execute(
            text(
                f"SELECT w.id, w.type_code, t.{name} AS title, t.icon, w.status, w.public_note, w.created_at, "
                "ST_X(ST_PointOnSurface(w.geom)) AS x, ST_Y(ST_PointOnSurface(w.geom)) AS y, "
                f"{distance} AS distance "
                "FROM works w JOIN work_types t ON t.code = w.type_code "
                "WHERE w.crew_id = :crew AND w.status IN ('planned', 'in_work') "
                f"ORDER BY {'distance' if located else 'w.created_at'}, w.id"
            ),
            {"crew": user_id, "lat": lat, "lon": lon},
        )
        .mappings()
        .all()
    )
    ids = [r["id"] for r in rows]
    cases: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        cat = "name_en" if str(get_locale()) == "en" else "name_ru"
        for work_id, case_id, title, address in db.session.execute(
            text(
                f"SELECT wa.work_id, a.id, c.{cat}, a.address FROM work_appeals wa "
                "JOIN appeals a ON a.id = wa.appeal_id JOIN categories c ON c.code = a.category_code "
                "WHERE wa.work_id = ANY(:ids) ORDER BY a.id"
            ),
            {"ids": ids},
        ):
            cases[work_id].append({"id": case_id, "title": title, "address": address})
    out = []
    for r in rows:
        out.append(
            {
                "id": r["id"],
                "type": r["type_code"],
                "title": r["title"],
                "icon": r["icon"],
                "status": r["status"],
                "status_label": status_label("work", r["status"]),
                "note": r["public_note"],
                "lat": round(r["y"], 6),
                "lon": round(r["x"], 6),
                "distance_m": round(r["distance"]) if r["distance"] is not None else None,
                "where": where(r["x"], r["y"]),
                "cases": cases[r["id"]],
                "nav": nav_links(r["y"], r["x"]),
            }
        )
    return out
