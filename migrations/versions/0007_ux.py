"""data-quality desk: decisions on questionable values, month submissions (timeliness); club time zone

Revision ID: 0007_ux
Revises: 0006_perf
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_ux'
down_revision = "0006_perf"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clubs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=40), server_default='UTC', nullable=False))

    op.create_table('data_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('SOFT_RANGE', 'JUMP', 'DISAGREEMENT', name='checkkind', native_enum=False, length=16), nullable=False),
    sa.Column('status', sa.Enum('ACCEPTED', 'QUERIED', 'ANSWERED', name='checkstatus', native_enum=False, length=16), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_data_checks_decided_by_id_users')),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_data_checks_firm_id_firms')),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpi_definitions.id'], name=op.f('fk_data_checks_kpi_id_kpi_definitions')),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_data_checks_period_id_periods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_checks')),
    sa.UniqueConstraint('firm_id', 'period_id', 'kpi_id', 'kind', name=op.f('uq_data_checks_firm_id_period_id_kpi_id_kind'))
    )
    with op.batch_alter_table('data_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_checks_firm_id'), ['firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_checks_period_id'), ['period_id'], unique=False)

    op.create_table('month_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_month_submissions_firm_id_firms')),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_month_submissions_period_id_periods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_month_submissions')),
    sa.UniqueConstraint('firm_id', 'period_id', name=op.f('uq_month_submissions_firm_id_period_id'))
    )
    with op.batch_alter_table('month_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_month_submissions_firm_id'), ['firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_month_submissions_period_id'), ['period_id'], unique=False)


def downgrade():
    with op.batch_alter_table('month_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_month_submissions_period_id'))
        batch_op.drop_index(batch_op.f('ix_month_submissions_firm_id'))
    op.drop_table('month_submissions')
    with op.batch_alter_table('data_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_checks_period_id'))
        batch_op.drop_index(batch_op.f('ix_data_checks_firm_id'))
    op.drop_table('data_checks')
    with op.batch_alter_table('clubs', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
