"""Which club a facilitator page works on: the facilitator's own, or the one the admin picked."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import sqlalchemy as sa
from flask import abort, render_template, request
from flask_login import current_user

from ..extensions import db
from ..models import Club
from ..permissions import facilitated_club, is_admin
from .queries import list_clubs


def current_club() -> Club | None:
    """The managed club for this request; None when the admin has not chosen one yet (403 for others)."""
    if is_admin(current_user):
        code = request.values.get("club", "").strip()
        if not code:
            return None
        club = db.session.scalar(sa.select(Club).where(sa.func.lower(Club.code) == code.lower()))  # as the CLI
        if club is None:
            abort(404)
        return club
    club = facilitated_club(current_user)
    if club is None:
        abort(403)
    return club


def club_picker(title: str):
    """The admin's club chooser for a facilitator page."""
    return render_template("clubs/pick_club.html", clubs=list_clubs(), title=title, endpoint=request.endpoint,
                           view_args=request.view_args or {})


def club_page(title: str) -> Callable:
    """Decorator for a facilitator page: the view receives the managed club as its first argument; the
    admin who has not chosen one yet gets the club chooser (titled `title`), others 403 as `current_club`."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def with_club(*args, **kwargs):
            club = current_club()
            if club is None:
                return club_picker(title)
            return view(club, *args, **kwargs)
        return with_club
    return decorate
