"""API tokens: create (secret shown once), list, revoke, and check a presented token (issue 12 item 1).

Only the sha256 of a 256-bit random secret is stored: the secret has enough entropy that a fast hash
is as good as a slow one, and a lookup by hash is one indexed query per request.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from ..audit import record
from ..errors import DomainError, NotFoundError
from ..extensions import db
from ..models import ApiToken, TokenScope, User

__all__ = ["ApiToken", "NewToken", "TokenError"]

TOKEN_PREFIX = "bc_"
MAX_DAYS = 365
DEFAULT_DAYS = 90
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is precise to a minute; saves a write per request


class TokenError(DomainError):
    """The presented token is unknown, expired, revoked, or its user is deactivated."""


@dataclass(frozen=True)
class NewToken:
    """A token just created: the stored row and the secret, which is never shown again."""

    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse_scope(text: str) -> TokenScope:
    """'read' or 'read-write', or a clear error."""
    try:
        return TokenScope((text or "").strip().lower())
    except ValueError:
        raise DomainError("The scope must be 'read' or 'read-write'.", field="scope") from None


def create_token(user: User, name: str, scope: TokenScope | str, days: int = DEFAULT_DAYS, *,
                 actor: User | None) -> NewToken:
    """Make a token for a user: a name to recognise it by, a scope, and an expiry of at most a year."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Give the token a name, e.g. the system that will use it.", field="name")
    if len(name) > 80:
        raise DomainError("Keep the name under 80 characters.", field="name")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise DomainError(f"A token lives between 1 and {MAX_DAYS} days.", field="days")
    if not user.active:
        raise DomainError(f"{user.email} is deactivated; it cannot get API tokens.", field="user")
    scope = scope if isinstance(scope, TokenScope) else parse_scope(scope)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(secret), prefix=secret[:10], scope=scope,
                     created_at=_now(), expires_at=_now() + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    record(actor, "create", "api_token", token.id, club_id=user.home_club_id,
           summary=f"API token '{name}' ({scope.value}) for {user.email}", new=f"expires {token.expires_at:%Y-%m-%d}")
    return NewToken(token, secret)


def list_tokens(user: User) -> list[ApiToken]:
    """A user's tokens, newest first (revoked and expired ones too, so the history stays visible)."""
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def get_token(token_id: int) -> ApiToken:
    """A token by id, or NotFoundError."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError(f"There is no API token {token_id}.")
    return token


def revoke_token(token: ApiToken, *, actor: User | None) -> ApiToken:
    """Stop a token working at once; revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = _now()
        record(actor, "update", "api_token", token.id, club_id=token.user.home_club_id,
               summary=f"API token '{token.name}' revoked", new="revoked")
        db.session.flush()
    return token


def token_status(token: ApiToken, now: datetime | None = None) -> str:
    """active, expired or revoked: what the account page and the CLI show."""
    if token.revoked_at is not None:
        return "revoked"
    if _aware(token.expires_at) <= (now or _now()):
        return "expired"
    return "active"


def authenticate(secret: str, now: datetime | None = None) -> ApiToken:
    """The live token for a presented secret; raises TokenError saying why it is refused."""
    now = now or _now()
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_secret(secret or "")))
    if token is None:
        raise TokenError("The API token is not valid. Create a token on your account page.")
    status = token_status(token, now)
    if status != "active":
        raise TokenError(f"The API token '{token.name}' is {status}. Create a new one on your account page.")
    if not token.user.active:
        raise TokenError("The account this token belongs to is deactivated.")
    if token.last_used_at is None or now - _aware(token.last_used_at) >= TOUCH_EVERY:
        token.last_used_at = now
    return token


def token_dict(token: ApiToken) -> dict:
    """The fields scripts read (`tokens list --json`); never the secret or its hash."""
    return {"id": token.id, "name": token.name, "prefix": token.prefix, "scope": token.scope.value,
            "status": token_status(token), "created_at": _aware(token.created_at).isoformat(),
            "expires_at": _aware(token.expires_at).isoformat(),
            "last_used_at": _aware(token.last_used_at).isoformat() if token.last_used_at else None,
            "revoked_at": _aware(token.revoked_at).isoformat() if token.revoked_at else None}
