"""sources: watched places, message revisions and deletion marks, webhook events, the job queue

Revision ID: 0008_sources
Revises: 0003
Create Date: 2026-12-01 09:10:00

The monitor's job queue is procrastinate's, in a PostgreSQL schema of its own
("procrastinate") so that the app's tables and its jobs never mix; its SQL is
the one the installed procrastinate ships (SchemaManager.get_schema()).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0008_sources"
down_revision = "0005_vocab"
branch_labels = None
depends_on = None

JOBS_SCHEMA = "procrastinate"


def upgrade():
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "params", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
        sa.Column("state", sa.String(length=20), server_default="active", nullable=False),
        sa.Column(
            "cursor", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
        sa.Column("interval_s", sa.Integer(), server_default="300", nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_ok_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("taken", sa.Integer(), server_default="0", nullable=False),
        sa.Column("revised", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rejected", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "kind IN ('vk-wall', 'vk-search', 'telegram-bot', 'ok-group')", name=op.f("ck_sources_kind")
        ),
        sa.CheckConstraint(
            "state IN ('active', 'paused', 'unavailable', 'token_invalid')", name=op.f("ck_sources_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("kind", "key", name=op.f("uq_sources_kind_key")),
    )
    op.create_table(
        "message_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["source_messages.id"], name=op.f("fk_message_revisions_message_id_source_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_revisions")),
        sa.UniqueConstraint("message_id", "key", name=op.f("uq_message_revisions_message_id_key")),
    )
    op.create_index(op.f("ix_message_revisions_message_id"), "message_revisions", ["message_id"], unique=False)
    op.create_table(
        "hook_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hook_events")),
        sa.UniqueConstraint("channel", "event_id", name=op.f("uq_hook_events_channel_event_id")),
    )
    op.add_column("source_messages", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    _create_jobs_schema()


def downgrade():
    op.execute(f"DROP SCHEMA IF EXISTS {JOBS_SCHEMA} CASCADE")
    op.drop_column("source_messages", "deleted_at")
    op.drop_table("hook_events")
    op.drop_index(op.f("ix_message_revisions_message_id"), table_name="message_revisions")
    op.drop_table("message_revisions")
    op.drop_table("sources")


def _create_jobs_schema():
    """procrastinate's tables, types and functions, created inside their own schema."""
    from procrastinate.schema import SchemaManager

    bind = op.get_bind()
    previous = bind.exec_driver_sql("SHOW search_path").scalar()
    op.execute(f"CREATE SCHEMA IF NOT EXISTS {JOBS_SCHEMA}")
    op.execute(f"SET LOCAL search_path TO {JOBS_SCHEMA}, public")
    cursor = bind.connection.dbapi_connection.cursor()  # the DBAPI cursor: the SQL has % and : of its own
    try:
        cursor.execute(SchemaManager.get_schema())
    finally:
        cursor.close()
    bind.exec_driver_sql("SELECT set_config('search_path', %(p)s, true)", {"p": previous})
