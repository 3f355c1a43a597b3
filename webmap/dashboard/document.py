"""``/dashboard/export/map.html``: the map document of a district and period, as one HTML file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Response, current_app, render_template, request
from flask.cli import with_appcontext
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import String, cast, func, or_, select
from werkzeug.datastructures import MultiDict

from webmap.auth.roles import role_required
from webmap.dashboard import VIEWERS, bp
from webmap.dashboard.filters import Parsed, parse
from webmap.extensions import db
from webmap.maps.document import DocumentTitle, render_document
from webmap.models import District
from webmap.security import nonce_scripts
from webmap.services.analytics.document import document_data


def document_title(parsed: Parsed) -> DocumentTitle:
    """Title of the document: the district (or the town), the period, when it was made."""
    f = parsed.filters
    district = db.session.get(District, f.districts[0]) if len(f.districts) == 1 else None
    period = _("с %(a)s по %(b)s", a=format_date(f.date_from, "dd.MM.yyyy"), b=format_date(f.date_to, "dd.MM.yyyy"))
    return DocumentTitle(
        place=district.name if district else _("город целиком"),
        period=period,
        town=current_app.config["WEBMAP_TOWN_NAME"],
        made_at=datetime.now(UTC),
    )


def document_html(args: MultiDict[str, str]) -> tuple[str | None, list[str]]:
    """The document for the dashboard's filter ``args``, or None and what was wrong."""
    parsed = parse(args)
    if not parsed.ok:
        return None, parsed.errors
    return render_document(document_data(parsed.filters, parsed.hotspot), document_title(parsed)), []


def document_filename(args: MultiDict[str, str]) -> str:
    parts = ["karta"]
    for key in ("district", "from", "to"):
        value = args.get(key, "").strip()
        if value and value.replace("-", "").replace(".", "").isalnum():
            parts.append(value)
    return "-".join(parts) + ".html"


@bp.get("/export/map.html")
@role_required(*VIEWERS)
def map_document() -> ResponseReturnValue:
    """The map document, shown in the browser (``?download=1``: as a file to save); from disk it needs no
    network."""
    html, errors = document_html(request.args)
    if html is None:
        return render_template("dashboard/error.html", message=" ".join(errors)), 400
    response = Response(nonce_scripts(html), mimetype="text/html")
    disposition = "attachment" if request.args.get("download") == "1" else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{document_filename(request.args)}"'
    return response


export_cli = click.Group("export", help="Documents for the administration.")


def _district_id(value: str) -> str:
    """A district given by id, code or name, as the dashboard's id parameter."""
    district = db.session.scalar(
        select(District).where(
            or_(District.code == value, func.lower(District.name) == value.lower(), cast(District.id, String) == value)
        )
    )
    if district is None:
        raise click.BadParameter(f"no district {value!r} (give its id, code or name)", param_hint="--district")
    return str(district.id)


@export_cli.command("map")
@click.option("--district", help="District id, code or name; the whole town when left out.")
@click.option("--from", "date_from", help="First day, YYYY-MM-DD (default: the dashboard's period).")
@click.option("--to", "date_to", help="Last day, YYYY-MM-DD.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
@with_appcontext
def export_map(district: str | None, date_from: str | None, date_to: str | None, out: Path) -> None:
    """Write the map document (one HTML file that opens with no network) to OUT."""
    args: MultiDict[str, str] = MultiDict()
    if district:
        args["district"] = _district_id(district)
    if date_from:
        args["from"] = date_from
    if date_to:
        args["to"] = date_to
    with current_app.test_request_context("/dashboard/export/map.html"):
        html, errors = document_html(args)
    if html is None:
        raise click.ClickException("; ".join(errors))
    out.write_text(html, encoding="utf-8")
    click.echo(f"wrote {out} ({len(html.encode('utf-8')) // 1024} KB)")
