"""The club's audit log: who changed what, when, from what to what, and why (DOMAIN rule 8)."""
from __future__ import annotations

from datetime import date

from flask import render_template, request
from flask_login import current_user

from ..audit import record
from ..extensions import db
from ..models import Club, Role
from ..permissions import role_required
from . import queries
from .blueprint import bp
from .context import club_page


@bp.get("/club/audit")
@role_required(Role.FACILITATOR)
@club_page("Audit log")
def audit(club: Club):
    """The club's audit log: who changed what, when, from what to what, and why."""
    filters = queries.AuditFilter(actor=request.args.get("actor", "").strip()[:254],
                                  action=request.args.get("action", "").strip()[:40],
                                  entity=request.args.get("entity", "").strip()[:40],
                                  since=_day(request.args.get("since")), until=_day(request.args.get("until")))
    page = min(request.args.get("page", 1, type=int), 10**6)
    result = queries.list_audit(club, page=page, filters=filters)
    # Rule 8: the log names members and their values, so reading it is itself an identified view.
    record(current_user, "view", "audit_log", None, club_id=club.id, summary="audit log",
           detail=filters.as_dict() or None)
    db.session.commit()
    return render_template("clubs/audit.html", club=club, result=result, entity=filters.entity,
                           action=filters.action, filters=filters, query=filters.as_dict())


def _day(text: str | None) -> date | None:
    """A YYYY-MM-DD filter, or None when empty or not a date."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
