"""The app factory and its configuration."""

from __future__ import annotations

import pytest

from webmap import create_app
from webmap.config import sqlalchemy_url


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(RuntimeError, match="WEBMAP_SECRET_KEY"):
        create_app({"WEBMAP_ENV": "production"})
    assert create_app({"WEBMAP_ENV": "production", "SECRET_KEY": "s3cret-from-env"}).config["SECRET_KEY"]


def test_database_url_uses_psycopg2() -> None:
    assert sqlalchemy_url("postgresql://u:p@h:5432/d") == "postgresql+psycopg2://u:p@h:5432/d"
    assert sqlalchemy_url("postgresql+psycopg2://u@h/d") == "postgresql+psycopg2://u@h/d"


def test_cli_lists_project_commands(runner) -> None:
    result = runner.invoke(args=["--help"])
    assert "gazetteer" in result.output and "demo" in result.output
