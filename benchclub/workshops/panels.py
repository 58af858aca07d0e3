"""Home-page cards: a member's invitations and actions; the facilitator's workshops and follow-up."""
from __future__ import annotations

from datetime import date

from ..dashboards.panels import Panel
from ..models import ActionStatus, User
from ..permissions import is_member, managed_club_ids
from . import queries


def member_workshops_panel(user: User) -> Panel | None:
    """Host requests, invitations, upcoming registrations and open actions of the member's firm."""
    if not is_member(user):
        return None
    today = date.today()
    overview = queries.member_overview(user, today)
    upcoming = [r for r in overview.registrations if r.workshop.held_on >= today
                and r.workshop.status.value == "planned"]
    open_actions = [a for a in overview.actions if a.status == ActionStatus.OPEN]
    return Panel("workshops/_panel_member.html", {
        "host_requests": overview.host_requests, "invitations": overview.invitations, "upcoming": upcoming,
        "open_workshops": overview.open_workshops, "actions": open_actions[:5], "more_actions": len(open_actions) - 5,
        "today": today}, order=40)


def facilitator_workshops_panel(user: User) -> Panel | None:
    """Planned workshops and overdue improvement actions of the facilitator's club."""
    club_ids = managed_club_ids(user)
    if not club_ids or user.club is None:
        return None
    today = date.today()
    workshops = [w for w in queries.list_workshops(user.club) if w.status.value == "planned" and w.held_on >= today]
    return Panel("workshops/_panel_facilitator.html", {
        "planned": sorted(workshops, key=lambda w: w.held_on)[:5],
        "overdue": queries.overdue_actions(user.club, today)}, order=60)
