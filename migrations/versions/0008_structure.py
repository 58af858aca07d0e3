"""structure: "reopened" is a fact of the period; every governor has its default ladder

Revision ID: 0008_structure
Revises: 0007_ux

Reopening used to be read back from the audit log and the default ladder was created by the first
page view. Now `periods.reopen_count` is set by reopen_period (backfilled from the audit log here),
and a governor gets its default ladder when it is created or linked (backfilled here for governors
that have none).
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from benchclub.ladder.defaults import DEFAULT_CRITERIA, DEFAULT_STAGES
from benchclub.models import CriterionKind, FirmKind

revision = "0008_structure"
down_revision = "0007_ux"
branch_labels = None
depends_on = None

firms = sa.table("firms", sa.column("id", sa.Integer), sa.column("code", sa.String),
                 sa.column("club_id", sa.Integer), sa.column("kind", sa.Enum(FirmKind, native_enum=False, length=16)))
ladders = sa.table("ladders", sa.column("id", sa.Integer), sa.column("governor_id", sa.Integer),
                   sa.column("version", sa.Integer), sa.column("is_current", sa.Boolean),
                   sa.column("created_at", sa.DateTime(timezone=True)), sa.column("created_by_id", sa.Integer))
stages = sa.table("ladder_stages", sa.column("ladder_id", sa.Integer), sa.column("number", sa.Integer),
                  sa.column("name", sa.String), sa.column("description", sa.Text))
criteria = sa.table("ladder_criteria", sa.column("ladder_id", sa.Integer), sa.column("stage_number", sa.Integer),
                    sa.column("kind", sa.Enum(CriterionKind, native_enum=False, length=32)),
                    sa.column("params", sa.JSON))
audit = sa.table("audit_log", sa.column("at", sa.DateTime(timezone=True)), sa.column("club_id", sa.Integer),
                 sa.column("action", sa.String), sa.column("entity", sa.String), sa.column("entity_id", sa.Integer),
                 sa.column("summary", sa.String), sa.column("reason", sa.Text))


def upgrade():
    with op.batch_alter_table("periods", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reopen_count", sa.Integer(), server_default="0", nullable=False))
    op.execute(
        "UPDATE periods SET reopen_count = (SELECT COUNT(*) FROM audit_log WHERE audit_log.entity = 'period' "
        "AND audit_log.entity_id = periods.id AND audit_log.action = 'reopen')"
    )
    _backfill_default_ladders(op.get_bind())


def _backfill_default_ladders(conn) -> None:
    """Give every governor without a ladder version 1 of the CGL default, as ensure_default_ladder would."""
    has_ladder = sa.select(ladders.c.governor_id)
    governors = conn.execute(sa.select(firms.c.id, firms.c.code, firms.c.club_id)
                             .where(firms.c.kind == FirmKind.GOVERNOR, firms.c.id.not_in(has_ladder))).all()
    now = datetime.now(UTC)
    for governor_id, code, club_id in governors:
        ladder_id = conn.execute(ladders.insert().values(governor_id=governor_id, version=1, is_current=True,
                                                         created_at=now, created_by_id=None)
                                 .returning(ladders.c.id)).scalar_one()
        conn.execute(stages.insert(), [{"ladder_id": ladder_id, "number": n, "name": name, "description": desc}
                                       for n, name, desc in DEFAULT_STAGES])
        conn.execute(criteria.insert(), [{"ladder_id": ladder_id, "stage_number": s, "kind": CriterionKind(k),
                                          "params": dict(p)} for s, k, p in DEFAULT_CRITERIA])
        conn.execute(audit.insert().values(at=now, club_id=club_id, action="create", entity="ladder",
                                           entity_id=ladder_id, reason="migration 0008_structure",
                                           summary=f"default CGL ladder v1 for {code}"))


def downgrade():
    # The backfilled ladders stay: they are ordinary version-1 ladders the governors may already use.
    with op.batch_alter_table("periods", schema=None) as batch_op:
        batch_op.drop_column("reopen_count")
