"""source_messages.received_by: who took a reception visitor or a call, stored at import

Revision ID: 0005_vocab
Revises: 0004_session_version
Create Date: 2026-12-01 09:10:00

The reception readers already read the "received by" column, whatever its header
(``received_by``, ``Принял`` ...); the importer now keeps it in a column of its own,
so the dashboard's reception figures read a column instead of searching every
key of the raw JSON on each query. Messages imported before are filled in from
their raw record, matching its keys the way the reader matches headers (case,
ё/е, BOM, ``_``/``-``, quotes, trailing ``:``/``*`` and spacing do not matter).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_vocab"
down_revision = "0004_session_version"  # re-chained after main took 0004 (given: "0003")
branch_labels = None
depends_on = None

# webmap.ingest.readers.reception's "received_by" header names as normalize_header leaves them,
# frozen here as they were when this revision was written
RECEIVED_BY_HEADERS = ("received by", "ведущий прием", "кто принял", "принимающий", "принял")

BACKFILL = """
UPDATE source_messages m SET received_by = found.value
FROM (
    SELECT s.id, (
        SELECT btrim(kv.value) FROM jsonb_each_text(s.raw) kv
        WHERE btrim(kv.value) <> ''
          AND btrim(regexp_replace(lower(translate(kv.key, '_-ёЁ' || chr(65279), '  ее')),
                                   '[\\s:*"'']+', ' ', 'g')) = ANY(:headers)
        ORDER BY kv.key = 'received_by' DESC, kv.key LIMIT 1) AS value
    FROM source_messages s
    WHERE s.channel = 'reception' AND jsonb_typeof(s.raw) = 'object'
) found
WHERE m.id = found.id AND found.value IS NOT NULL
"""


def upgrade():
    with op.batch_alter_table("source_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("received_by", sa.Text(), nullable=True))
    op.get_bind().execute(sa.text(BACKFILL), {"headers": list(RECEIVED_BY_HEADERS)})


def downgrade():
    with op.batch_alter_table("source_messages", schema=None) as batch_op:
        batch_op.drop_column("received_by")
