"""Fixtures for the API tests: tokens for the world's users and a client that sends them."""
from __future__ import annotations

import pytest

from benchclub.api.tokens import create_token
from benchclub.extensions import db
from tests.factories import ROLES


def token_for(user, scope: str = "read-write", days: int = 30) -> str:
    """A committed token of the user; returns the secret."""
    secret = create_token(user, f"test {scope}", scope, days, actor=None).secret
    db.session.commit()
    return secret


def bearer(secret: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"} if secret else {}


@pytest.fixture()
def tokens(world):
    """A read-write token per world role (anonymous: None), and `<role>_read` read-only ones."""
    out: dict[str, str | None] = {"anonymous": None}
    for role in [r for r in ROLES if r != "anonymous"] + ["member_x"]:
        out[role] = token_for(world.users[role])
        out[f"{role}_read"] = token_for(world.users[role], "read")
    return out


@pytest.fixture()
def call(client, tokens):
    """call('member_a', 'GET', '/api/v1/kpis', json=...) -> response."""

    def _call(who: str | None, method: str, url: str, *, headers: dict | None = None, **kw):
        return client.open(url, method=method, headers={**bearer(tokens.get(who) if who else None),
                                                        **(headers or {})}, **kw)

    return _call
