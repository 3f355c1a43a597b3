"""The GeoReport v2 methods; each answers in the asked format (``.json`` or ``.xml``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from webmap.extensions import csrf, db
from webmap.models import Appeal
from webmap.open311 import bp
from webmap.open311.catalogue import attributes, categories, service, service_type
from webmap.open311.encoding import FORMATS, answer, errors
from webmap.open311.keys import valid_key
from webmap.open311.params import Open311Error, check_format, check_jurisdiction, comma_list, parse_datetime
from webmap.open311.public import Query, find_requests, request_of_token, service_notice
from webmap.open311.submit import api_key_of, read_form, submit

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00Z"  # when this endpoint's interface last changed
MAX_IDS = 200


def _format_of_path() -> str:
    """The format the failing request asked for (its path's extension), XML (the spec's default) otherwise."""
    tail = request.path.rsplit("/", 1)[-1]
    fmt = tail.rsplit(".", 1)[-1] if "." in tail else "xml"
    return fmt if fmt in FORMATS else "xml"


@bp.errorhandler(Open311Error)
def _open311_error(exc: Open311Error) -> ResponseReturnValue:
    db.session.rollback()
    return errors(_format_of_path(), exc.status, exc.description)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> ResponseReturnValue:
    db.session.rollback()
    status = exc.code or 400
    response = errors(_format_of_path(), status, exc.description or exc.name)
    if status == 405 and exc.get_response().headers.get("Allow"):
        response.headers["Allow"] = exc.get_response().headers["Allow"]
    return response


@bp.app_errorhandler(405)
def _method_not_allowed(exc: HTTPException) -> ResponseReturnValue:
    """Routing fails before a blueprint is known: Open311's paths still answer in the spec's format."""
    if not request.path.startswith(bp.url_prefix or "/open311"):
        return exc
    return _http_error(exc)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> ResponseReturnValue:
    db.session.rollback()
    current_app.logger.exception("Open311 error on %s", request.path)
    return errors(_format_of_path(), 500, _("Внутренняя ошибка сервера."))


def _args_jurisdiction() -> None:
    check_jurisdiction(request.args.get("jurisdiction_id"))


@bp.get("/discovery.<fmt>")
def discovery(fmt: str) -> ResponseReturnValue:
    """Service discovery: where the GeoReport v2 endpoint is and which formats it speaks."""
    check_format(fmt)
    config = current_app.config
    body = {
        "changeset": CHANGESET,
        "contact": config.get("WEBMAP_OPEN311_CONTACT") or _("Муниципальный центр управления"),
        "key_service": config.get("WEBMAP_OPEN311_KEY_SERVICE")
        or _("Ключ API выдаёт администратор webmap (webmap apikeys create)."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url_for("open311.services", fmt="xml", _external=True).rsplit("/", 1)[0],
                "changeset": CHANGESET,
                "type": "production" if config.get("WEBMAP_ENV") == "production" else "test",
                "formats": list(FORMATS.values()),
            }
        ],
    }
    return answer(fmt, "discovery", body)


@bp.get("/v2/services.<fmt>")
def services(fmt: str) -> ResponseReturnValue:
    """GET Service List: one service per case category."""
    check_format(fmt)
    _args_jurisdiction()
    return answer(fmt, "services", [service(code, name) for code, name in categories()])


@bp.get("/v2/services/<code>.<fmt>")
def service_definition(code: str, fmt: str) -> ResponseReturnValue:
    """GET Service Definition: the attributes a request of this service may carry."""
    check_format(fmt)
    _args_jurisdiction()
    if code not in dict(categories()):
        raise Open311Error(404, _("Услуга service_code=%(code)s не найдена.", code=code[:50]))
    return answer(fmt, "service_definition", {"service_code": code, "attributes": attributes(code)})


def _ids(value: str | None) -> list[int]:
    ids = comma_list("service_request_id", value, limit=MAX_IDS)
    if not all(i.isdigit() and len(i) <= 12 for i in ids):
        raise Open311Error(400, _("service_request_id: номера через запятую."))
    return [int(i) for i in ids]


def _caller_key_id() -> int | None:
    key = valid_key(request.args.get("api_key"))
    return key.id if key else None


@bp.get("/v2/requests.<fmt>")
def list_requests(fmt: str) -> ResponseReturnValue:
    """GET Service Requests: by ids, or by service, period (90 days at most) and status."""
    check_format(fmt)
    _args_jurisdiction()
    args = request.args
    max_days = int(current_app.config.get("WEBMAP_OPEN311_MAX_DAYS", 90))
    ids = _ids(args.get("service_request_id"))
    start = parse_datetime("start_date", args.get("start_date"))
    end = parse_datetime("end_date", args.get("end_date"))
    if not ids:
        if start and end and end < start:
            raise Open311Error(400, _("end_date раньше start_date."))
        if start and end and end - start > timedelta(days=max_days):
            raise Open311Error(400, _("Период не может быть длиннее %(n)s дней.", n=max_days))
        if end is None:
            end = start + timedelta(days=max_days) if start else datetime.now(UTC)
        if start is None:
            start = end - timedelta(days=max_days)
    query = Query(
        ids=ids,
        codes=comma_list("service_code", args.get("service_code"), dict(categories())),
        start=start,
        end=end,
        statuses=comma_list("status", args.get("status"), ("open", "closed")),
        limit=int(current_app.config.get("WEBMAP_OPEN311_MAX_REQUESTS", 1000)),
        key_id=_caller_key_id(),
    )
    found = find_requests(query, datetime.now(UTC))
    db.session.commit()  # the key's last use
    return answer(fmt, "service_requests", found)


@bp.get("/v2/requests/<request_id>.<fmt>")
def one_request(request_id: str, fmt: str) -> ResponseReturnValue:
    """GET Service Request: one request the public may see (or the caller's key submitted)."""
    check_format(fmt)
    _args_jurisdiction()
    if not request_id.isdigit() or len(request_id) > 12:
        raise Open311Error(404, _("Обращение %(id)s не найдено.", id=request_id[:20]))
    found = find_requests(Query(ids=[int(request_id)], key_id=_caller_key_id()), datetime.now(UTC))
    db.session.commit()
    if not found:
        raise Open311Error(404, _("Обращение %(id)s не найдено или ещё не опубликовано.", id=request_id))
    return answer(fmt, "service_requests", found)


@bp.get("/v2/tokens/<token>.<fmt>")
def token(token: str, fmt: str) -> ResponseReturnValue:
    """GET service_request_id from a token (the answer to a POST of a batch service)."""
    check_format(fmt)
    _args_jurisdiction()
    request_id = request_of_token(token) if len(token) <= 100 else None
    if request_id is None:
        raise Open311Error(404, _("Токен %(token)s не найден.", token=token[:100]))
    return answer(fmt, "service_requests", [{"service_request_id": request_id, "token": token}])


@bp.post("/v2/requests.<fmt>")
@csrf.exempt  # other systems post here with an API key, not a session and its CSRF token
def create_request(fmt: str) -> ResponseReturnValue:
    """POST Service Request (form-encoded, ``api_key`` required)."""
    check_format(fmt)
    fields = read_form(request)
    key = valid_key(api_key_of(fields))
    if key is None:
        raise Open311Error(403, _("Нет ключа api_key или он недействителен: обращение не принято."))
    done = submit(fields, key)
    appeal = db.session.get(Appeal, done.service_request_id) if done.service_request_id else None
    notice = (service_notice(appeal) if appeal else None) or _("Обращение принято.")
    if done.joined:
        notice = _("Об этой проблеме уже сообщали: обращение добавлено к открытому.") + " " + notice
    db.session.commit()
    item: dict[str, object]
    if service_type() == "batch":
        item = {"token": done.token, "service_notice": notice, "account_id": done.account_id}
    else:
        item = {"service_request_id": done.service_request_id, "service_notice": notice, "account_id": done.account_id}
    return answer(fmt, "service_requests", [item])


@bp.get("/<path:rest>")
def unknown(rest: str) -> ResponseReturnValue:
    """Any other path under /open311/: the spec's 404."""
    raise Open311Error(404, _("Нет такого ресурса Open311: %(path)s.", path=rest[:100]))
