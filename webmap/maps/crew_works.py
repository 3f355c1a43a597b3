"""A crew's assigned works, nearest first from where the crew stands."""

from __future__ import annotations

from typing import Any

from flask import current_app

from webmap.maps.detail import where
from webmap.models.queries import works as works_queries
from webmap.models.vocab import WORK_STATUS


def nav_links(lat: float, lon: float) -> dict[str, str]:
    """A geo: URI (the phone's own navigator) and a link to a maps site (a plain link, never loaded)."""
    site = current_app.config.get("WEBMAP_NAV_URL") or ""
    return {
        "geo": f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}",
        "web": site.format(lat=f"{lat:.6f}", lon=f"{lon:.6f}") if site else "",
    }


def assigned_works(user_id: int, lat: float | None = None, lon: float | None = None) -> list[dict[str, Any]]:
    """Open works of crew ``user_id``, nearest first when lat/lon are given, ready for the crew page."""
    rows = works_queries.open_works_of_crew(user_id, lat, lon)
    cases = works_queries.cases_of_works([r["id"] for r in rows])
    out = []
    for r in rows:
        out.append(
            {
                "id": r["id"],
                "type": r["type_code"],
                "title": r["title"],
                "icon": r["icon"],
                "status": r["status"],
                "status_label": WORK_STATUS.label(r["status"]),
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
