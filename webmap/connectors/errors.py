"""What can go wrong when reading a channel, as the monitor must treat it.

Every message is in words and never carries a token (``redact`` removes the
configured secrets from anything an outside server or library said).
"""

from __future__ import annotations

from collections.abc import Iterable


class ConnectorError(Exception):
    """This run of the source stops; its cursor stays; the next run tries again."""


class NetworkError(ConnectorError):
    """The server could not be reached or kept failing after the retries."""


class MalformedAnswer(ConnectorError):
    """The server answered something that is not the API's JSON."""


class SourceUnavailable(ConnectorError):
    """The watched place is closed, deleted or private: the source is marked unavailable."""


class TokenInvalid(ConnectorError):
    """The channel refuses the token: every source of that channel is stopped until it is fixed."""


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with each (non-trivial) secret replaced by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
