"""map band: the town-wide clustering index keyed by a band of longitude

Revision ID: 0016_map_band
Revises: 0015_case_channels
Create Date: 2026-12-01 12:30:00

0003's covering index of cases was keyed by status: in a region's database a town-wide
view read every town's cases of that status from it. Keyed by status and the 0.05° band
of longitude a case lies in (``floor(ST_X(point) / 0.05)``), the same index-only scan
reads the bands the view spans (webmap.models.filters.in_map_band adds the condition).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_map_band"
down_revision = "0015_case_channels"
branch_labels = None
depends_on = None

BAND = "floor(ST_X(point) / 0.05)"  # webmap.models.cases.MAP_BAND as it stood


def upgrade():
    op.drop_index("ix_appeals_map_cover", table_name="appeals")
    op.create_index(
        "ix_appeals_map_band",
        "appeals",
        ["status", sa.text(BAND)],
        postgresql_include=["point", "id", "category_code", "district_id", "created_at", "closed_at", "deadline"],
        postgresql_where=sa.text("point IS NOT NULL"),
    )


def downgrade():
    op.drop_index("ix_appeals_map_band", table_name="appeals")
    op.create_index(
        "ix_appeals_map_cover",
        "appeals",
        ["status", "category_code"],
        postgresql_include=["point", "id", "district_id", "created_at", "closed_at", "deadline"],
    )
