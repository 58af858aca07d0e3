"""The migrations build the schema the models describe, on the database under test."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from benchclub.extensions import db as _db


def test_upgraded_schema_matches_the_models(app):
    # The session fixture built the schema with `flask db upgrade` from an empty database.
    with _db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, _db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
