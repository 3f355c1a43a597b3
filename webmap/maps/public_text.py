"""What the public may read about a case's sources, and text made safe to publish.

A public social post (VK, Telegram, Odnoklassniki) may be linked by its URL,
and only when the URL is the address of a post in a community or public
channel (never a person's profile or wall). Messages from non-public channels
(ПОС, personal reception, phone, manual entry) are named by channel only, with
no text. Any free text shown publicly goes through :func:`public_text`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from flask import has_app_context
from flask_babel import gettext as _

from geo.pii import find_pii, redact
from geo.triage import redact_personal

# A post in a community (negative owner id) or one of its comments.
_VK_POST = re.compile(
    r"https://(?:m\.)?vk\.(?:com|ru)/wall-\d{1,12}_\d{1,12}(?:\?reply=\d{1,12}(?:&thread=\d{1,12})?)?"
)
# A message in a public channel or group (t.me/<name>/<id>), not a private chat link (t.me/c/...).
_TG_POST = re.compile(r"https://t\.me/(?!c/)[A-Za-z][A-Za-z0-9_]{3,31}/\d{1,12}(?:\?comment=\d{1,12})?")
_OK_POST = re.compile(r"https://(?:m\.)?ok\.ru/group/\d{1,20}/topic/\d{1,20}")
POST_URL = {"vk": _VK_POST, "telegram": _TG_POST, "ok": _OK_POST}


def public_post_url(channel: str, url: str | None) -> str | None:
    """``url`` if it is a public post of a public channel, else None."""
    pattern = POST_URL.get(channel)
    if not url or pattern is None:
        return None
    return url if pattern.fullmatch(url) else None


def source_label(channel: str) -> str:
    """How the public page names where a request came from."""
    labels = {
        "vk": _("пост ВКонтакте"),
        "telegram": _("сообщение в Telegram"),
        "ok": _("пост в Одноклассниках"),
        "pos": _("обращение через ПОС"),
        "reception": _("личный приём"),
        "phone": _("обращение по телефону"),
    }
    return labels.get(channel, _("обращение"))


def public_text(text: str | None, limit: int = 1000) -> str | None:
    """``text`` with phones, e-mails, links and person names replaced by placeholders.

    Street names that are also surnames ("на Мира и Ленина") are kept: the
    gazetteer index says where the places are.
    """
    if not text:
        return None
    text = text[:limit]
    if has_app_context():
        from webmap.services.triage import current_index

        return _redacted(text, current_index())
    return redact(text, find_pii(text))


@lru_cache(maxsize=4096)
def _redacted(text: str, index: Any) -> str:
    return redact_personal(text, index)
