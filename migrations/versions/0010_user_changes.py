"""user changes: the audit trail of accounts (created, role, disabled, enabled, password reset)

Revision ID: 0010_user_changes
Revises: 0008_sources
Create Date: 2026-12-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_user_changes"
down_revision = "0008_sources"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("old_value", sa.String(length=50), nullable=True),
        sa.Column("new_value", sa.String(length=50), nullable=True),
        sa.CheckConstraint(
            "action IN ('create', 'role', 'disable', 'enable', 'password')", name=op.f("ck_user_changes_action")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_user_changes_actor_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_changes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_changes")),
    )
    op.create_index("ix_user_changes_at", "user_changes", ["at"])
    op.create_index("ix_user_changes_user_id", "user_changes", ["user_id"])


def downgrade():
    op.drop_index("ix_user_changes_user_id", table_name="user_changes")
    op.drop_index("ix_user_changes_at", table_name="user_changes")
    op.drop_table("user_changes")
