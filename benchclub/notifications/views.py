"""My notifications: the in-app list, mark one or all read."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import NotFoundError
from ..extensions import db
from . import services
from .blueprint import bp


@bp.get("/notifications")
@login_required
def index():
    """Every notification of the logged-in user, unread first."""
    notes = services.list_notifications(current_user)
    return render_template("notifications/index.html", notifications=notes,
                           unread=sum(1 for n in notes if n.read_at is None))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    """Mark one of my notifications read, then follow its link if asked to."""
    try:
        note = services.get_own_notification(current_user, notification_id)
    except NotFoundError:
        abort(404)
    services.mark_read([note], actor=current_user)
    db.session.commit()
    if request.form.get("follow") and note.link.startswith("/") and not note.link.startswith("//"):
        return redirect(note.link)
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/read-all")
@login_required
def mark_all_read():
    """Mark all my notifications read."""
    count = services.mark_all_read(actor=current_user)
    db.session.commit()
    flash(f"{count} notification(s) marked read." if count else "Nothing unread.", "success")
    return redirect(url_for("notifications.index"))
