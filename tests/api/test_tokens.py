"""API tokens: the account page, the CLI, hashing, expiry, revocation, last use, per-token rate limits."""
from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from benchclub.api.tokens import create_token, hash_secret
from benchclub.errors import DomainError
from benchclub.extensions import db
from benchclub.models import ApiToken

from .conftest import bearer


def test_cli_create_prints_only_the_token_and_stores_only_its_hash(runner, world):
    result = runner.invoke(args=["tokens", "create", "a@alpha.test", "--name", "ERP", "--scope", "read-write",
                                 "--days", "30"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    assert re.fullmatch(r"bc_[A-Za-z0-9_-]{40,}", secret) and result.output == secret + "\n"
    stored = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == "ERP"))
    assert stored.token_hash == hash_secret(secret) and secret not in (stored.token_hash, stored.prefix)


def test_cli_list_json_and_revoke(runner, world, client):
    secret = runner.invoke(args=["tokens", "create", "a@alpha.test", "--name", "Sheet", "--scope", "read"]).output.strip()
    rows = json.loads(runner.invoke(args=["tokens", "list", "a@alpha.test", "--json"]).output)
    assert [(r["name"], r["scope"], r["status"]) for r in rows] == [("Sheet", "read", "active")]
    assert "token_hash" not in rows[0] and secret not in json.dumps(rows)
    assert client.get("/api/v1/kpis", headers=bearer(secret)).status_code == 200
    assert runner.invoke(args=["tokens", "revoke", str(rows[0]["id"])]).exit_code == 0
    assert client.get("/api/v1/kpis", headers=bearer(secret)).status_code == 401
    assert json.loads(runner.invoke(args=["tokens", "list", "a@alpha.test", "--json"]).output)[0]["status"] == "revoked"


def test_cli_refuses_more_than_a_year_and_unknown_users(runner, world):
    too_long = runner.invoke(args=["tokens", "create", "a@alpha.test", "--name", "x", "--scope", "read", "--days", "366"])
    assert too_long.exit_code != 0 and "365" in too_long.output
    assert runner.invoke(args=["tokens", "create", "nobody@x.test", "--name", "x", "--scope", "read"]).exit_code != 0


@pytest.mark.parametrize("name,days", [("", 30), ("x" * 81, 30), ("ok", 0), ("ok", 400)])
def test_service_refuses_bad_names_and_lifetimes(world, name, days):
    with pytest.raises(DomainError):
        create_token(world.users["member_a"], name, "read", days, actor=None)


def test_account_page_shows_a_new_token_once_then_lists_it_with_last_use(client, login_as, world):
    login_as("member_a")
    resp = client.post("/account/api-tokens/", data={"name": "ERP push", "scope": "read-write", "days": "90"})
    html = resp.get_data(as_text=True)
    secret = re.search(r'id="new-token">(bc_[^<]+)<', html).group(1)
    assert resp.headers["Cache-Control"] == "no-store"
    listing = client.get("/account/api-tokens/").get_data(as_text=True)
    assert "ERP push" in listing and secret not in listing and "never used" in listing
    client.get("/api/v1/kpis", headers=bearer(secret))
    assert "never used" not in client.get("/account/api-tokens/").get_data(as_text=True)


def test_account_page_revokes_only_ones_own_tokens(client, login_as, world):
    own = create_token(world.users["member_a"], "mine", "read", 30, actor=None)
    other = create_token(world.users["member_b"], "theirs", "read", 30, actor=None)
    db.session.commit()
    login_as("member_a")
    assert client.post(f"/account/api-tokens/{other.token.id}/revoke").status_code == 404
    assert client.post(f"/account/api-tokens/{own.token.id}/revoke").status_code == 302
    assert client.get("/api/v1/kpis", headers=bearer(own.secret)).status_code == 401
    assert client.get("/api/v1/kpis", headers=bearer(other.secret)).status_code == 200


def test_account_page_refuses_a_lifetime_over_a_year(client, login_as, world):
    login_as("member_a")
    resp = client.post("/account/api-tokens/", data={"name": "long", "scope": "read", "days": "500"})
    assert resp.status_code == 422 and db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_deactivated_users_tokens_stop_working(client, world):
    secret = create_token(world.users["member_a"], "t", "read", 30, actor=None).secret
    world.users["member_a"].active = False
    db.session.commit()
    assert client.get("/api/v1/kpis", headers=bearer(secret)).status_code == 401


def test_rate_limit_is_per_token_with_retry_after(app, client, world):
    a = create_token(world.users["member_a"], "a", "read", 30, actor=None).secret
    b = create_token(world.users["member_b"], "b", "read", 30, actor=None).secret
    db.session.commit()
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [client.get("/api/v1/kpis", headers=bearer(a)).status_code for _ in range(4)]
        limited = client.get("/api/v1/kpis", headers=bearer(a))
        other = client.get("/api/v1/kpis", headers=bearer(b))
    finally:
        app.config["API_RATE_LIMIT"] = "300 per minute"
    assert codes == [200, 200, 200, 429]
    assert limited.status_code == 429 and limited.mimetype == "application/problem+json"
    assert 1 <= int(limited.headers["Retry-After"]) <= 61
    assert other.status_code == 200


def test_malformed_authorization_headers_get_401(client, world):
    for header in ("Bearer", "Basic abc", "Bearer not-a-token", "bearer  "):
        resp = client.get("/api/v1/kpis", headers={"Authorization": header})
        assert resp.status_code == 401 and resp.mimetype == "application/problem+json"
