"""``webmap apikeys create|list|revoke``: the keys other systems use to submit Open311 requests."""

from __future__ import annotations

import click
from sqlalchemy import select

from webmap.extensions import db
from webmap.models import ApiKey
from webmap.open311.keys import KeyNameTaken, create_key, revoke_key

apikeys_cli = click.Group("apikeys", help="API keys of the systems that submit Open311 requests.")


def _when(value: object) -> str:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else "-"


@apikeys_cli.command("create")
@click.argument("name")
def create(name: str) -> None:
    """Make a key for the system NAME; the key is printed once, on the last line, and stored hashed."""
    name = name.strip()
    if not name or len(name) > 100:
        raise click.ClickException("NAME: 1 to 100 characters")
    try:
        _row, key = create_key(name)
        db.session.commit()
    except KeyNameTaken as exc:
        db.session.rollback()
        raise click.ClickException(f"a key named {name!r} exists; revoke it or choose another name") from exc
    click.echo(f"created the API key {name!r}; keep it now, it is not shown again:")
    click.echo(key)


@apikeys_cli.command("list")
def list_keys() -> None:
    """Every key: name, created, last used, revoked (never the key)."""
    rows = db.session.scalars(select(ApiKey).order_by(ApiKey.name))
    for row in rows:
        state = f"revoked {_when(row.revoked_at)}" if row.revoked_at else "active"
        click.echo(f"{row.name}\tcreated {_when(row.created_at)}\tlast used {_when(row.last_used_at)}\t{state}")


@apikeys_cli.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    """Revoke the key NAME: requests with it are refused from now on."""
    row = revoke_key(name)
    if row is None:
        raise click.ClickException(f"no key named {name!r}")
    db.session.commit()
    click.echo(f"revoked {name!r}")
