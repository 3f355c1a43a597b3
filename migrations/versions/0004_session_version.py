"""session version of users, version of works

Revision ID: 0004_session_version
Revises: 0003
Create Date: 2026-12-01 09:10:00

users.session_version is part of every session and remember-me token; raising it
(new password, role change, disable/enable, logout) ends them all. works.version
lets a work form that was loaded before someone else saved be refused (409)
instead of silently overwriting.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004_session_version"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("session_version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("works", sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    op.drop_column("works", "version")
    op.drop_column("users", "session_version")
