"""``webmap serve``: the app in production under gunicorn, the standard pre-fork WSGI server.

It is the same as ``gunicorn -w N 'webmap:create_app()'``; the wrapper reads ``WEBMAP_WORKERS``
and ``WEBMAP_BIND`` so the systemd unit needs no flags.
"""

from __future__ import annotations

import os
from typing import Any

import click


@click.command("serve")
@click.option(
    "--bind",
    default=lambda: os.environ.get("WEBMAP_BIND", "127.0.0.1:8000"),
    show_default="WEBMAP_BIND or 127.0.0.1:8000",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=lambda: int(os.environ.get("WEBMAP_WORKERS", "2")),
    show_default="WEBMAP_WORKERS or 2",
)
def serve_command(bind: str, workers: int) -> None:
    """Serve the app in production with gunicorn (the same as gunicorn -w N 'webmap:create_app()')."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # gunicorn ships no types: BaseApplication is Any
        def load_config(self) -> None:
            settings: dict[str, Any] = {"bind": bind, "workers": workers, "accesslog": None, "timeout": 60}
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from webmap import create_app

            return create_app()

    Server().run()
