"""answers: the centre's replies to residents and the reply templates

Revision ID: 0012_answers
Revises: 0009_api_keys
Create Date: 2026-12-01 10:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_answers"
down_revision = "0009_api_keys"
branch_labels = None
depends_on = None

STATES = "('sent', 'to_send', 'failed', 'official')"
CHANNELS = "('vk', 'telegram', 'ok', 'pos', 'reception', 'phone', 'manual', 'open311', 'csv')"
STATUSES = "('new', 'accepted', 'in_work', 'done', 'rejected', 'duplicate')"


def upgrade():
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f"state IN {STATES}", name=op.f("ck_answers_state")),
        sa.CheckConstraint(f"channel IN {CHANNELS}", name=op.f("ck_answers_channel")),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["appeals.id"], name=op.f("fk_answers_appeal_id_appeals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_answers_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["source_messages.id"],
            name=op.f("fk_answers_message_id_source_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
    )
    op.create_index("ix_answers_appeal_created", "answers", ["appeal_id", "created_at"])
    op.create_table(
        "answer_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=50), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(f"status IS NULL OR status IN {STATUSES}", name=op.f("ck_answer_templates_status")),
        sa.ForeignKeyConstraint(
            ["category_code"],
            ["categories.code"],
            name=op.f("fk_answer_templates_category_code_categories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_templates")),
    )
    op.create_index("ix_answer_templates_category_code", "answer_templates", ["category_code"])


def downgrade():
    op.drop_index("ix_answer_templates_category_code", table_name="answer_templates")
    op.drop_table("answer_templates")
    op.drop_index("ix_answers_appeal_created", table_name="answers")
    op.drop_table("answers")
