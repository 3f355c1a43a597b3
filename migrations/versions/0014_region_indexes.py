"""region indexes: partial GiST indexes of what the public map shows (cases in work, done works)

Revision ID: 0014_region_indexes
Revises: 0012_answers
Create Date: 2026-12-01 10:40:00

With a region's 22 towns in one database a town-wide view holds a small part of the
table: the covering indexes of 0003 (keyed by status) make PostgreSQL read every town's
rows of that status. These indexes find the public map's items by place alone, with no
status filter to apply afterwards. bench/region_bench.py shows the effect (docs/scaling.md).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_region_indexes"
down_revision = "0012_answers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_appeals_point_in_work",
        "appeals",
        ["point"],
        postgresql_using="gist",
        postgresql_where=sa.text("status = 'in_work'"),
    )
    op.create_index(
        "ix_works_geom_done", "works", ["geom"], postgresql_using="gist", postgresql_where=sa.text("status = 'done'")
    )


def downgrade():
    op.drop_index("ix_works_geom_done", table_name="works")
    op.drop_index("ix_appeals_point_in_work", table_name="appeals")
