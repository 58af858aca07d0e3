"""Users and their roles."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ._base import utcnow
from .club import Club, Firm


class Role(str, enum.Enum):
    """The four roles of DOMAIN §2."""

    MEMBER = "member"
    GOVERNOR = "governor"
    FACILITATOR = "facilitator"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    """A person who logs in: member or governor staff of a firm, a club's facilitator, or an admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(256), default=None)
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=16))
    firm_id: Mapped[int | None] = mapped_column(sa.ForeignKey("firms.id"), index=True, default=None)
    club_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clubs.id"), index=True, default=None)
    active: Mapped[bool] = mapped_column(default=True)
    invite_token_hash: Mapped[str | None] = mapped_column(sa.String(128), default=None, index=True)
    invite_expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), default=None)
    # Bumped on password change so old sessions stop working.
    session_token: Mapped[str] = mapped_column(sa.String(64), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), default=None)

    firm: Mapped[Firm | None] = relationship()
    club: Mapped[Club | None] = relationship()

    def set_password(self, password: str, method: str = "scrypt") -> None:
        """Store a salted hash, never the password."""
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot log in
        return self.active

    @property
    def home_club_id(self) -> int | None:
        """The club this user works in: its firm's club, or its own for a facilitator."""
        if self.firm is not None:
            return self.firm.club_id
        return self.club_id

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"
