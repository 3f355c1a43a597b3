"""``POST /hooks/vk`` (VK Callback API) and ``POST /hooks/telegram/<secret>`` (Telegram webhook)."""

from __future__ import annotations

import hmac
import json
from typing import Any

from flask import abort, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from webmap.hooks import bp
from webmap.hooks.events import VK_EVENTS, store_event, telegram_batch, vk_batch

MAX_EVENT_BYTES = 1024 * 1024


def _same(given: Any, expected: str) -> bool:
    return bool(expected) and isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())


def _event() -> dict[str, Any]:
    if (request.content_length or 0) > MAX_EVENT_BYTES:
        abort(413)
    try:
        data = json.loads(request.get_data(cache=False)[: MAX_EVENT_BYTES + 1].decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        abort(400, "not JSON")
    if not isinstance(data, dict):
        abort(400, "not a JSON object")
    return data


def _text(body: str, status: int = 200) -> ResponseReturnValue:
    return body, status, {"Content-Type": "text/plain; charset=utf-8"}


@bp.route("/vk", methods=["POST"])
def vk_callback() -> ResponseReturnValue:
    """VK's Callback API: the confirmation answer, then each event once; VK wants ``ok`` at once."""
    cfg = current_app.config
    event = _event()
    if event.get("type") == "confirmation":
        code = str(cfg.get("WEBMAP_VK_CONFIRMATION") or "")
        return _text(code) if code else _text("the confirmation code is not configured", 503)
    if not _same(event.get("secret"), str(cfg.get("WEBMAP_VK_CALLBACK_SECRET") or "")):
        return _text("wrong secret", 403)
    kind, event_id = str(event.get("type") or ""), event.get("event_id")
    if kind in VK_EVENTS and isinstance(event_id, str) and event_id:
        payload = {k: v for k, v in event.items() if k != "secret"}
        store_event("vk", event_id, kind, payload, vk_batch(payload))
    return _text("ok")  # events of other types are not residents' messages; VK must not resend them


@bp.route("/telegram/<secret>", methods=["POST"])
def telegram_webhook(secret: str) -> ResponseReturnValue:
    """The Bot API webhook: each update once by its update_id."""
    expected = str(current_app.config.get("WEBMAP_TELEGRAM_WEBHOOK_SECRET") or "")
    if not _same(secret, expected):
        abort(404)
    header = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
    if header is not None and not _same(header, expected):
        abort(403)
    update_ = _event()
    update_id = update_.get("update_id")
    if not isinstance(update_id, int):
        abort(400, "update without update_id")
    store_event("telegram", str(update_id), _kind(update_), update_, telegram_batch(update_))
    return jsonify(ok=True)


def _kind(update_: dict[str, Any]) -> str:
    return next((k for k in update_ if k != "update_id"), "unknown")
