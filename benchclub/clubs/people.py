"""The club's people: inviting users, deactivating and reactivating them, reissuing invitations."""
from __future__ import annotations

from ..audit import record
from ..auth.services import create_user, reissue_invitation, send_reset_link
from ..errors import DomainError
from ..extensions import db
from ..models import Club, Firm, Role, User

INVITABLE_ROLES = (Role.MEMBER, Role.GOVERNOR, Role.FACILITATOR)


def invite_user(club: Club, email: str, role: Role | str, *, firm: Firm | None = None, name: str = "",
                actor: User | None = None) -> tuple[User, str]:
    """Create a user of this club without a password; the returned token is its invitation."""
    try:
        role = Role(role)
    except ValueError:
        raise DomainError(f"Role must be member, governor or facilitator, not '{role}'.", field="role") from None
    if role not in INVITABLE_ROLES:
        raise DomainError("Only the installation's operator can create admins.", field="role")
    if role != Role.FACILITATOR and firm is not None and firm.club_id != club.id:
        raise DomainError(f"{firm.code} is not a firm of club {club.code}.", field="firm")
    user, token = create_user(email, role, firm=firm if role != Role.FACILITATOR else None,
                              club=club if role == Role.FACILITATOR else None, name=name.strip(), actor=actor)
    assert token is not None  # no password given, so an invitation is always issued
    return user, token


def set_user_active(user: User, active: bool, *, actor: User | None) -> User:
    """Deactivate (cannot log in; existing sessions end) or reactivate a user, audited."""
    if actor is not None and actor.id == user.id and not active:
        raise DomainError("You cannot deactivate your own account.", field="user")
    if user.active == active:
        return user
    record(actor, "activate" if active else "deactivate", "user", user.id, club_id=user.home_club_id,
           summary=f"user {user.email} {'reactivated' if active else 'deactivated'}", old=user.active, new=active)
    user.active = active
    db.session.flush()
    return user


def reinvite_user(user: User, *, actor: User | None) -> str | None:
    """A fresh invitation link for a user without a password; one with a password gets a reset link by e-mail.

    The facilitator never sees a link that would set the password of an account already in use:
    it would let them act as that member (for example grant a consent in the supplier's name).
    Returns the invitation token to show, or None when the link was mailed to the holder.
    """
    if not user.active:
        raise DomainError(f"{user.email} is deactivated; reactivate the account before inviting again.",
                          field="user")
    if user.password_hash:
        send_reset_link(user, actor=actor)
        return None
    return reissue_invitation(user, actor=actor)
