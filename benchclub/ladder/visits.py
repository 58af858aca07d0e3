"""Governor visits to supplier plants: the log, the cadence per supplier and the overdue flag."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..audit import record
from ..errors import DomainError
from ..extensions import db
from ..models import Firm, SupplyLink, User, Visit, VisitCadence, VisitorRole, VisitOutcome
from .months import next_visit_due
from .services import require_link


def log_visit(governor: Firm, supplier: Firm, visited_on: date, visitor_role: VisitorRole | str,
              outcome: VisitOutcome | str, *, purpose: str = "", findings: str = "", actor: User | None,
              today: date | None = None) -> Visit:
    """Record a visit by governor staff to one of its suppliers."""
    require_link(governor, supplier)
    try:
        role, result = VisitorRole(visitor_role), VisitOutcome(outcome)
    except ValueError:
        raise DomainError("Visitor role is materials or quality; outcome is passed, follow-up or failed.",
                          field="outcome") from None
    if visited_on > (today or date.today()):
        raise DomainError("A visit is logged after it happened: the date cannot be in the future.", field="visited_on")
    visit = Visit(governor_id=governor.id, supplier_id=supplier.id, visited_on=visited_on, visitor_role=role,
                  outcome=result, purpose=(purpose or "").strip()[:200], findings=(findings or "").strip(),
                  created_by_id=getattr(actor, "id", None))
    db.session.add(visit)
    db.session.flush()
    record(actor, "create", "visit", visit.id, club_id=governor.club_id,
           summary=f"{governor.code} {role.value} visit to {supplier.code} on {visited_on}: {result.value}",
           new=result.value)
    return visit


def set_visit_cadence(governor: Firm, supplier: Firm, cadence: VisitCadence | str | None, *,
                      actor: User) -> SupplyLink:
    """How often the governor means to visit this supplier (None: no planned cadence)."""
    link = require_link(governor, supplier)
    try:
        new = VisitCadence(cadence) if cadence else None
    except ValueError:
        raise DomainError("Cadence is weekly, fortnightly or monthly.", field="cadence") from None
    if link.visit_cadence != new:
        record(actor, "update", "supply_link", link.id, club_id=governor.club_id,
               summary=f"{governor.code} -> {supplier.code} visit cadence",
               old=link.visit_cadence.value if link.visit_cadence else None, new=new.value if new else None)
        link.visit_cadence = new
        db.session.flush()
    return link


def list_visits(governor: Firm | None = None, supplier: Firm | None = None, limit: int | None = None) -> list[Visit]:
    """Visits, newest first, for a governor, a supplier or a pair."""
    query = sa.select(Visit)
    if governor is not None:
        query = query.where(Visit.governor_id == governor.id)
    if supplier is not None:
        query = query.where(Visit.supplier_id == supplier.id)
    query = query.order_by(Visit.visited_on.desc(), Visit.id.desc())
    return list(db.session.scalars(query.limit(limit) if limit else query))


@dataclass
class VisitPlan:
    """A supplier's visit cadence, last visit, next due date and whether it is overdue."""

    link: SupplyLink
    supplier: Firm
    cadence: str | None
    last_visit: date | None
    due_on: date | None
    overdue: bool


def visit_plans(governor: Firm, links: list[SupplyLink], today: date | None = None) -> list[VisitPlan]:
    """One plan per linked supplier; never visited with a cadence set means due at once."""
    today = today or date.today()
    last = dict(db.session.execute(
        sa.select(Visit.supplier_id, sa.func.max(Visit.visited_on)).where(Visit.governor_id == governor.id)
        .group_by(Visit.supplier_id)
    ).all())
    plans = []
    for link in links:
        cadence = link.visit_cadence.value if link.visit_cadence else None
        previous = last.get(link.supplier_id)
        due = (next_visit_due(previous, cadence) if previous else today) if cadence else None
        overdue = cadence is not None and (previous is None or due < today)
        plans.append(VisitPlan(link, link.supplier, cadence, previous, due, overdue))
    return plans
