"""Flask extensions, created once here and bound in create_app()."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from webmap.replica import RoutingSession

# Deterministic constraint names, so migrations can name what they drop.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base shared by every model (SQLAlchemy 2 typed mapping)."""

    metadata = MetaData(naming_convention=NAMING)


# RoutingSession: public reads from a read replica when one is configured (webmap/replica.py).
db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})

# Models subclass ``Model``: at run time it is ``db.Model`` (Base plus Flask-SQLAlchemy's bind and
# table-name mixins), which mypy cannot use as a base class since it is built by a call.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
babel = Babel()
# auth/security: configured in webmap.auth.init_app and webmap.security.init_app
login_manager = LoginManager()
csrf = CSRFProtect()
