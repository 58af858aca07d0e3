"""Workshop lifecycle services: host agreement, registration with a waiting list, attendance, actions."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from benchclub.errors import DomainError
from benchclub.models import (
    ActionStatus,
    AuditEntry,
    HostStatus,
    Notification,
    RegistrationStatus,
    Role,
    WorkshopStatus,
)
from benchclub.workshops import actions, services

from .helpers import agreed_workshop, make_user, suppliers

SOON = date.today() + timedelta(days=30)


def _notes(db, user):
    return db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)).all()


def test_host_must_agree_before_invitees_hear_of_the_workshop(world, db):
    fac, host, guest = world.users["facilitator"], world.firms["A"], world.firms["B"]
    w = services.create_workshop(world.club, "otd_pct", "OTD at Alpha", SOON, host=host, invitees=[guest], actor=fac)
    assert w.host_status == HostStatus.PENDING and w.place == "Alpha Castings plant"
    assert [n.kind for n in _notes(db, world.users["member_a"])] == ["workshop_host"]
    assert _notes(db, world.users["member_b"]) == []
    with pytest.raises(DomainError, match="host firm has agreed"):
        services.register_firm(w, guest, actor=world.users["member_b"])
    services.respond_as_host(w, True, actor=world.users["member_a"])
    assert w.host_status == HostStatus.AGREED
    assert [n.kind for n in _notes(db, world.users["member_b"])] == ["workshop_invitation"]
    with pytest.raises(DomainError, match="not waiting"):
        services.respond_as_host(w, False, actor=world.users["member_a"])


def test_declining_tells_the_facilitator(world, db):
    w = services.create_workshop(world.club, "otd_pct", "OTD", SOON, host=world.firms["A"],
                                 actor=world.users["facilitator"])
    services.respond_as_host(w, False, actor=world.users["member_a"])
    assert w.host_status == HostStatus.DECLINED
    assert [n.kind for n in _notes(db, world.users["facilitator"])] == ["workshop_host_declined"]


def test_registration_fills_capacity_then_the_waiting_list_moves_up_in_order(world, db):
    firms = suppliers(world.club, 4)
    users = [make_user(f"m{i}@s.test", Role.MEMBER, firm=f) for i, f in enumerate(firms)]
    w = agreed_workshop(world.club, world.firms["A"], held_on=SOON, capacity=2)
    regs = [services.register_firm(w, f, actor=u) for f, u in zip(firms, users, strict=True)]
    assert [r.status for r in regs] == [RegistrationStatus.REGISTERED] * 2 + [RegistrationStatus.WAITLISTED] * 2
    services.cancel_registration(w, firms[0], actor=users[0])
    assert [r.status for r in regs] == [RegistrationStatus.CANCELLED, RegistrationStatus.REGISTERED,
                                        RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED]
    assert [n.kind for n in _notes(db, users[2])] == ["workshop_place"]
    assert _notes(db, users[3]) == []
    again = services.register_firm(w, firms[0], actor=users[0])  # back of the queue
    assert again.status == RegistrationStatus.WAITLISTED


def test_a_firm_cannot_register_twice_and_the_host_does_not_register(world, db):
    w = agreed_workshop(world.club, world.firms["A"], held_on=SOON)
    services.register_firm(w, world.firms["B"], actor=world.users["member_b"])
    with pytest.raises(DomainError, match="already registered"):
        services.register_firm(w, world.firms["B"], actor=world.users["member_b"])
    with pytest.raises(DomainError, match="hosts this workshop"):
        services.register_firm(w, world.firms["A"], actor=world.users["member_a"])


def test_registration_closes_after_the_date(world, db):
    w = agreed_workshop(world.club, world.firms["A"], held_on=date(2024, 3, 1))
    with pytest.raises(DomainError, match="closed"):
        services.register_firm(w, world.firms["B"], actor=world.users["member_b"])
    reg = services.register_firm(w, world.firms["B"], actor=None, today=date(2024, 2, 1))  # demo history
    assert reg.status == RegistrationStatus.REGISTERED


def test_more_capacity_promotes_the_waiting_list(world, db):
    firms = suppliers(world.club, 2)
    w = agreed_workshop(world.club, None, held_on=SOON, capacity=1)
    services.register_firm(w, firms[0], actor=None)
    waiting = services.register_firm(w, firms[1], actor=None)
    assert waiting.status == RegistrationStatus.WAITLISTED
    services.update_workshop(w, title=w.title, held_on=w.held_on, place="Club office", capacity=2, agenda="",
                             host=None, actor=world.users["facilitator"])
    assert waiting.status == RegistrationStatus.REGISTERED


def test_changing_the_host_asks_the_new_host_again(world, db):
    w = agreed_workshop(world.club, world.firms["A"], held_on=SOON)
    services.update_workshop(w, title=w.title, held_on=w.held_on, place="", capacity=5, agenda="",
                             host=world.firms["B"], actor=world.users["facilitator"])
    assert w.host_status == HostStatus.PENDING
    assert [n.kind for n in _notes(db, world.users["member_b"])] == ["workshop_host"]


def test_attendance_is_recorded_only_from_the_workshop_date_and_marks_it_held(world, db):
    fac = world.users["facilitator"]
    w = agreed_workshop(world.club, world.firms["A"], held_on=SOON)
    services.register_firm(w, world.firms["B"], actor=world.users["member_b"])
    with pytest.raises(DomainError, match="from"):
        services.record_attendance(w, [world.firms["B"]], actor=fac)
    extra = suppliers(world.club, 1)[0]
    services.record_attendance(w, [world.firms["B"], extra], actor=fac, today=SOON)
    assert w.status == WorkshopStatus.HELD
    assert {r.firm_id: r.attended for r in w.registrations} == {world.firms["B"].id: True, extra.id: True}
    audited = db.session.scalars(sa.select(AuditEntry.summary).where(AuditEntry.entity == "workshop_registration"))
    assert any("attendance" in s for s in audited)


def test_cancelling_a_workshop_tells_registered_firms(world, db):
    w = agreed_workshop(world.club, world.firms["A"], held_on=SOON)
    services.register_firm(w, world.firms["B"], actor=world.users["member_b"])
    services.cancel_workshop(w, actor=world.users["facilitator"])
    assert w.status == WorkshopStatus.CANCELLED
    assert "workshop_cancelled" in [n.kind for n in _notes(db, world.users["member_b"])]
    with pytest.raises(DomainError):
        services.register_firm(w, world.firms["B"], actor=world.users["member_b"])


def test_workshop_rules_refuse_bad_input(world, db):
    fac = world.users["facilitator"]
    with pytest.raises(DomainError, match="no KPI"):
        services.create_workshop(world.club, "nope", "T", SOON, actor=fac)
    with pytest.raises(DomainError, match="Capacity"):
        services.create_workshop(world.club, "otd_pct", "T", SOON, capacity=0, actor=fac)
    with pytest.raises(DomainError, match="not a supplier firm of club C1"):
        services.create_workshop(world.club, "otd_pct", "T", SOON, host=world.firms["X"], actor=fac)
    with pytest.raises(DomainError, match="not a supplier"):
        services.create_workshop(world.club, "otd_pct", "T", SOON, invitees=[world.firms["G1"]], actor=fac)


def test_actions_are_completed_reopened_and_audited(world, db):
    member = world.users["member_a"]
    action = actions.add_action(world.firms["A"], "Introduce SMED on press 3", date(2024, 5, 1), owner="Plant manager",
                                actor=member)
    assert action.status == ActionStatus.OPEN
    actions.complete_action(action, actor=member, completed_on=date(2024, 4, 20))
    assert (action.status, action.completed_on) == (ActionStatus.DONE, date(2024, 4, 20))
    with pytest.raises(DomainError, match="already done"):
        actions.complete_action(action, actor=member)
    actions.update_action(action, description=action.description, owner="", due_on=action.due_on, status="open",
                          actor=member)
    assert action.completed_on is None
    changes = db.session.scalars(sa.select(AuditEntry.summary).where(AuditEntry.entity == "improvement_action")).all()
    assert "action.status" in changes and "action.completed_on" in changes
    with pytest.raises(DomainError, match="Describe"):
        actions.add_action(world.firms["A"], "  ", date(2024, 5, 1), actor=member)
