"""Home-page cards of the kpis feature: months to report, customer measurements, completeness."""
from __future__ import annotations

from datetime import date

from .. import permissions
from ..dashboards.panels import Panel
from ..models import User
from ..periods.services import list_periods
from ..templating import month_label
from . import queries
from .desk import list_member_queries


def member_months_panel(user: User) -> Panel | None:
    """A member's months due, overdue and done, and its customers' measurements beside its own."""
    if not permissions.is_member(user) or not user.firm.is_supplier:
        return None
    months = queries.list_member_months(user.firm, date.today())
    return Panel("kpis/panel_member.html", {
        "overdue": [m for m in months if m.status == "overdue"],
        "due": [m for m in months if m.status == "due"],
        "done": [m for m in months if m.status == "done"][:3],
        "comparisons": queries.list_customer_comparisons(user.firm, limit=4),
        "queries": [c for c in list_member_queries(user.firm) if c.status.value == "queried"],
    }, order=10)


def governor_measurements_panel(user: User) -> Panel | None:
    """Governor staff: linked suppliers with open months not yet measured."""
    if not permissions.is_governor(user):
        return None
    return Panel("kpis/panel_governor.html", {"pending": queries.list_unmeasured_months(user.firm)}, order=10)


def facilitator_completeness_panel(user: User) -> Panel | None:
    """The facilitator's view of the latest open month: how many firms are complete, partial, missing."""
    if permissions.facilitated_club_id(user) is None:
        return None
    latest = next((p for p in list_periods(user.club) if p.is_open), None)
    counts: dict[str, int] = {}
    if latest is not None:
        counts = queries.get_completeness(user.club, periods=[latest]).totals(0)
    return Panel("kpis/panel_facilitator.html", {
        "period": latest, "label": month_label(latest.month) if latest else "", "counts": counts,
        "firms": sum(counts.values()),
    }, order=10)
