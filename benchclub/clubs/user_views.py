"""Facilitator pages for the club's people: list, invite, deactivate, reactivate, re-invite."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..errors import DomainError
from ..extensions import db
from ..models import Club, Firm, Role, User
from ..permissions import can_manage_user, role_required
from ..web import show_error
from . import people, queries
from .blueprint import bp
from .context import club_page
from .forms import InviteForm


def _firm_choices(form: InviteForm, club) -> None:
    form.firm.choices = [(0, "(none: facilitator)")] + [
        (f.id, f"{f.code} · {f.name} ({f.kind.value})") for f in queries.list_firms(club)
    ]


def _show_invitation(user: User, token: str, club):
    link = url_for("auth.accept_invite", token=token, _external=True)
    return render_template("clubs/invited.html", user=user, link=link, club=club)


@bp.route("/club/users", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
@club_page("Users")
def users(club: Club):
    """The club's users and the invitation form; a new user's link is shown once on screen."""
    form = InviteForm()
    _firm_choices(form, club)
    if form.validate_on_submit():
        firm = db.session.get(Firm, form.firm.data) if form.firm.data else None
        try:
            user, token = people.invite_user(club, form.email.data, form.role.data, firm=firm,
                                             name=form.name.data or "", actor=current_user)
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            return _show_invitation(user, token, club)
    status = 422 if form.is_submitted() else 200
    return render_template("clubs/users.html", club=club, users=queries.list_club_users(club), form=form), status


def _managed_user(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if not can_manage_user(current_user, user):
        abort(403)
    return user


def _back_to_users(user: User):
    club = user.club or (user.firm.club if user.firm else None)
    return redirect(url_for("clubs.users", club=club.code if club else None))


@bp.post("/club/users/<int:user_id>/deactivate")
@role_required(Role.FACILITATOR)
def deactivate_user(user_id: int):
    """Stop a user from logging in (their sessions end at once)."""
    user = _managed_user(user_id)
    try:
        people.set_user_active(user, False, actor=current_user)
    except DomainError as exc:
        flash(str(exc), "danger")
        return _back_to_users(user)
    db.session.commit()
    flash(f"{user.email} can no longer log in.", "success")
    return _back_to_users(user)


@bp.post("/club/users/<int:user_id>/reactivate")
@role_required(Role.FACILITATOR)
def reactivate_user(user_id: int):
    """Let a deactivated user log in again."""
    user = _managed_user(user_id)
    people.set_user_active(user, True, actor=current_user)
    db.session.commit()
    flash(f"{user.email} can log in again.", "success")
    return _back_to_users(user)


@bp.post("/club/users/<int:user_id>/invite")
@role_required(Role.FACILITATOR)
def reinvite_user(user_id: int):
    """Issue a fresh invitation link (the previous one stops working)."""
    user = _managed_user(user_id)
    try:
        token = people.reinvite_user(user, actor=current_user)
    except DomainError as exc:
        flash(str(exc), "danger")
        return _back_to_users(user)
    db.session.commit()
    if token is None:
        flash(f"A link to set a new password was e-mailed to {user.email} (only they receive it).", "success")
        return _back_to_users(user)
    return _show_invitation(user, token, user.club or (user.firm.club if user.firm else None))
