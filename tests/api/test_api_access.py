"""Per-role matrix of every /api/v1 operation: each world role, a read-only token on writes, and expired
and revoked tokens (which get 401 everywhere). Role semantics as in tests/factories.World."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from benchclub.api.tokens import create_token, revoke_token
from benchclub.extensions import db
from benchclub.workshops.services import create_workshop
from tests.factories import ROLES, add_value, certificate_of

from .conftest import bearer

ROLE_KEYS = [r for r in ROLES if r != "anonymous"]


@dataclass
class Op:
    method: str
    url: str  # {value}, {cert}, {workshop} are filled from the fixtures below
    expect: dict[str, int]
    default: int = 403
    body: dict | None = None
    headers: dict = field(default_factory=dict)

    @property
    def writes(self) -> bool:
        return self.method in ("PUT", "POST")

    def status_for(self, role: str) -> int:
        if role == "anonymous":
            return 401
        return self.expect.get(role, self.default)


ALL_200 = {r: 200 for r in ROLE_KEYS}
NEW_VALUE = {"items": [{"firm": "SUP-A", "period": "2025-02", "kpi": "otd_pct", "value": 96.5}]}
CERT = {"standard": "ISO 9001", "number": "Q-2002", "body": "TÜV", "issued_on": "2024-01-01",
        "expires_on": "2027-06-30", "evidence_note": "renewed"}

OPS = {
    "kpis": Op("GET", "/api/v1/kpis", {**ALL_200, "admin": 422}),
    "kpis_admin_club": Op("GET", "/api/v1/kpis?club=C1", {**ALL_200, "other_facilitator": 404}, default=404),
    "periods": Op("GET", "/api/v1/periods", {**ALL_200, "admin": 422}),
    "values": Op("GET", "/api/v1/values", ALL_200),
    "put_values": Op("PUT", "/api/v1/values", {"member_a": 200, "facilitator": 200, "admin": 200}, default=422,
                     body=NEW_VALUE),
    "value_history": Op("GET", "/api/v1/values/{value}/history",
                        {"member_a": 200, "facilitator": 200, "admin": 200}, default=404),
    "certificates": Op("GET", "/api/v1/certificates", {"member_a": 200, "member_b": 200}),
    "certificate": Op("GET", "/api/v1/certificates/{cert}", {"member_a": 200, "member_b": 404}),
    "put_certificate": Op("PUT", "/api/v1/certificates/{cert}", {"member_a": 200, "member_b": 404}, body=CERT,
                          headers={"If-Match": "*"}),
    "benchmarks": Op("GET", "/api/v1/benchmarks?kpi=otd_pct", {"admin": 422}, default=404),  # no closed period
    "ladder_suppliers": Op("GET", "/api/v1/ladder/suppliers",
                           {"gov_consented": 200, "gov_no_consent": 200, "gov_unlinked": 200}),
    "ladder_history": Op("GET", "/api/v1/ladder/suppliers/SUP-A/history",
                         {"gov_consented": 200, "gov_no_consent": 200, "gov_unlinked": 404}),
    "ladder_me": Op("GET", "/api/v1/ladder/me", {"member_a": 200, "member_b": 200}),
    "workshops": Op("GET", "/api/v1/workshops",
                    {"member_a": 200, "member_b": 200, "facilitator": 200, "other_facilitator": 200}),
    "register": Op("POST", "/api/v1/workshops/{workshop}/registration",
                   {"member_a": 201, "member_b": 201, "facilitator": 403, "admin": 403}, default=404),
}


@pytest.fixture()
def targets(world):
    """The records the URLs point at: A's self-reported value, A's certificate, a published workshop."""
    value = add_value(world, "A", "otd_pct", "2025-01", 95.0)
    workshop = create_workshop(world.club, "otd_pct", "On-time delivery clinic", date.today() + timedelta(days=30),
                               actor=None)
    db.session.commit()
    return {"value": value.id, "cert": certificate_of(world).id, "workshop": workshop.id}


def _send(client, op: Op, secret: str | None, targets: dict):
    return client.open(op.url.format(**targets), method=op.method, json=op.body,
                       headers={**bearer(secret), **op.headers})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(OPS))
def test_api_operation_per_role(name, role, client, tokens, targets):
    op = OPS[name]
    resp = _send(client, op, tokens[role], targets)
    assert resp.status_code == op.status_for(role), f"{role} {op.method} {op.url}: {resp.get_data(as_text=True)}"
    if resp.status_code >= 400:
        assert resp.mimetype == "application/problem+json" and resp.get_json()["detail"]


@pytest.mark.parametrize("name", [n for n, op in OPS.items() if op.writes])
def test_read_only_token_cannot_write(name, client, tokens, targets):
    resp = _send(client, OPS[name], tokens["member_a_read"], targets)
    assert resp.status_code == 403
    assert "read-only" in resp.get_json()["detail"]


@pytest.mark.parametrize("name", [n for n, op in OPS.items() if not op.writes])
def test_read_only_token_reads_like_its_user(name, client, tokens, targets):
    assert _send(client, OPS[name], tokens["member_a_read"], targets).status_code == OPS[name].status_for("member_a")


@pytest.mark.parametrize("state", ["expired", "revoked"])
@pytest.mark.parametrize("name", list(OPS))
def test_expired_and_revoked_tokens_get_401(name, state, client, world, targets):
    new = create_token(world.users["member_a"], state, "read-write", 30, actor=None)
    if state == "expired":
        new.token.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    else:
        revoke_token(new.token, actor=None)
    db.session.commit()
    resp = _send(client, OPS[name], new.secret, targets)
    assert resp.status_code == 401
    assert state in resp.get_json()["detail"] and resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_login_session_cookie_does_not_authenticate_the_api(client, login_as, targets):
    login_as("member_a")
    resp = client.get("/api/v1/values")
    assert resp.status_code == 401
    assert "Set-Cookie" not in resp.headers
