"""Personal API tokens: a user's key for the JSON API, stored only as a hash (issue 12)."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow
from .user import User


class TokenScope(str, enum.Enum):
    """What a token may do: read only, or read and write."""

    READ = "read"
    READ_WRITE = "read-write"


class ApiToken(db.Model):
    """A named, expiring, revocable token; the secret itself is shown once and never stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 hex of the secret
    prefix: Mapped[str] = mapped_column(sa.String(16))  # first characters, so people can tell tokens apart
    scope: Mapped[TokenScope] = mapped_column(sa.Enum(TokenScope, native_enum=False, length=16))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), default=None)

    user: Mapped[User] = relationship()

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix} {self.scope.value}>"
