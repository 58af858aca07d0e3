"""release audit: withheld reasons per figure and the frozen facts of each snapshot

Revision ID: 0002_disclosure
Revises: 0001
Create Date: 2026-11-30 06:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0002_disclosure"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frozen", sa.JSON(), nullable=True))
    with op.batch_alter_table("snapshot_stats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("n_withheld", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("histogram_withheld", sa.String(length=300), nullable=True))
    with op.batch_alter_table("snapshot_cert_shares", schema=None) as batch_op:
        batch_op.add_column(sa.Column("n_withheld", sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table("snapshot_cert_shares", schema=None) as batch_op:
        batch_op.drop_column("n_withheld")
    with op.batch_alter_table("snapshot_stats", schema=None) as batch_op:
        batch_op.drop_column("histogram_withheld")
        batch_op.drop_column("n_withheld")
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.drop_column("frozen")
