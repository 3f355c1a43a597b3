"""category training: operators' category choices as examples, the category's confidence on a case

Revision ID: 0007_category_training
Revises: 0010_user_changes
Create Date: 2026-12-01 09:10:00

Every category an operator sets is a labelled example for the next category
model (``webmap triage train``); the queue marks cases whose category the
classifier was unsure of.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_category_training"
down_revision = "0010_user_changes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "category_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category_code", sa.String(length=50), nullable=False),
        sa.Column("previous_code", sa.String(length=50), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["category_code"], ["categories.code"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("category_examples", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_category_examples_appeal_id"), ["appeal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_category_examples_at"), ["at"], unique=False)
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category_confidence", sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_column("category_confidence")
    with op.batch_alter_table("category_examples", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_category_examples_at"))
        batch_op.drop_index(batch_op.f("ix_category_examples_appeal_id"))
    op.drop_table("category_examples")
