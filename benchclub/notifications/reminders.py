"""Collect the reminders due on a date, across every club (reads other features' tables only).

Each reminder carries a dedupe key naming the fact it is about (period and firm, certificate and
expiry date, action and due date, ...), so a cron job may run any number of times a day.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask import url_for
from werkzeug.routing import BuildError

from ..extensions import db
from ..models import (
    ActionStatus,
    Certificate,
    Firm,
    FirmKind,
    HostStatus,
    ImprovementAction,
    KpiDefinition,
    KpiValue,
    Period,
    PeriodStatus,
    RegistrationStatus,
    Role,
    SupplyLink,
    User,
    Visit,
    Workshop,
    WorkshopInvitation,
    WorkshopRegistration,
    WorkshopStatus,
)
from . import rules
from .rules import Reminder


def link_for(endpoint: str, **values) -> str:
    """A relative link to a page, or '' when the endpoint does not exist (yet) or no request is active."""
    try:
        return url_for(endpoint, **values)
    except (BuildError, RuntimeError):
        return ""


def collect(today: date) -> list[Reminder]:
    """Every reminder due today, for every user; de-duplication happens when they are stored."""
    return (_periods(today) + _certificates(today) + _actions(today) + _visits(today)
            + _workshop_invitations(today))


def _users_by_firm(firm_ids: set[int], role: Role = Role.MEMBER) -> dict[int, list[User]]:
    if not firm_ids:
        return {}
    users = db.session.scalars(sa.select(User).where(User.firm_id.in_(firm_ids), User.role == role,
                                                     User.active.is_(True)))
    result: dict[int, list[User]] = defaultdict(list)
    for user in users:
        result[user.firm_id].append(user)
    return result


def members_of(firm_id: int) -> list[User]:
    """Active member users of one firm (who receive that firm's reminders)."""
    return _users_by_firm({firm_id}).get(firm_id, [])


def facilitators_of(club_id: int) -> list[User]:
    """Active facilitators of a club."""
    return list(db.session.scalars(sa.select(User).where(User.club_id == club_id, User.role == Role.FACILITATOR,
                                                         User.active.is_(True))))


def _periods(today: date) -> list[Reminder]:
    """Members whose firm has not entered every KPI of a month due soon or overdue."""
    out: list[Reminder] = []
    for period in db.session.scalars(sa.select(Period).where(Period.status == PeriodStatus.OPEN)):
        state = rules.period_state(period.due_on, today)
        if state is None:
            continue
        missing = _firms_missing_values(period)
        members = _users_by_firm(set(missing))
        verb = f"are due on {period.due_on.isoformat()}" if state == "due" else \
            f"were due on {period.due_on.isoformat()} and are overdue"
        link = link_for("kpis.entry_index")
        for firm_id, (entered, total) in missing.items():
            for user in members.get(firm_id, []):
                out.append(Reminder(user.id, f"period_{state}",
                                    f"Your KPIs for {period.month} {verb} ({entered} of {total} entered).",
                                    link, f"period-{state}:{period.id}:{firm_id}"))
        if state == "overdue" and missing:
            for fac in facilitators_of(period.club_id):
                out.append(Reminder(fac.id, "period_overdue",
                                    f"{len(missing)} firm(s) have not completed {period.month} (due {period.due_on}).",
                                    link_for("kpis.completeness"), f"period-overdue-club:{period.id}"))
    return out


def _firms_missing_values(period: Period) -> dict[int, tuple[int, int]]:
    """Supplier firms of the period's club without a value or nil return for every active KPI."""
    total = db.session.scalar(sa.select(sa.func.count(KpiDefinition.id)).where(
        KpiDefinition.club_id == period.club_id, KpiDefinition.active.is_(True))) or 0
    entered = dict(db.session.execute(
        sa.select(KpiValue.firm_id, sa.func.count(sa.distinct(KpiValue.kpi_id)))
        .join(KpiDefinition, KpiValue.kpi_id == KpiDefinition.id)
        .where(KpiValue.period_id == period.id, KpiValue.source_firm_id == KpiValue.firm_id,
               KpiDefinition.active.is_(True))
        .group_by(KpiValue.firm_id)).all())
    firms = db.session.scalars(sa.select(Firm.id).where(Firm.club_id == period.club_id, Firm.active.is_(True),
                                                        Firm.kind == FirmKind.SUPPLIER))
    return {fid: (entered.get(fid, 0), total) for fid in firms if entered.get(fid, 0) < total}


def _certificates(today: date) -> list[Reminder]:
    """Members whose firm holds a certificate expiring within 90 days and not yet renewed."""
    certs = list(db.session.scalars(sa.select(Certificate).where(Certificate.expires_on >= today)))
    latest: dict[tuple[int, str], date] = {}
    for cert in certs:
        key = (cert.firm_id, cert.standard)
        latest[key] = max(latest.get(key, cert.expires_on), cert.expires_on)
    expiring = [c for c in certs if rules.certificate_expiring(c.expires_on, today)
                and latest[(c.firm_id, c.standard)] == c.expires_on]
    members = _users_by_firm({c.firm_id for c in expiring})
    link = link_for("certifications.index")
    return [Reminder(u.id, "certificate_expiring",
                     f"Your {c.standard} certificate {c.number} expires on {c.expires_on.isoformat()}.",
                     link, f"cert-expiring:{c.id}:{c.expires_on.isoformat()}")
            for c in expiring for u in members.get(c.firm_id, [])]


def _actions(today: date) -> list[Reminder]:
    """Members whose firm has an open improvement action past its due date."""
    actions = list(db.session.scalars(sa.select(ImprovementAction).where(
        ImprovementAction.status == ActionStatus.OPEN, ImprovementAction.due_on < today)))
    members = _users_by_firm({a.firm_id for a in actions})
    return [Reminder(u.id, "action_overdue",
                     f"Improvement action overdue since {a.due_on.isoformat()}: {a.description[:200]}",
                     link_for("workshops.edit_action", action_id=a.id),
                     f"action-overdue:{a.id}:{a.due_on.isoformat()}")
            for a in actions for u in members.get(a.firm_id, [])]


def _visits(today: date) -> list[Reminder]:
    """Governor staff whose visit cadence to a linked supplier has lapsed."""
    links = list(db.session.scalars(sa.select(SupplyLink).where(SupplyLink.visit_cadence.is_not(None))))
    rows = db.session.execute(sa.select(Visit.governor_id, Visit.supplier_id, sa.func.max(Visit.visited_on))
                              .group_by(Visit.governor_id, Visit.supplier_id)).all() if links else []
    last = {(g, s): d for g, s, d in rows}
    staff = _users_by_firm({link.governor_id for link in links}, Role.GOVERNOR)
    out: list[Reminder] = []
    for link in links:
        due = rules.visit_overdue(link.visit_cadence.value, last.get((link.governor_id, link.supplier_id)),
                                  link.created_at.date(), today)
        if due is None:
            continue
        for user in staff.get(link.governor_id, []):
            out.append(Reminder(user.id, "visit_overdue",
                                f"A {link.visit_cadence.value} visit to {link.supplier.name} was due on "
                                f"{due.isoformat()}.",
                                link_for("ladder.dashboard"), f"visit-overdue:{link.id}:{due.isoformat()}"))
    return out


def _workshop_invitations(today: date) -> list[Reminder]:
    """Host requests and invitations to planned workshops not yet answered."""
    workshops = list(db.session.scalars(sa.select(Workshop).where(Workshop.status == WorkshopStatus.PLANNED,
                                                                  Workshop.held_on >= today)))
    out: list[Reminder] = []
    for w in workshops:
        out += workshop_reminders(w)
    return out


def workshop_reminders(w: Workshop) -> list[Reminder]:
    """The host request (while pending) or the invitations (once the host agreed) of one workshop."""
    link = link_for("workshops.detail", workshop_id=w.id)
    if w.host_firm_id is not None and w.host_status == HostStatus.PENDING:
        hosts = _users_by_firm({w.host_firm_id})
        return [Reminder(u.id, "workshop_host", f"You are asked to host the workshop '{w.title}' on "
                         f"{w.held_on.isoformat()}. Please agree or decline.", link,
                         f"workshop-host:{w.id}:{w.host_firm_id}") for u in hosts.get(w.host_firm_id, [])]
    if w.host_firm_id is not None and w.host_status != HostStatus.AGREED:
        return []
    registered = set(db.session.scalars(sa.select(WorkshopRegistration.firm_id).where(
        WorkshopRegistration.workshop_id == w.id, WorkshopRegistration.status != RegistrationStatus.CANCELLED)))
    invited = set(db.session.scalars(sa.select(WorkshopInvitation.firm_id).where(
        WorkshopInvitation.workshop_id == w.id))) - registered
    members = _users_by_firm(invited)
    return [Reminder(u.id, "workshop_invitation", f"You are invited to the workshop '{w.title}' on "
                     f"{w.held_on.isoformat()}{' at ' + w.place if w.place else ''}.", link,
                     f"workshop-invite:{w.id}:{fid}") for fid in invited for u in members.get(fid, [])]
