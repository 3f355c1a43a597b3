"""map indexes: covering indexes for town-wide clustering, a GiST index of open cases

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 09:15:00

The map API (webmap/maps/features.py) clusters what a view holds on the server.
A town-wide view aggregates every matching row: with these covering indexes
PostgreSQL reads only the index (an index-only scan), not the tables. Views of a
district or a street find open cases through a GiST index of their points alone.
bench/maps_bench.py shows the effect.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appeals_map_cover",
            ["status", "category_code"],
            unique=False,
            postgresql_include=["point", "id", "district_id", "created_at", "closed_at", "deadline"],
        )
        batch_op.create_index(
            "ix_appeals_point_open",
            ["point"],
            unique=False,
            postgresql_using="gist",
            postgresql_where=sa.text("status IN ('new', 'accepted', 'in_work')"),
        )
    with op.batch_alter_table("works", schema=None) as batch_op:
        batch_op.create_index(
            "ix_works_map_cover",
            ["status", "type_code"],
            unique=False,
            postgresql_include=["geom", "id", "done_at", "created_at"],
        )


def downgrade():
    with op.batch_alter_table("works", schema=None) as batch_op:
        batch_op.drop_index("ix_works_map_cover")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index("ix_appeals_point_open", postgresql_using="gist")
        batch_op.drop_index("ix_appeals_map_cover")
