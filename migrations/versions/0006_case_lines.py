"""case lines: a street or street-stretch case keeps its line; precision 'segment'

Revision ID: 0006_case_lines
Revises: 0007_category_training
Create Date: 2026-12-01 09:10:00

Triage places «на Геологов от Мира до Ленина» on a stretch of a street and a
message naming a house the gazetteer lacks on the whole street: such a case
keeps that line (drawn on the operator's map) while ``point`` stays a point on
it, so the maps and their clustering keep working on points.
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

# revision identifiers, used by Alembic.
revision = "0006_case_lines"
down_revision = "0007_category_training"
branch_labels = None
depends_on = None

OLD = "precision IN ('house', 'interpolated_house', 'street', 'intersection', 'landmark', 'district', 'none')"
NEW = (
    "precision IN ('house', 'interpolated_house', 'street', 'segment', 'intersection', 'landmark', 'district', 'none')"
)


def upgrade():
    op.add_column(
        "appeals",
        sa.Column(
            "line",
            Geometry(srid=4326, spatial_index=False, from_text="ST_GeomFromEWKT", name="geometry"),
            nullable=True,
        ),
    )
    op.create_geospatial_index("idx_appeals_line", "appeals", ["line"], unique=False, postgresql_using="gist")
    op.drop_constraint(op.f("ck_appeals_precision"), "appeals", type_="check")
    op.create_check_constraint(op.f("ck_appeals_precision"), "appeals", NEW)
    op.create_check_constraint(
        op.f("ck_appeals_line_precision"), "appeals", "line IS NULL OR precision IN ('street', 'segment')"
    )
    op.create_check_constraint(
        op.f("ck_appeals_line_type"),
        "appeals",
        "line IS NULL OR GeometryType(line) IN ('LINESTRING', 'MULTILINESTRING')",
    )


def downgrade():
    op.drop_constraint(op.f("ck_appeals_line_type"), "appeals", type_="check")
    op.drop_constraint(op.f("ck_appeals_line_precision"), "appeals", type_="check")
    op.execute("UPDATE appeals SET precision = 'street' WHERE precision = 'segment'")
    op.drop_constraint(op.f("ck_appeals_precision"), "appeals", type_="check")
    op.create_check_constraint(op.f("ck_appeals_precision"), "appeals", OLD)
    op.drop_geospatial_index("idx_appeals_line", "appeals", postgresql_using="gist", column_name="line")
    op.drop_column("appeals", "line")
