"""Pure generation of the demo club's non-KPI life: certificates, consents, visits, workshops, actions.

Everything is derived from the latent scores of `history` and one explicit random.Random, so the same
club comes out on every machine. Dates are fixed by the demo calendar, never by today's date.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any, NamedTuple

from ..months import month_start, next_month, previous_month
from .history import Calendar, Scores, boost

BODIES = ("SABS", "TÜV SÜD", "Bureau Veritas", "DQS", "SGS", "NQA Africa")
SHARED_KPIS = ["customer_reject_ppm", "otd_pct", "lead_time_days", "internal_scrap_pct"]
OWNERS = ("Production manager", "Quality manager", "Plant manager", "Logistics lead", "Maintenance lead")
WORKSHOP_CAPACITY = 12


class CertRow(NamedTuple):
    """A certificate a supplier holds."""

    firm: str
    standard: str
    number: str
    body: str
    issued_on: date
    expires_on: date


class ConsentRow(NamedTuple):
    """A supplier's consent for one governor (None = all KPIs)."""

    supplier: str
    governor: str
    kpi_codes: tuple[str, ...] | None
    granted_on: date
    revoked_on: date | None


class VisitRow(NamedTuple):
    """A governor's visit to a supplier's plant."""

    governor: str
    supplier: str
    visited_on: date
    role: str  # "quality" or "materials"
    purpose: str
    findings: str
    outcome: str  # "passed", "follow-up", "failed"


class WorkshopPlan(NamedTuple):
    """A best-in-class workshop with its host, invitees, registrations and attendance."""

    kpi: str
    title: str
    held_on: date
    host: str
    invited: tuple[str, ...]
    registered: tuple[str, ...]
    attended: tuple[str, ...]
    planned: bool


class ActionRow(NamedTuple):
    """An improvement action a firm took away from a workshop."""

    workshop_index: int
    firm: str
    description: str
    owner: str
    due_on: date
    completed_on: date | None


def _day_in(rng: random.Random, month: str, first: int = 2, last: int = 26) -> date:
    return month_start(month).replace(day=rng.randint(first, last))


def _three_years(issued: date) -> date:
    return issued.replace(year=issued.year + 3) - timedelta(days=1)


def certificates(rng: random.Random, suppliers: list[dict[str, Any]], bases: dict[str, float],
                 reference: date) -> list[CertRow]:
    """ISO 9001 for most, IATF 16949 for some larger firms, ISO 14001 for a few strong ones; a few
    expiring within 90 days of the reference date and the two weakest holders' ISO 9001 expired."""
    rows = []
    for firm in suppliers:
        code, base = firm["code"], bases[firm["code"]]
        held = []
        if rng.random() < 0.87:
            held.append("ISO 9001")
        if firm["employees"] >= 60 and rng.random() < 0.55:
            held.append("IATF 16949")
        if base > 0.4 and rng.random() < 0.5:
            held.append("ISO 14001")
        for standard in held:
            if rng.random() < 0.8:  # held since before the club started
                issued = date(2024, 2, 1) + timedelta(days=rng.randint(0, 240))
            else:  # certified while in the club
                issued = date(2025, 3, 1) + timedelta(days=rng.randint(0, 450))
            number = f"{standard.split()[0]}-{standard.split()[1][:5]}-{code}-{issued.year}"
            rows.append(CertRow(code, standard, number, rng.choice(BODIES), issued, _three_years(issued)))
    return _age_some(rng, rows, bases, reference)


def _age_some(rng: random.Random, rows: list[CertRow], bases: dict[str, float], reference: date) -> list[CertRow]:
    """Shift issue dates so that four certificates are expiring and two ISO 9001 ones have expired."""
    rows = list(rows)
    iso = sorted((i for i, r in enumerate(rows) if r.standard == "ISO 9001"), key=lambda i: bases[rows[i].firm])
    for i, days_before in zip(iso[:2], (140, 55), strict=True):
        expires = reference - timedelta(days=days_before)
        rows[i] = rows[i]._replace(issued_on=expires.replace(year=expires.year - 3) + timedelta(days=1),
                                   expires_on=expires)
    for i in rng.sample(range(len(rows)), 8):
        if i in iso[:2] or sum(1 for r in rows if reference <= r.expires_on <= reference + timedelta(90)) >= 4:
            continue
        expires = reference + timedelta(days=rng.randint(12, 85))
        rows[i] = rows[i]._replace(issued_on=expires.replace(year=expires.year - 3) + timedelta(days=1),
                                   expires_on=expires)
    return rows


def consents(rng: random.Random, links: list[tuple[str, str, int]], calendar: Calendar,
             always: tuple[str, str]) -> list[ConsentRow]:
    """Most suppliers share everything with their customers; some share a chosen list, a few nothing."""
    rows = []
    first = month_start(calendar.closed[0])
    for governor, supplier, _tier in links:
        draw = rng.random()
        granted = first + timedelta(days=rng.randint(0, 120))
        if (supplier, governor) == always or draw < 0.78:
            rows.append(ConsentRow(supplier, governor, None, granted, None))
        elif draw < 0.88:
            rows.append(ConsentRow(supplier, governor, tuple(SHARED_KPIS), granted, None))
        elif draw < 0.95:
            revoked = granted + timedelta(days=rng.randint(150, 500))
            rows.append(ConsentRow(supplier, governor, None, granted, revoked))
    return rows


def _visit_outcome(rng: random.Random, score: float) -> str:
    if score >= 0.5:
        return "passed"
    if score >= 0.3 or rng.random() < 0.5:
        return "follow-up"
    return "failed"


FINDINGS = {
    "passed": "Process under control; records complete.",
    "follow-up": "Containment in place; corrective action plan due at the next visit.",
    "failed": "Repeat defects found at goods-in; 100% inspection continues.",
}


def visits(rng: random.Random, links: list[tuple[str, str, int]], scores: Scores,
           calendar: Calendar) -> list[VisitRow]:
    """Roughly monthly visits per link, alternating quality and materials staff; three links lapse."""
    rows = []
    lapsed = set(rng.sample(range(len(links)), 3))
    for n, (governor, supplier, _tier) in enumerate(links):
        for i, month in enumerate(calendar.months):
            if (n in lapsed and i > len(calendar.months) - 6) or rng.random() > 0.75:
                continue
            role = "quality" if rng.random() < 0.55 else "materials"
            kpi = "customer_reject_ppm" if role == "quality" else "otd_pct"
            outcome = _visit_outcome(rng, scores[supplier][kpi][i])
            last = 20 if month == calendar.open_month else 27
            purpose = "Quality review at the plant" if role == "quality" else "Delivery and scheduling review"
            rows.append(VisitRow(governor, supplier, _day_in(rng, month, 2, last), role, purpose,
                                 FINDINGS[outcome], outcome))
    return rows


def _month_index(calendar: Calendar, month: str) -> int:
    months = calendar.months
    return months.index(month) if month in months else len(months)


def plan_workshops(rng: random.Random, specs: list[dict[str, Any]], scores: Scores,
                   calendar: Calendar) -> list[WorkshopPlan]:
    """Best-in-class workshops: the best firm of the month before hosts, the weak quarter is invited;
    attendees' scores on the topic KPI then improve a little faster (workshop impact)."""
    plans: list[WorkshopPlan] = []
    for spec in specs:
        kpi, month = spec["kpi"], spec["month"]
        basis = min(_month_index(calendar, previous_month(month)), len(calendar.closed) - 1)
        ranked = sorted(scores, key=lambda firm: (scores[firm][kpi][basis], firm))
        leaders = ranked[-4:][::-1]  # best first; a firm that has hosted lets the next one show its plant
        host = next((f for f in leaders if f not in {p.host for p in plans}), leaders[0])
        tail = ranked[: max(5, len(ranked) // 4 + 2)][:WORKSHOP_CAPACITY]
        tail += [f for f in spec.get("also_invite", []) if f not in tail]
        planned = bool(spec.get("planned"))
        # The planned workshop's invitations have just gone out: nobody has registered yet.
        registered = () if planned else tuple(f for f in tail if rng.random() < 0.85)
        attended = () if planned else tuple(f for f in registered if rng.random() < 0.85)
        for firm in attended:
            boost(scores, firm, kpi, _month_index(calendar, next_month(month)))
        plans.append(WorkshopPlan(kpi, spec["title"], _day_in(rng, month, 8, 24), host, tuple(tail),
                                  registered, attended, planned))
    return plans


def improvement_actions(rng: random.Random, workshops: list[WorkshopPlan], texts: dict[str, str],
                        reference: date) -> list[ActionRow]:
    """One action per attending firm; nearly all past-due ones are done, a couple are overdue."""
    rows = []
    for index, plan in enumerate(workshops):
        for firm in plan.attended:
            due = plan.held_on + timedelta(days=rng.randint(45, 120))
            done_on = None
            if due < reference and rng.random() < (0.97 if due < reference - timedelta(days=120) else 0.7):
                done_on = min(reference - timedelta(days=1), due - timedelta(days=rng.randint(-10, 30)))
            rows.append(ActionRow(index, firm, texts[plan.kpi], rng.choice(OWNERS), due, done_on))
    return rows
