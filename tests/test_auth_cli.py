"""``webmap users ...``: create, set-role, disable, enable, set-password, list."""

from __future__ import annotations

import logging

import pytest
from flask.testing import FlaskCliRunner

from webmap.auth.accounts import find_user

PASSWORD = "correct horse battery"


@pytest.fixture
def users(runner: FlaskCliRunner, app_ctx: None) -> FlaskCliRunner:
    return runner


def _create(runner: FlaskCliRunner, name: str = "olga", role: str = "operator", password: str = PASSWORD, *extra: str):
    return runner.invoke(
        args=["users", "create", name, "--role", role, "--password-stdin", *extra], input=password + "\n"
    )


def test_create_with_password_from_stdin(users: FlaskCliRunner, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    result = _create(users, "Olga", "operator", PASSWORD, "--full-name", "Ольга Операторова")
    assert result.exit_code == 0, result.output
    assert "created user olga (operator)" in result.output
    user = find_user("olga")
    assert user.username == "olga" and user.role == "operator" and user.active
    assert user.full_name == "Ольга Операторова"
    assert user.password_hash.split(":")[0] in {"scrypt", "pbkdf2"} and user.check_password(PASSWORD)
    assert PASSWORD not in result.output and PASSWORD not in caplog.text


def test_create_prompts_twice_without_echo(users: FlaskCliRunner) -> None:
    result = users.invoke(args=["users", "create", "ivan", "--role", "crew"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Password" in result.output and "Repeat" in result.output
    assert PASSWORD not in result.output
    assert find_user("ivan").check_password(PASSWORD)


def test_create_asks_again_when_the_two_passwords_differ(users: FlaskCliRunner) -> None:
    result = users.invoke(
        args=["users", "create", "ivan", "--role", "crew"],
        input=f"{PASSWORD}\nsomething else!\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output or "don't match" in result.output
    assert "something else" not in result.output


@pytest.mark.parametrize("password", ["tiny-pw", "123456789", " " * 3])
def test_short_passwords_are_refused(users: FlaskCliRunner, password: str) -> None:
    result = _create(users, "ivan", "crew", password)
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    assert password.strip() == "" or password not in result.output
    assert find_user("ivan") is None


def test_password_equal_to_the_username_is_refused(users: FlaskCliRunner) -> None:
    result = _create(users, "longusername", "crew", "LongUserName")
    assert result.exit_code != 0 and find_user("longusername") is None


@pytest.mark.parametrize("name", ["a", "has space", "quote'name", "<script>", "x" * 101, "tab\tname"])
def test_bad_usernames_are_refused(users: FlaskCliRunner, name: str) -> None:
    result = _create(users, name)
    assert result.exit_code != 0
    assert "username" in result.output


def test_duplicate_usernames_are_refused_whatever_the_case(users: FlaskCliRunner) -> None:
    assert _create(users, "olga").exit_code == 0
    result = _create(users, "OLGA")
    assert result.exit_code != 0 and "already exists" in result.output


def test_unknown_role_is_refused(users: FlaskCliRunner) -> None:
    result = _create(users, "olga", "superuser")
    assert result.exit_code != 0 and "superuser" in result.output
    assert find_user("olga") is None


def test_set_role(users: FlaskCliRunner) -> None:
    _create(users, "olga")
    result = users.invoke(args=["users", "set-role", "olga", "analyst"])
    assert result.exit_code == 0 and "operator -> analyst" in result.output
    assert find_user("olga").role == "analyst"
    assert users.invoke(args=["users", "set-role", "nobody", "crew"]).exit_code != 0
    assert users.invoke(args=["users", "set-role", "olga", "root"]).exit_code != 0


def test_disable_and_enable(users: FlaskCliRunner) -> None:
    _create(users, "olga")
    result = users.invoke(args=["users", "disable", "olga"])
    assert result.exit_code == 0 and not find_user("olga").active
    assert users.invoke(args=["users", "enable", "olga"]).exit_code == 0 and find_user("olga").active
    assert users.invoke(args=["users", "disable", "nobody"]).exit_code != 0


def test_the_last_active_admin_stays(users: FlaskCliRunner) -> None:
    _create(users, "root-admin", "admin")
    result = users.invoke(args=["users", "disable", "root-admin"])
    assert result.exit_code != 0 and "last active admin" in result.output
    assert users.invoke(args=["users", "set-role", "root-admin", "crew"]).exit_code != 0
    _create(users, "second-admin", "admin")
    assert users.invoke(args=["users", "disable", "root-admin"]).exit_code == 0


def test_set_password(users: FlaskCliRunner) -> None:
    _create(users, "olga")
    new = "a brand new password"
    result = users.invoke(args=["users", "set-password", "olga", "--password-stdin"], input=new + "\n")
    assert result.exit_code == 0 and new not in result.output
    assert find_user("olga").check_password(new) and not find_user("olga").check_password(PASSWORD)
    assert users.invoke(args=["users", "set-password", "olga", "--password-stdin"], input="short\n").exit_code != 0


def test_list(users: FlaskCliRunner) -> None:
    assert "no users" in users.invoke(args=["users", "list"]).output
    _create(users, "olga", "operator", PASSWORD, "--full-name", "Ольга")
    _create(users, "ivan", "crew")
    users.invoke(args=["users", "disable", "ivan"])
    lines = users.invoke(args=["users", "list"]).output.splitlines()
    assert lines[0].split() == ["ivan", "crew", "disabled"]
    assert lines[1].split() == ["olga", "operator", "active", "Ольга"]
    assert all("scrypt" not in line and "pbkdf2" not in line for line in lines)


def test_users_group_is_listed(runner: FlaskCliRunner) -> None:
    output = runner.invoke(args=["users", "--help"]).output
    for command in ("create", "set-role", "disable", "list"):
        assert command in output
