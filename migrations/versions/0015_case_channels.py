"""case channels: each case's channels kept on the case; the dashboard's covering indexes

Revision ID: 0015_case_channels
Revises: 0014_region_indexes
Create Date: 2026-12-01 12:00:00

The dashboard counts a region's year of cases (a third of a million) by status, category,
district, week and channel. Counting by channel joined every case to its messages
(``count(DISTINCT)``, seconds). ``appeals.channels`` holds the distinct channels of the
case's messages, kept by a trigger on ``source_messages`` whatever writes them (importer,
merge, operator, Open311), so the counts need no join; ``ix_appeals_received`` covers every
column the dashboard's case figures read, so they are index-only scans of the period.
``ix_source_messages_reception`` finds a period's personal receptions without reading
every message, and ``ix_appeals_id_category`` gives their cases' categories and districts
without reading the cases.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0015_case_channels"
down_revision = "0014_region_indexes"
branch_labels = None
depends_on = None

# On a message's move away or deletion the old case's channels are recomputed from its
# messages; on an arrival the channel is added to the case's array as the row stands when
# locked (so two messages arriving at once for one case both count).
TRACK_FUNCTION = """
CREATE FUNCTION appeal_channels_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.appeal_id IS NOT NULL AND (TG_OP = 'DELETE'
     OR OLD.appeal_id IS DISTINCT FROM NEW.appeal_id OR OLD.channel IS DISTINCT FROM NEW.channel) THEN
    UPDATE appeals SET channels = ARRAY(
        SELECT DISTINCT m.channel FROM source_messages m WHERE m.appeal_id = OLD.appeal_id ORDER BY 1)::varchar(32)[]
    WHERE id = OLD.appeal_id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.appeal_id IS NOT NULL THEN
    UPDATE appeals SET channels = ARRAY(
        SELECT DISTINCT c FROM unnest(channels || NEW.channel::varchar(32)) c ORDER BY 1)::varchar(32)[]
    WHERE id = NEW.appeal_id AND NOT (NEW.channel = ANY (channels));
  END IF;
  RETURN NULL;
END $$
"""
TRACK_TRIGGER = """
CREATE TRIGGER source_messages_channels AFTER INSERT OR DELETE OR UPDATE OF appeal_id, channel
ON source_messages FOR EACH ROW EXECUTE FUNCTION appeal_channels_track()
"""
BACKFILL = """
UPDATE appeals a SET channels = s.channels
FROM (SELECT appeal_id, array_agg(DISTINCT channel ORDER BY channel)::varchar(32)[] AS channels
      FROM source_messages WHERE appeal_id IS NOT NULL GROUP BY appeal_id) s
WHERE a.id = s.appeal_id
"""


def upgrade():
    op.add_column(
        "appeals",
        sa.Column("channels", postgresql.ARRAY(sa.String(32)), server_default="{}", nullable=False),
    )
    op.execute(BACKFILL)
    op.execute(TRACK_FUNCTION)
    op.execute(TRACK_TRIGGER)
    op.drop_index("ix_appeals_created_at", table_name="appeals")
    op.create_index(
        "ix_appeals_received",
        "appeals",
        ["created_at"],
        postgresql_include=["status", "category_code", "district_id", "deadline", "closed_at", "channels"],
    )
    op.create_index("ix_appeals_id_category", "appeals", ["id"], postgresql_include=["category_code", "district_id"])
    op.create_index(
        "ix_source_messages_reception",
        "source_messages",
        ["posted_at"],
        postgresql_include=["id", "appeal_id", "received_by", "author"],
        postgresql_where=sa.text("channel = 'reception'"),
    )


def downgrade():
    op.drop_index("ix_source_messages_reception", table_name="source_messages")
    op.drop_index("ix_appeals_id_category", table_name="appeals")
    op.drop_index("ix_appeals_received", table_name="appeals")
    op.create_index("ix_appeals_created_at", "appeals", ["created_at"])
    op.execute("DROP TRIGGER source_messages_channels ON source_messages")
    op.execute("DROP FUNCTION appeal_channels_track()")
    op.drop_column("appeals", "channels")
