"""ladder versions take effect from the next period close

Revision ID: 0003_ladder_versions
Revises: 0002_disclosure
Create Date: 2026-11-30 06:10:00

A ladder version records the latest closed period when it was saved (`effective_after`); it applies
only to periods after that one, so saving new thresholds never re-assesses closed months (DOMAIN §6).
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_ladder_versions'
down_revision = "0002_disclosure"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ladders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('effective_after', sa.String(length=7), nullable=True))


def downgrade():
    with op.batch_alter_table('ladders', schema=None) as batch_op:
        batch_op.drop_column('effective_after')
