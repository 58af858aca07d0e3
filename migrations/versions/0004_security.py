"""audit log is append-only on PostgreSQL (trigger rejects UPDATE and DELETE)

Revision ID: 0004_security
Revises: 0003_ladder_versions
Create Date: 2026-11-30

The application also refuses such changes itself (benchclub/audit.py); this trigger holds even for
SQL sent by hand or by a bug. TRUNCATE is left to the operator (restore --force, tests); revoke
TRUNCATE on audit_log from the application's role in production to close that door too.
SQLite has no such trigger here: the application guard is what protects it.
"""
from alembic import op

revision = "0004_security"
down_revision = "0003_ladder_versions"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
    op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
               "FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
    op.execute("DROP FUNCTION IF EXISTS audit_log_is_append_only()")
