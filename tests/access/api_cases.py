"""Access cases for the JSON API (blueprint `api`, /api/v1): the API's own table, filled by its work.

Add one Case per (endpoint, method) of the api blueprint to API_CASES, with the status each kind of
user must get (tests/access/__init__.py explains Case). tests/test_access_matrix.py runs these for
every role and fails when an api endpoint has no row here; it skips that check while no api
blueprint is registered.
"""
from __future__ import annotations

from . import Case  # noqa: F401  (for the rows added here)

API_CASES: list = []
