"""Workshop lifecycle (DOMAIN §8): create, host agreement, invitations, registration with a waiting
list, attendance, notes, cancellation. Improvement actions live in actions.py, uploads in materials.py.

Every service takes `actor=`, audits what it changes, flushes and never commits. `today` defaults
to the current date; the demo-data builder passes past dates to create history.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from ..audit import record
from ..errors import DomainError
from ..extensions import db
from ..models import (
    Club,
    Firm,
    HostStatus,
    RegistrationStatus,
    User,
    Workshop,
    WorkshopInvitation,
    WorkshopRegistration,
    WorkshopStatus,
)
from ..notifications import services as notifications
from ..notifications.reminders import facilitators_of, link_for, members_of, workshop_reminders
from ..permissions import is_workshop_published
from . import queries


class WorkshopError(DomainError):
    """A workshop rule was broken (full, closed, wrong club...)."""


def _check_supplier(club: Club, firm: Firm, field: str) -> None:
    if firm.club_id != club.id or not firm.is_supplier:
        raise WorkshopError(f"{firm.code} is not a supplier firm of club {club.code}.", field=field)


def _audit(actor: User | None, workshop: Workshop, action: str, summary: str, **kw) -> None:
    record(actor, action, "workshop", workshop.id, club_id=workshop.club_id, summary=summary, **kw)


def create_workshop(club: Club, kpi_code: str, title: str, held_on: date, *, actor: User | None,
                    host: Firm | None = None, place: str = "", capacity: int = 20, agenda: str = "",
                    invitees: Iterable[Firm] = (), suggested_from_month: str | None = None) -> Workshop:
    """A planned workshop on one KPI; the host firm (if any) is asked to agree, invitees wait for that."""
    kpi = queries.get_kpi(club, kpi_code)
    if not (title or "").strip():
        raise WorkshopError("Give the workshop a title.", field="title")
    if capacity < 1:
        raise WorkshopError("Capacity must be at least one firm.", field="capacity")
    if host is not None:
        _check_supplier(club, host, "host_firm_id")
    workshop = Workshop(club_id=club.id, kpi_code=kpi.code, title=title.strip(), held_on=held_on,
                        host_firm_id=host.id if host else None, host_status=HostStatus.PENDING,
                        place=(place or "").strip() or (f"{host.name} plant" if host else ""), capacity=capacity,
                        agenda=(agenda or "").strip(), suggested_from_month=suggested_from_month,
                        created_by_id=getattr(actor, "id", None))
    db.session.add(workshop)
    db.session.flush()
    _audit(actor, workshop, "create", f"workshop '{workshop.title}' on {kpi.code} ({held_on.isoformat()})",
           detail={"host": host.code if host else None, "suggested_from": suggested_from_month})
    invite_firms(workshop, [f for f in invitees if host is None or f.id != host.id], actor=actor)
    notifications.store(workshop_reminders(workshop))
    return workshop


def update_workshop(workshop: Workshop, *, title: str, held_on: date, place: str, capacity: int, agenda: str,
                    host: Firm | None, actor: User | None) -> Workshop:
    """Change a planned workshop; a new host must agree again, more capacity promotes the waiting list."""
    if workshop.status != WorkshopStatus.PLANNED:
        raise WorkshopError("Only a planned workshop can be changed.")
    if not (title or "").strip():
        raise WorkshopError("Give the workshop a title.", field="title")
    if capacity < 1:
        raise WorkshopError("Capacity must be at least one firm.", field="capacity")
    if host is not None:
        _check_supplier(workshop.club, host, "host_firm_id")
    changes = {"title": title.strip(), "held_on": held_on, "place": (place or "").strip(), "capacity": capacity,
               "agenda": (agenda or "").strip(), "host_firm_id": host.id if host else None}
    if changes["host_firm_id"] != workshop.host_firm_id:
        workshop.host_status = HostStatus.PENDING  # a new host must agree in turn
    for attr, new in changes.items():
        old = getattr(workshop, attr)
        if old != new:
            _audit(actor, workshop, "update", f"workshop.{attr}", old=old, new=new)
            setattr(workshop, attr, new)
    _fill_places(workshop, actor=actor)
    db.session.flush()
    notifications.store(workshop_reminders(workshop))
    return workshop


def respond_as_host(workshop: Workshop, agree: bool, *, actor: User) -> Workshop:
    """The host firm agrees (the workshop is published to invitees) or declines."""
    if workshop.host_firm_id is None or workshop.host_status != HostStatus.PENDING:
        raise WorkshopError("This workshop is not waiting for a host's answer.")
    if workshop.status != WorkshopStatus.PLANNED:
        raise WorkshopError("This workshop is no longer planned.")
    new = HostStatus.AGREED if agree else HostStatus.DECLINED
    _audit(actor, workshop, "update", "workshop.host_status", old=workshop.host_status.value, new=new.value)
    workshop.host_status = new
    db.session.flush()
    if agree:
        notifications.store(workshop_reminders(workshop))
    else:
        notifications.notify(facilitators_of(workshop.club_id), kind="workshop_host_declined",
                             message=f"The host declined the workshop '{workshop.title}'; choose another host.",
                             link=link_for("workshops.detail", workshop_id=workshop.id),
                             dedupe_key=f"workshop-host-declined:{workshop.id}:{workshop.host_firm_id}")
    return workshop


def invite_firms(workshop: Workshop, firms: Iterable[Firm], *, actor: User | None, reason: str = "") -> int:
    """Invite supplier firms of the club (existing invitations and the host are skipped)."""
    existing = {i.firm_id for i in workshop.invitations}
    added = []
    for firm in firms:
        _check_supplier(workshop.club, firm, "invitees")
        if firm.id in existing or firm.id == workshop.host_firm_id:
            continue
        workshop.invitations.append(WorkshopInvitation(firm_id=firm.id, reason=reason[:300]))
        existing.add(firm.id)
        added.append(firm.code)
    if added:
        _audit(actor, workshop, "create", f"invited {len(added)} firm(s)", new=", ".join(added))
        db.session.flush()
        notifications.store(workshop_reminders(workshop))
    return len(added)


def register_firm(workshop: Workshop, firm: Firm, *, actor: User | None, today: date | None = None
                  ) -> WorkshopRegistration:
    """A firm takes a place, or joins the waiting list when the workshop is full."""
    today = today or date.today()
    _check_supplier(workshop.club, firm, "firm")
    if workshop.status != WorkshopStatus.PLANNED or workshop.held_on < today:
        raise WorkshopError("Registration is closed for this workshop.")
    if not is_workshop_published(workshop):
        raise WorkshopError("Registration opens once the host firm has agreed.")
    if firm.id == workshop.host_firm_id:
        raise WorkshopError("Your firm hosts this workshop; it does not need to register.")
    reg = queries.registration_of(workshop, firm.id)
    if reg is not None and reg.status != RegistrationStatus.CANCELLED:
        raise WorkshopError(f"Your firm is already {reg.status.value} for this workshop.")
    taken, _ = queries.places(workshop)
    status = RegistrationStatus.REGISTERED if taken < workshop.capacity else RegistrationStatus.WAITLISTED
    if reg is None:
        reg = WorkshopRegistration(firm_id=firm.id)
        workshop.registrations.append(reg)
    reg.status, reg.user_id, reg.registered_at = status, getattr(actor, "id", None), datetime.now(UTC)
    db.session.flush()
    record(actor, "update", "workshop_registration", reg.id, club_id=workshop.club_id,
           summary=f"{firm.code} {status.value} for workshop {workshop.id}", new=status.value)
    return reg


def cancel_registration(workshop: Workshop, firm: Firm, *, actor: User | None, today: date | None = None
                        ) -> WorkshopRegistration:
    """Give up a place (or a waiting-list spot); the first firm waiting moves up."""
    today = today or date.today()
    reg = queries.registration_of(workshop, firm.id)
    if reg is None or reg.status == RegistrationStatus.CANCELLED:
        raise WorkshopError("Your firm is not registered for this workshop.")
    if workshop.status != WorkshopStatus.PLANNED or workshop.held_on < today:
        raise WorkshopError("This workshop can no longer be cancelled online.")
    record(actor, "update", "workshop_registration", reg.id, club_id=workshop.club_id,
           summary=f"{firm.code} cancelled for workshop {workshop.id}", old=reg.status.value, new="cancelled")
    reg.status = RegistrationStatus.CANCELLED
    db.session.flush()
    _fill_places(workshop, actor=actor)
    return reg


def _fill_places(workshop: Workshop, *, actor: User | None) -> None:
    """Promote waiting firms, in the order they joined, into free places; tell them."""
    waiting = sorted((r for r in workshop.registrations if r.status == RegistrationStatus.WAITLISTED),
                     key=lambda r: (r.registered_at, r.id))
    taken, _ = queries.places(workshop)
    for reg in waiting[:max(workshop.capacity - taken, 0)]:
        reg.status = RegistrationStatus.REGISTERED
        record(actor, "update", "workshop_registration", reg.id, club_id=workshop.club_id,
               summary=f"firm {reg.firm_id} promoted from the waiting list", old="waitlisted", new="registered")
        db.session.flush()
        notifications.notify(members_of(reg.firm_id), kind="workshop_place",
                             message=f"A place came free: your firm is now registered for '{workshop.title}'.",
                             link=link_for("workshops.detail", workshop_id=workshop.id),
                             dedupe_key=f"workshop-place:{workshop.id}:{reg.firm_id}:{reg.registered_at.isoformat()}")
    db.session.flush()


def record_attendance(workshop: Workshop, attended: Iterable[Firm], *, actor: User | None,
                      today: date | None = None) -> Workshop:
    """Mark who attended (walk-ins get a registration) and mark the workshop held."""
    today = today or date.today()
    if workshop.status == WorkshopStatus.CANCELLED:
        raise WorkshopError("A cancelled workshop has no attendance.")
    if workshop.held_on > today:
        raise WorkshopError(f"Attendance can be recorded from {workshop.held_on.isoformat()}, the workshop date.")
    present = {f.id: f for f in attended}
    for firm in present.values():
        _check_supplier(workshop.club, firm, "attended")
        if queries.registration_of(workshop, firm.id) is None:
            workshop.registrations.append(WorkshopRegistration(firm_id=firm.id, status=RegistrationStatus.REGISTERED))
    db.session.flush()
    for reg in workshop.registrations:
        now = reg.firm_id in present
        if reg.firm_id in present and reg.status != RegistrationStatus.REGISTERED:
            reg.status = RegistrationStatus.REGISTERED
        if reg.attended != now:
            record(actor, "update", "workshop_registration", reg.id, club_id=workshop.club_id,
                   summary=f"attendance of firm {reg.firm_id}", old=reg.attended, new=now)
            reg.attended = now
    if workshop.status != WorkshopStatus.HELD:
        _audit(actor, workshop, "update", "workshop.status", old=workshop.status.value, new="held")
        workshop.status = WorkshopStatus.HELD
    db.session.flush()
    return workshop


def save_notes(workshop: Workshop, notes: str, *, actor: User | None) -> Workshop:
    """Replace the workshop notes, keeping the old text in the audit log."""
    notes = (notes or "").strip()
    if notes != workshop.notes:
        _audit(actor, workshop, "update", "workshop.notes", old=workshop.notes, new=notes)
        workshop.notes = notes
        db.session.flush()
    return workshop


def cancel_workshop(workshop: Workshop, *, actor: User | None, reason: str = "") -> Workshop:
    """Call a planned workshop off; registered and waiting firms are told."""
    if workshop.status != WorkshopStatus.PLANNED:
        raise WorkshopError("Only a planned workshop can be cancelled.")
    _audit(actor, workshop, "update", "workshop.status", old=workshop.status.value, new="cancelled", reason=reason)
    workshop.status = WorkshopStatus.CANCELLED
    db.session.flush()
    for reg in workshop.registrations:
        if reg.status != RegistrationStatus.CANCELLED:
            notifications.notify(members_of(reg.firm_id), kind="workshop_cancelled",
                                 message=f"The workshop '{workshop.title}' on {workshop.held_on} has been cancelled.",
                                 link=link_for("workshops.detail", workshop_id=workshop.id),
                                 dedupe_key=f"workshop-cancelled:{workshop.id}")
    return workshop
