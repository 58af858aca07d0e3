"""audit log: TRUNCATE refused on PostgreSQL too (statement-level BEFORE TRUNCATE trigger)

Revision ID: 0010_audit_truncate
Revises: 0008_structure
Create Date: 2026-11-30

0004_security refuses UPDATE and DELETE of audit_log rows; a TRUNCATE (of audit_log, or of a table it
references with CASCADE) fires no row trigger, so it emptied the log unchecked. This statement-level
trigger refuses it. The two places that must empty every table, `flask restore --force`
(benchclub.backup.empty_all_tables) and the test fixtures, say so for their own transaction only with
`SET LOCAL benchclub.allow_audit_truncate = 'on'` (benchclub.backup.allow_audit_truncate); nothing else
in the application sets it. In production, also revoke TRUNCATE on audit_log from the application's
role. SQLite has no TRUNCATE and no such trigger: the application guard (benchclub/audit.py) protects it.
"""
from alembic import op

revision = "0010_audit_truncate"
down_revision = "0009_closespeed"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('benchclub.allow_audit_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: TRUNCATE refused' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
               "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_truncate()")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    op.execute("DROP FUNCTION IF EXISTS audit_log_refuse_truncate()")
