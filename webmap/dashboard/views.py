"""Dashboard pages: figures and charts, the lists behind them, hot spots, receptions, the
printable district report and the admin's population form."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from webmap.auth.roles import role_required
from webmap.dashboard import EDITORS, VIEWERS, bp
from webmap.dashboard.document import document_title
from webmap.dashboard.filters import Parsed, page_number, parse, query_args
from webmap.dashboard.forms import population_form
from webmap.dashboard.phrases import WorkCount, works_sentence
from webmap.dashboard.tables import (
    BUILDERS,
    CASE_GROUP_TITLES,
    case_group,
    case_link,
    cases_table,
    chart,
    export_links,
    hotspot_or_404,
    reception_filters,
)
from webmap.extensions import db
from webmap.maps.document import map_parts
from webmap.models import District
from webmap.models.names import localized_name
from webmap.models.queries import reference
from webmap.models.vocab import CHANNEL
from webmap.services import analytics as an
from webmap.services.analytics.answers import answer_figures, norms, overdue_answers
from webmap.services.analytics.document import document_data

PER_PAGE = 100


def _choices() -> dict[str, list[tuple[str, str]]]:
    """The filter form's options, named in the page's language."""
    return {
        "districts": [(str(d.id), d.name) for d in reference.districts()],
        "categories": [(c.code, c.name) for c in reference.categories()],
        "channels": [(c, CHANNEL.label(c)) for c in CHANNEL],
    }


def _refused(parsed: Parsed, template: str = "dashboard/index.html") -> tuple[str, int]:
    """The form again with what was wrong: a 400, never a server error."""
    return render_template(template, parsed=parsed, choices=_choices(), args=request.args, refused=True), 400


def _filter_title(parsed: Parsed) -> str:
    f = parsed.filters
    parts = [_("с %(a)s по %(b)s", a=format_date(f.date_from, "dd.MM.yyyy"), b=format_date(f.date_to, "dd.MM.yyyy"))]
    choices = _choices()
    for key, values in (
        ("districts", [str(d) for d in f.districts]),
        ("categories", f.categories),
        ("channels", f.channels),
    ):
        names = dict(choices[key])
        if values:
            parts.append(", ".join(names.get(v, v) for v in values))
    return "; ".join(parts)


def _sentence(parsed: Parsed, works: an.Table) -> str:
    items = [WorkCount(r["code"], r["name_ru"], r["name_en"], r["count"], r["place"]) for r in works.rows]
    return works_sentence(items, parsed.filters.date_from, parsed.filters.date_to)


LINKED_GROUPS = ("received", "in_work", "done", "rejected", "overdue")


def _link_figures(data: an.Dashboard, qa: dict[str, Any]) -> None:
    """Each figure of the tables links to the list behind it; names are put in the page's language."""
    for table in (data.categories, data.works, data.receptions_categories):
        for row in table.rows:
            row["name_ru"] = localized_name(row)
    for row in data.categories.rows:
        row["_links"] = {
            g: url_for("dashboard.cases", **{**qa, "category": row["code"], "group": g}) for g in LINKED_GROUPS
        }
    for row in data.districts.rows:
        if row["id"] is not None:
            row["_links"] = {
                g: url_for("dashboard.cases", **{**qa, "district": row["id"], "group": g}) for g in LINKED_GROUPS
            }
            row["_links"]["name"] = url_for("dashboard.report", **{**qa, "district": row["id"]})
    for row in data.channels.rows:
        row["_links"] = {"received": url_for("dashboard.cases", **{**qa, "channel": row["channel"]})}
        row["channel"] = CHANNEL.label(row["channel"])
    for row in data.receptions_people.rows:
        link = url_for("dashboard.receptions", **qa, received_by=row["received_by"])
        row["_links"] = {"questions": link, "visitors": link}
        row["received_by"] = row["received_by"] or _("не указано")
    for row in data.receptions_categories.rows:
        link = url_for("dashboard.receptions", **qa, rcat=row["code"])
        row["_links"] = {"questions": link, "visitors": link}


def _charts(data: an.Dashboard) -> dict[str, dict[str, Any]]:
    return {
        "trend": chart(
            data.trend,
            "label",
            [("received", _("Поступило обращений")), ("done", _("Из них выполнено")), ("works", _("Выполнено работ"))],
            "line",
        ),
        "categories": chart(
            data.categories, "name_ru", [("received", _("Поступило")), ("done", _("Выполнено"))], horizontal=True
        ),
        "works": chart(data.works, "name_ru", [("count", _("Выполнено"))], horizontal=True),
        "districts": chart(data.districts, "name", [("received", _("Поступило"))]),
        "channels": chart(data.channels, "channel", [("received", _("Обращений"))]),
        "receptions_people": chart(
            data.receptions_people,
            "received_by",
            [("visitors", _("Посетителей")), ("questions", _("Вопросов"))],
            horizontal=True,
        ),
        "receptions_categories": chart(
            data.receptions_categories, "name_ru", [("questions", _("Вопросов"))], horizontal=True
        ),
    }


def _tiles() -> dict[str, str]:
    return {
        "tile_url": current_app.config.get("WEBMAP_TILE_URL") or "",
        "tile_attribution": current_app.config.get("WEBMAP_TILE_ATTRIBUTION") or "",
    }


@bp.get("/")
@role_required(*VIEWERS)
def index() -> Any:
    parsed = parse(request.args)
    if not parsed.ok:
        return _refused(parsed)
    f = parsed.filters
    now = datetime.now(UTC)
    data = an.dashboard(f, now)
    qa = query_args(f, parsed.hotspot)
    answers, late = _answer_tables(f, now)
    sentence = _sentence(parsed, data.works)
    _link_figures(data, qa)
    # on the page a month is named ("март 2025"); exports keep the date
    for row in data.trend.rows:
        row["label"] = _bucket_label(row["bucket"], f.step)
    data.trend = an.Table(
        data.trend.name,
        data.trend.title,
        [an.Column("label", data.trend.columns[0].title)] + data.trend.columns[1:],
        data.trend.rows,
    )
    return render_template(
        "dashboard/index.html",
        parsed=parsed,
        choices=_choices(),
        args=request.args,
        data=data,
        sentence=sentence,
        charts=_charts(data),
        qa=qa,
        title=_filter_title(parsed),
        figure_links={g: url_for("dashboard.cases", **qa, group=g) for g in an.CASE_GROUPS},
        exports={name: export_links(name, parsed) for name in BUILDERS},
        summary_table=an.summary_table(data.summary),
        answers=answers,
        answers_overdue=late,
        case_link=case_link,
        map_url=url_for("dashboard.map_data", **qa),
        **_tiles(),
    )


def _answer_tables(f: an.Filters, now: datetime) -> tuple[an.Table, an.Table]:
    """Time to answer per channel and the open cases past their norm, channels named for people."""
    given = norms(current_app.config.get("WEBMAP_ANSWER_NORMS"))
    figures, late = answer_figures(f, now, given), overdue_answers(f, now, given)
    for row in figures.rows:
        unit = _("раб. ч") if row["norm_working"] else _("дн.")
        row["norm"] = f"{row['norm_amount']:g} {unit}"
    for row in figures.rows + late.rows:
        row["channel"] = CHANNEL.label(row["channel"])
    return figures, late


def _bucket_label(bucket: Any, step: str) -> str:
    if step == "week":
        return format_date(bucket, "dd.MM.yyyy")
    return format_date(bucket, "LLLL yyyy")


@bp.get("/data/map.json")
@role_required(*VIEWERS)
def map_data() -> Any:
    """Districts with their figures (the choropleth) and the hot spots, for static/js/dashboard_map.js."""
    parsed = parse(request.args)
    if not parsed.ok:
        return jsonify(errors=parsed.errors), 400
    qa = query_args(parsed.filters, parsed.hotspot)
    spots = an.hotspots(parsed.filters, parsed.hotspot)
    from webmap.maps.layers import streets_geojson

    return jsonify(
        districts=an.districts_geojson(parsed.filters),
        streets=streets_geojson(),
        hotspots=[
            {
                "rank": s.rank,
                "category": s.category,
                "size": s.size,
                "open": s.open,
                "lon": round(s.lon, 6),
                "lat": round(s.lat, 6),
                "district": s.district,
                "url": url_for("dashboard.hotspot", rank=s.rank, **qa),
            }
            for s in spots
        ],
    )


@bp.get("/cases")
@role_required(*VIEWERS)
def cases() -> Any:
    """The cases behind a figure: ``group`` (received, in_work, done, overdue ...) under the filters."""
    parsed = parse(request.args)
    if not parsed.ok:
        return _refused(parsed)
    group = case_group(request.args.get("group"))
    page = page_number(request.args)
    total = an.count_cases(parsed.filters, group)
    table = cases_table(parsed, group, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render_template(
        "dashboard/cases.html",
        parsed=parsed,
        table=table,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        title=CASE_GROUP_TITLES[group],
        subtitle=_filter_title(parsed),
        case_link=case_link,
        exports=export_links("cases", parsed, group=group),
        qa=query_args(parsed.filters),
        geojson=url_for("dashboard.export", name="cases", fmt="geojson", **query_args(parsed.filters), group=group),
    )


@bp.get("/hotspots")
@role_required(*VIEWERS)
def hotspots() -> Any:
    parsed = parse(request.args)
    if not parsed.ok:
        return _refused(parsed, "dashboard/hotspots.html")
    spots = an.hotspots(parsed.filters, parsed.hotspot)
    qa = query_args(parsed.filters, parsed.hotspot)
    table = an.hotspots_table(spots)
    for row in table.rows:
        row["_links"] = {
            "size": url_for("dashboard.hotspot", rank=row["rank"], **qa),
            "rank": url_for("dashboard.hotspot", rank=row["rank"], **qa),
        }
    return render_template(
        "dashboard/hotspots.html",
        parsed=parsed,
        choices=_choices(),
        args=request.args,
        table=table,
        subtitle=_filter_title(parsed),
        exports=export_links("hotspots", parsed),
        map_url=url_for("dashboard.map_data", **qa),
        **_tiles(),
    )


@bp.get("/hotspots/<int:rank>")
@role_required(*VIEWERS)
def hotspot(rank: int) -> Any:
    """The cases of the hot spot ranked ``rank`` under the same filters and settings."""
    parsed = parse(request.args)
    if not parsed.ok:
        return _refused(parsed)
    spot = hotspot_or_404(parsed, rank)
    table = cases_table(parsed, "received", spot.ids)
    title = _("Очаг №%(n)s: %(category)s, %(size)s", n=rank, category=spot.category, size=spot.size)
    return render_template(
        "dashboard/cases.html",
        parsed=parsed,
        table=table,
        total=len(table.rows),
        page=1,
        pages=1,
        title=title,
        subtitle=_filter_title(parsed),
        case_link=case_link,
        exports=export_links("cases", parsed, hotspot=rank),
        qa=query_args(parsed.filters, parsed.hotspot),
        geojson=url_for(
            "dashboard.export", name="cases", fmt="geojson", **query_args(parsed.filters, parsed.hotspot), hotspot=rank
        ),
    )


@bp.get("/receptions")
@role_required(*VIEWERS)
def receptions() -> Any:
    """The visitors behind a reception figure (personal data: the dashboard's roles only)."""
    parsed = parse(request.args)
    if not parsed.ok:
        return _refused(parsed)
    who, rcat = reception_filters()
    page = page_number(request.args)
    table = an.reception_list(parsed.filters, who, rcat, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
    more = len(table.rows) > PER_PAGE
    table.rows = table.rows[:PER_PAGE]
    for row in table.rows:
        row["name_ru"] = localized_name(row)
    extra = {k: v for k, v in (("received_by", who), ("rcat", rcat)) if v is not None}
    return render_template(
        "dashboard/receptions.html",
        parsed=parsed,
        table=table,
        page=page,
        more=more,
        who=who,
        rcat=rcat,
        subtitle=_filter_title(parsed),
        case_link=case_link,
        qa=query_args(parsed.filters),
        exports=export_links("receptions", parsed, **extra),
    )


@bp.get("/report")
@role_required(*VIEWERS)
def report() -> Any:
    """A one-page printable report on a district (or the town) for a meeting."""
    parsed = parse(request.args)
    if not parsed.ok:
        return _refused(parsed)
    f = parsed.filters
    if len(f.districts) > 1:
        abort(400, description=_("Отчёт строится по одному микрорайону."))
    district = db.session.get(District, f.districts[0]) if f.districts else None
    summary = an.summary(f)
    works = an.works_by_type(f)
    sentence = _sentence(parsed, works)  # before the names are put in the page's language
    for row in works.rows:
        row["name_ru"] = localized_name(row)
    categories = an.by_category(f)
    for row in categories.rows:
        row["name_ru"] = localized_name(row)
    all_spots = an.hotspots(f, parsed.hotspot)
    spots = all_spots[:5]
    svg = an.district_svg(district.id if district else None, spots)
    data = document_data(f, parsed.hotspot)
    data.spots = all_spots
    doc = map_parts(data, document_title(parsed))
    return render_template(
        "dashboard/report.html",
        parsed=parsed,
        district=district,
        summary=summary,
        summary_table=an.summary_table(summary),
        works=works,
        categories=categories,
        spots=spots,
        sentence=sentence,
        svg=svg,
        doc=doc,
        subtitle=_filter_title(parsed),
        now=datetime.now(UTC),
        qa=query_args(parsed.filters, parsed.hotspot),
    )


@bp.route("/districts", methods=["GET", "POST"])
@role_required(*EDITORS)
def districts() -> Any:
    """The admin's form of district populations (for cases per 1,000 residents)."""
    items = list(reference.districts())
    form = population_form(items)
    if form.validate_on_submit():
        changed = 0
        for district in items:
            value = form[f"pop_{district.id}"].data
            if value != district.population:
                district.population = value
                changed += 1
        db.session.commit()
        flash(_("Население сохранено (изменено микрорайонов: %(n)s).", n=changed), "success")
        return redirect(url_for("dashboard.districts"))
    status = 400 if form.is_submitted() else 200
    return render_template("dashboard/districts.html", form=form, items=items), status


@bp.errorhandler(400)
def bad_request(error: Any) -> Any:
    message = getattr(error, "description", None) or _("Неверный запрос.")
    if request.path.endswith((".json", ".geojson")):
        return jsonify(error="bad_request", message=str(message)), 400
    return render_template("dashboard/error.html", message=message), 400
