"""Accounts: authentication, invitations and the session loader."""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import record
from ..errors import DomainError, NotFoundError
from ..extensions import db
from ..models import Club, Firm, FirmKind, Role, User

INVITE_VALID_FOR = timedelta(days=14)
RESET_VALID_FOR = timedelta(hours=2)
MIN_PASSWORD_LENGTH = 12
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")


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
    if user is None or not user.active or not user.password_hash:
        # Hash anyway so an unknown e-mail costs as long as a wrong password (no account enumeration).
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not user.check_password(password):
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
    email = _check_new_email(email)
    firm, club = _home_of(role, firm, club)
    user = User(email=email, role=role, firm=firm, club=club, name=name, session_token=secrets.token_hex(16))
    token = _set_first_credentials(user, password)
    db.session.add(user)
    db.session.flush()
    record(actor, "create", "user", user.id, club_id=(firm.club_id if firm else club.id if club else None),
           summary=f"user {email} ({role.value})")
    return user, token


def _check_new_email(email: str) -> str:
    """The address in lower case, refused when it is not an address or already belongs to a user."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise DomainError(f"'{email}' is not an e-mail address.", field="email")
    if db.session.scalar(sa.select(User.id).where(sa.func.lower(User.email) == email)) is not None:
        raise DomainError(f"A user with e-mail {email} already exists.", field="email")
    return email


def _home_of(role: Role, firm: Firm | None, club: Club | None) -> tuple[Firm | None, Club | None]:
    """Where a role belongs: members and governor staff to a firm of their kind, a facilitator to a club,
    the admin to neither."""
    if role in (Role.MEMBER, Role.GOVERNOR):
        if firm is None:
            raise DomainError(f"A {role.value} must belong to a firm.", field="firm")
        wanted = FirmKind.SUPPLIER if role == Role.MEMBER else FirmKind.GOVERNOR
        if firm.kind != wanted:
            raise DomainError(f"A {role.value} must belong to a {wanted.value} firm; {firm.code} is a {firm.kind.value}.",
                              field="firm")
        return firm, None
    if role == Role.FACILITATOR:
        if club is None:
            raise DomainError("A facilitator must belong to a club.", field="club")
        return None, club
    return None, None


def _set_first_credentials(user: User, password: str | None) -> str | None:
    """Set the password, or (without one) an invitation token: returned once, stored hashed."""
    if password:
        validate_password(password)
        user.set_password(password, current_app.config["PASSWORD_HASH_METHOD"])
        return None
    token = secrets.token_urlsafe(32)
    user.invite_token_hash = _hash_token(token)
    user.invite_expires_at = datetime.now(UTC) + INVITE_VALID_FOR
    return token


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case), read once."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def validate_password(password: str) -> None:
    """At least 12 characters and not one of the 10,000 most common passwords."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.", field="password")
    if password.strip().lower() in common_passwords():
        raise DomainError("This password is on the list of the most common passwords; choose another.",
                          field="password")


def end_sessions(user: User) -> None:
    """Rotate the session token: every cookie issued for this user (any device) stops working."""
    user.session_token = secrets.token_hex(16)


def request_password_reset(email: str) -> None:
    """Mail a reset link to the holder of an active account; unknown e-mails get the same silence."""
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        return
    send_reset_link(user, actor=None)


def send_reset_link(user: User, *, actor: User | None) -> None:
    """A fresh one-use link that only reaches the account's own mailbox (never the screen)."""
    from ..notifications.mailer import send

    token = secrets.token_urlsafe(32)
    user.invite_token_hash = _hash_token(token)
    user.invite_expires_at = datetime.now(UTC) + RESET_VALID_FOR
    record(actor, "reset", "user", user.id, club_id=user.home_club_id,
           summary=f"password reset link mailed to {user.email}")
    db.session.flush()
    msg = EmailMessage()
    msg["Subject"] = "BenchClub: set a new password"
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = user.email
    msg.set_content(
        "Hello,\n\nSomeone asked to reset the BenchClub password of this address. To choose a new password,"
        f" open this link within two hours:\n\n{invitation_url(token, current_app.config['BASE_URL'])}\n\n"
        "If it was not you, ignore this message; your password stays as it is.\n\nBenchClub\n")
    send(msg)


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
    end_sessions(user)
    record(user, "update", "user", user.id, club_id=user.home_club_id, summary="password set from invitation")
    db.session.flush()
    return user


def invitation_url(token: str, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/invite/{token}"
