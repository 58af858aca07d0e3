"""Accounts: authentication, invitations and the session loader."""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..audit import record
from ..errors import DomainError, NotFoundError
from ..extensions import db
from ..models import Club, Firm, FirmKind, Role, User

INVITE_VALID_FOR = timedelta(days=14)


class InvitationError(DomainError):
    """The invitation link is unknown, used or expired."""


def load_user(user_id: str) -> User | None:
    """Flask-Login loader: the id carries a session token that a password change rotates."""
    uid, _, token = user_id.partition(":")
    if not uid.isdigit():
        return None
    user = db.session.get(User, int(uid))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with that e-mail and password, or None (same answer for every failure)."""
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = datetime.now(UTC)
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    email: str,
    role: Role,
    *,
    firm: Firm | None = None,
    club: Club | None = None,
    password: str | None = None,
    name: str = "",
    actor: User | None = None,
) -> tuple[User, str | None]:
    """Create a user; without a password an invitation token is returned (shown once, stored hashed)."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise DomainError(f"'{email}' is not an e-mail address.", field="email")
    if db.session.scalar(sa.select(User.id).where(sa.func.lower(User.email) == email)) is not None:
        raise DomainError(f"A user with e-mail {email} already exists.", field="email")
    if role in (Role.MEMBER, Role.GOVERNOR):
        if firm is None:
            raise DomainError(f"A {role.value} must belong to a firm.", field="firm")
        wanted = FirmKind.SUPPLIER if role == Role.MEMBER else FirmKind.GOVERNOR
        if firm.kind != wanted:
            raise DomainError(f"A {role.value} must belong to a {wanted.value} firm; {firm.code} is a {firm.kind.value}.",
                              field="firm")
        club = None
    elif role == Role.FACILITATOR:
        if club is None:
            raise DomainError("A facilitator must belong to a club.", field="club")
        firm = None
    else:
        firm = club = None
    user = User(email=email, role=role, firm=firm, club=club, name=name, session_token=secrets.token_hex(16))
    token = None
    if password:
        validate_password(password)
        user.set_password(password, current_app.config["PASSWORD_HASH_METHOD"])
    else:
        token = secrets.token_urlsafe(32)
        user.invite_token_hash = _hash_token(token)
        user.invite_expires_at = datetime.now(UTC) + INVITE_VALID_FOR
    db.session.add(user)
    db.session.flush()
    record(actor, "create", "user", user.id, club_id=(firm.club_id if firm else club.id if club else None),
           summary=f"user {email} ({role.value})")
    return user, token


def validate_password(password: str) -> None:
    if len(password) < 10:
        raise DomainError("The password needs at least 10 characters.", field="password")


def reissue_invitation(user: User, *, actor: User | None) -> str:
    """A fresh invitation link for a user (the old one stops working)."""
    token = secrets.token_urlsafe(32)
    user.invite_token_hash = _hash_token(token)
    user.invite_expires_at = datetime.now(UTC) + INVITE_VALID_FOR
    record(actor, "invite", "user", user.id, club_id=user.home_club_id, summary=f"invitation for {user.email}")
    db.session.flush()
    return token


def find_invited_user(token: str) -> User:
    """The user an invitation token belongs to, if it is still valid."""
    if not token:
        raise NotFoundError("This invitation link is not valid.")
    user = db.session.scalar(sa.select(User).where(User.invite_token_hash == _hash_token(token)))
    if user is None:
        raise InvitationError("This invitation link is not valid or has already been used.")
    expires = user.invite_expires_at
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    if expires is None or expires < datetime.now(UTC):
        raise InvitationError("This invitation link has expired. Ask your facilitator for a new one.")
    return user


def accept_invitation(token: str, password: str, name: str = "") -> User:
    """Set the invited user's password; the link can be used only once."""
    user = find_invited_user(token)
    validate_password(password)
    user.set_password(password, current_app.config["PASSWORD_HASH_METHOD"])
    if name:
        user.name = name
    user.invite_token_hash = None
    user.invite_expires_at = None
    user.session_token = secrets.token_hex(16)
    record(user, "update", "user", user.id, club_id=user.home_club_id, summary="password set from invitation")
    db.session.flush()
    return user


def invitation_url(token: str, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/invite/{token}"
