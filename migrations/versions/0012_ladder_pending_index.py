"""ladder: ladder_evaluations indexed by (governor_id, status) for the close's look-up of pending ones

Revision ID: 0012_ladder_pending_index
Revises: 0011_snapshot_firm_rows

Every ladder evaluation (each period close, for every governor) first reads the governor's pending
recommendations. The only index, (governor_id, supplier_id, period_month), made that a read of every
evaluation the governor ever stored to check its status: 10,000 rows took 10 ms on SQLite, 120,000 (two
years of monthly closes for 5,000 suppliers) 160 ms, growing with every close. With (governor_id,
status) it reads the pending rows only.
"""
from alembic import op

revision = "0012_ladder_pending_index"
down_revision = "0011_snapshot_firm_rows"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ladder_evaluations", schema=None) as batch_op:
        batch_op.create_index("ix_ladder_evaluations_status", ["governor_id", "status"], unique=False)


def downgrade():
    with op.batch_alter_table("ladder_evaluations", schema=None) as batch_op:
        batch_op.drop_index("ix_ladder_evaluations_status")
