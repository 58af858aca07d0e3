"""closespeed: snapshot_firms indexed by (snapshot, firm) instead of (firm, kpi) and (snapshot)

Revision ID: 0009_closespeed
Revises: 0008_structure

Every query of snapshot_firms names its snapshot(s). The (firm_id, kpi_code) index put each of a
close's ~225,000 new rows (5,000 firms x 9 KPIs x 5 groups) at a random place in a growing index,
which was most of the time spent writing a snapshot on SQLite; (snapshot_id, firm_id) appends them.
The single-column snapshot_id index duplicated the unique constraint's leading column.
"""
from alembic import op

revision = "0009_closespeed"
down_revision = "0008_structure"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("snapshot_firms", schema=None) as batch_op:
        batch_op.drop_index("ix_snapshot_firms_firm")
        batch_op.drop_index("ix_snapshot_firms_snapshot_id")
        batch_op.create_index("ix_snapshot_firms_snapshot_firm", ["snapshot_id", "firm_id"], unique=False)


def downgrade():
    with op.batch_alter_table("snapshot_firms", schema=None) as batch_op:
        batch_op.drop_index("ix_snapshot_firms_snapshot_firm")
        batch_op.create_index("ix_snapshot_firms_snapshot_id", ["snapshot_id"], unique=False)
        batch_op.create_index("ix_snapshot_firms_firm", ["firm_id", "kpi_code"], unique=False)
