"""Schemathesis against the live OpenAPI document: a bounded number of generated requests per operation,
for several roles; no server error, and every response conforms to the document (status, content type,
headers, body schema)."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from benchclub.extensions import db
from tests.factories import add_value, certificate_of

from .conftest import bearer

MAX_EXAMPLES = 12
ROLES_UNDER_TEST = ("member_a", "gov_consented", "facilitator", "member_a_read")
# What the issue asks: no server error, and responses that keep to the document. (Schemathesis's
# positive_data_acceptance heuristic is left out on purpose: a schema-valid item for an unknown firm or a
# closed month is rightly answered 422 by the same rules as the CSV import.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture()
def live_schema(app, world):
    """The document as the running app serves it at /api/v1/openapi.json, with a little data behind it."""
    add_value(world, "A", "otd_pct", "2025-01", 95.0)
    certificate_of(world)
    db.session.commit()
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    app.config["API_RATE_LIMIT"] = "300 per minute"


def _operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_conforms_to_the_document(live_schema, tokens):
    operations = _operations(live_schema)
    assert len(operations) == 14
    statuses: dict[str, list[int]] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            for who in ROLES_UNDER_TEST:
                response = case.call_and_validate(headers=bearer(tokens[who]), checks=CHECKS)
                statuses.setdefault(case.operation.label, []).append(response.status_code)

        check()
    # Every operation was really exercised, and not only into errors.
    assert set(statuses) == {op.label for op in operations}
    assert all(len(codes) >= len(ROLES_UNDER_TEST) for codes in statuses.values())
    succeeded = {label for label, codes in statuses.items() if any(200 <= c < 300 for c in codes)}
    # Random ids and codes mostly miss (404/422); the collection reads must have succeeded for someone.
    assert {"GET /api/v1/kpis", "GET /api/v1/periods", "GET /api/v1/values", "GET /api/v1/certificates",
            "GET /api/v1/ladder/suppliers", "GET /api/v1/ladder/me", "GET /api/v1/workshops"} <= succeeded, statuses


def test_the_document_is_openapi_3_1_with_bearer_auth_and_every_operation(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "A personal API token"}
    operations = {(m.upper(), p) for p, item in doc["paths"].items() for m in item if m != "parameters"}
    assert operations == {
        ("GET", "/api/v1/kpis"), ("GET", "/api/v1/periods"), ("GET", "/api/v1/values"), ("PUT", "/api/v1/values"),
        ("GET", "/api/v1/values/{value_id}/history"), ("GET", "/api/v1/certificates"),
        ("GET", "/api/v1/certificates/{cert_id}"), ("PUT", "/api/v1/certificates/{cert_id}"),
        ("GET", "/api/v1/benchmarks"), ("GET", "/api/v1/ladder/suppliers"),
        ("GET", "/api/v1/ladder/suppliers/{code}/history"), ("GET", "/api/v1/ladder/me"),
        ("GET", "/api/v1/workshops"), ("POST", "/api/v1/workshops/{workshop_id}/registration")}


def test_reference_page_is_served_locally_without_any_external_url(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "PUT" in html and "/api/v1/values" in html and "ValueBatch" in html
    import re

    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith(("/", "#")) for u in urls), [u for u in urls if not u.startswith(("/", "#"))]

