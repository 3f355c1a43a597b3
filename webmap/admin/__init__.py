"""Admin pages: the vocabularies admins may extend (work types, category deadlines)."""

from flask import Blueprint

from webmap.auth.roles import restrict_blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
restrict_blueprint(bp, "admin")

from webmap.admin import answer_templates, sources, users, views  # noqa: E402,F401
