"""``webmap users ...``: create users, set roles, disable and list them.

Passwords are prompted twice with no echo, or read from the first line of stdin
(``--password-stdin``, for scripts); they are hashed (werkzeug's scrypt) and
never printed or logged.
"""

from __future__ import annotations

import sys

import click
from sqlalchemy import func, select

from webmap.auth.accounts import find_user, normalize_username, password_problem, username_problem
from webmap.extensions import db
from webmap.models import User
from webmap.models.constants import ROLES

users_cli = click.Group("users", help="Users of the internal pages and their roles.")

_role = click.Choice(ROLES)


def _user(username: str) -> User:
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"no user named {normalize_username(username)!r}")
    return user


def _read_password(from_stdin: bool, username: str) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")
    problem = password_problem(password, username)
    if problem:
        raise click.ClickException(problem)
    return password


def _last_active_admin(user: User) -> bool:
    if user.role != "admin" or not user.active:
        return False
    admins = db.session.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.active))
    return (admins or 0) <= 1


def _commit() -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=_role, required=True, help="What the user may do.")
@click.option("--full-name", default=None, help="The person's name, shown to colleagues.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def create(username: str, role: str, full_name: str | None, password_stdin: bool) -> None:
    """Create user USERNAME with a role; asks for the password twice."""
    username = normalize_username(username)
    problem = username_problem(username)
    if problem:
        raise click.ClickException(problem)
    if find_user(username) is not None:
        raise click.ClickException(f"user {username!r} already exists")
    if full_name is not None and len(full_name.strip()) > 200:
        raise click.ClickException("the full name has at most 200 characters")
    password = _read_password(password_stdin, username)
    user = User(username=username, role=role, full_name=(full_name or "").strip() or None, active=True)
    user.set_password(password)
    db.session.add(user)
    _commit()
    click.echo(f"created user {username} ({role})")


@users_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=_role)
def set_role(username: str, role: str) -> None:
    """Give user USERNAME the role ROLE (it applies at the user's next request)."""
    user = _user(username)
    if role != "admin" and _last_active_admin(user):
        raise click.ClickException(f"{user.username} is the last active admin; make another admin first")
    old, user.role = user.role, role
    _commit()
    click.echo(f"{user.username}: {old} -> {role}")


@users_cli.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Disable user USERNAME: no more logins, and open sessions stop working."""
    user = _user(username)
    if _last_active_admin(user):
        raise click.ClickException(f"{user.username} is the last active admin; make another admin first")
    user.active = False
    _commit()
    click.echo(f"disabled {user.username}")


@users_cli.command("enable")
@click.argument("username")
def enable(username: str) -> None:
    """Enable user USERNAME again."""
    user = _user(username)
    user.active = True
    _commit()
    click.echo(f"enabled {user.username}")


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def set_password(username: str, password_stdin: bool) -> None:
    """Set a new password for user USERNAME."""
    user = _user(username)
    user.set_password(_read_password(password_stdin, user.username))
    _commit()
    click.echo(f"password of {user.username} changed")


@users_cli.command("list")
def list_users() -> None:
    """List users: name, role, state and full name."""
    users = db.session.scalars(select(User).order_by(User.username)).all()
    if not users:
        click.echo("no users")
        return
    width = max(len(u.username) for u in users)
    for u in users:
        state = "active" if u.active else "disabled"
        click.echo(f"{u.username:<{width}}  {u.role:<8}  {state:<8}  {u.full_name or ''}".rstrip())
