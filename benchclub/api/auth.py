"""Bearer-token authentication for the API: no cookie session, no CSRF, one token per request."""
from __future__ import annotations

import hashlib

from flask import g, request
from flask.sessions import NullSession, SessionInterface
from flask_limiter.util import get_remote_address

from ..errors import DomainError
from ..extensions import db
from ..models import ApiToken, User
from . import tokens
from .problems import ApiProblem


class SessionlessApi(SessionInterface):
    """Wraps the app's session interface: under /api no cookie session is opened, read or set."""

    def __init__(self, inner: SessionInterface):
        self.inner = inner

    def open_session(self, app, request):  # noqa: ANN001 (Flask's signature)
        if request.path.startswith("/api/"):
            return self.make_null_session(app)
        return self.inner.open_session(app, request)

    def save_session(self, app, session, response) -> None:  # noqa: ANN001
        if isinstance(session, NullSession):
            return None
        return self.inner.save_session(app, session, response)


def bearer_secret() -> str | None:
    """The token in `Authorization: Bearer ...`, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def rate_limit_key() -> str:
    """Requests are counted per token (by its hash); requests without one per address."""
    secret = bearer_secret()
    if secret:
        return "api-token:" + hashlib.sha256(secret.encode()).hexdigest()[:24]
    return "api-anon:" + (get_remote_address() or "unknown")


def authenticate_request() -> None:
    """Before every API view: find the token's user or answer 401."""
    secret = bearer_secret()
    if secret is None:
        raise ApiProblem(401, "This API needs a token: send 'Authorization: Bearer TOKEN'. "
                              "Create one on your account page (Account > API tokens).",
                         headers={"WWW-Authenticate": 'Bearer realm="benchclub"'})
    try:
        token = tokens.authenticate(secret)
    except DomainError as exc:
        raise ApiProblem(401, str(exc), headers={"WWW-Authenticate": 'Bearer realm="benchclub", '
                                                                      'error="invalid_token"'}) from None
    db.session.commit()  # last_used_at, at most once a minute
    g.api_token = token


def api_user() -> User:
    """The user the request's token belongs to."""
    return g.api_token.user


def api_token() -> ApiToken:
    return g.api_token


def require_write() -> None:
    """Writes need a read-write token."""
    if not g.api_token.can_write:
        raise ApiProblem(403, f"The token '{g.api_token.name}' is read-only; writes need a read-write token.")
