"""Reminders: what is due, stored once, e-mailed once through SMTP, and the cron command."""
import socket
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from benchclub.models import (
    Certificate,
    KpiDefinition,
    KpiValue,
    Notification,
    SupplyLink,
    Visit,
    VisitCadence,
    VisitorRole,
    VisitOutcome,
)
from benchclub.notifications.services import send_reminders
from benchclub.workshops import actions, services

from ..workshops.helpers import agreed_workshop

TODAY = date(2025, 2, 20)  # 2025-01 (due 2025-02-15) is overdue in the standard world


def _kinds(db, user):
    return sorted(db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == user.id)))


def _send(app, today=TODAY, **kw):
    with app.test_request_context():
        return send_reminders(today, mail=kw.pop("mail", None), **kw)


def test_overdue_month_reminds_members_without_all_values_and_the_facilitator(app, world, db):
    kpis = db.session.scalars(sa.select(KpiDefinition).where(KpiDefinition.club_id == world.club.id)).all()
    for kpi in kpis:  # firm B reported everything for 2025-01 (one KPI as a nil return)
        db.session.add(KpiValue(firm_id=world.firms["B"].id, kpi_id=kpi.id, period_id=world.periods["2025-01"].id,
                                source_firm_id=world.firms["B"].id, value=None if kpi.code == "otd_pct" else 1.0,
                                is_nil=kpi.code == "otd_pct"))
    db.session.flush()
    _send(app)
    assert _kinds(db, world.users["member_a"]) == ["period_overdue"]
    assert _kinds(db, world.users["member_b"]) == []
    assert _kinds(db, world.users["facilitator"]) == ["period_overdue"]
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == world.users["member_a"].id))
    assert "2025-01" in note.message and "0 of 9 entered" in note.message


def test_running_twice_never_sends_the_same_reminder_again(app, world, db):
    first = _send(app)
    assert first.created
    second = _send(app)
    assert second.created == []
    later = _send(app, today=TODAY + timedelta(days=1))
    assert later.created == []


def test_dry_run_reports_but_stores_nothing(app, world, db):
    result = _send(app, dry_run=True)
    assert result.dry_run and result.created
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


def test_certificates_actions_visits_and_invitations_are_reminded(app, world, db):
    db.session.add(Certificate(firm_id=world.firms["A"].id, standard="ISO 9001", number="Q-1", body="SABS",
                               issued_on=date(2022, 3, 1), expires_on=TODAY + timedelta(days=30)))
    db.session.add(Certificate(firm_id=world.firms["B"].id, standard="ISO 9001", number="Q-2", body="SABS",
                               issued_on=date(2022, 3, 1), expires_on=TODAY + timedelta(days=30)))
    db.session.add(Certificate(firm_id=world.firms["B"].id, standard="ISO 9001", number="Q-3", body="SABS",
                               issued_on=TODAY, expires_on=TODAY + timedelta(days=1000)))  # renewed
    actions.add_action(world.firms["B"], "Reduce changeover", TODAY - timedelta(days=1), actor=None)
    link = db.session.scalar(sa.select(SupplyLink).where(SupplyLink.governor_id == world.firms["G1"].id))
    link.visit_cadence = VisitCadence.MONTHLY
    link.created_at = datetime(2024, 1, 1, tzinfo=UTC)
    db.session.add(Visit(governor_id=world.firms["G1"].id, supplier_id=world.firms["A"].id,
                         visited_on=TODAY - timedelta(days=40), visitor_role=VisitorRole.QUALITY, outcome=VisitOutcome.PASSED))
    agreed_workshop(world.club, world.firms["A"], held_on=TODAY + timedelta(days=10), invitees=[world.firms["B"]])
    db.session.flush()
    _send(app)
    assert "certificate_expiring" in _kinds(db, world.users["member_a"])
    assert "certificate_expiring" not in _kinds(db, world.users["member_b"])
    assert {"action_overdue", "workshop_invitation"} <= set(_kinds(db, world.users["member_b"]))
    assert _kinds(db, world.users["gov_consented"]) == ["visit_overdue"]
    assert _kinds(db, world.users["gov_no_consent"]) == []  # no cadence set for its link


@pytest.fixture()
def smtp_sink():
    """A local SMTP server on a free port that keeps every message it receives."""

    class Sink:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def test_reminders_are_emailed_once_through_smtp(app, world, db, smtp_sink):
    sink, port = smtp_sink
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_SENDER": "club@benchclub.test"}
    result = _send(app, mail=mail, base_url="https://bench.example")
    assert result.emailed_users == len(sink.messages) >= 2
    recipients = sorted(r for m in sink.messages for r in m.rcpt_tos)
    assert "a@alpha.test" in recipients and "fac@club.test" in recipients
    body = next(m for m in sink.messages if m.rcpt_tos == ["a@alpha.test"]).content.decode()
    assert "2025-01" in body and "BenchClub" in body
    _send(app, mail=mail)
    assert len(sink.messages) == result.emailed_users  # nothing e-mailed twice


def test_cli_sends_and_dry_runs(runner, world, db, app, smtp_sink):
    sink, port = smtp_sink
    dry = runner.invoke(args=["reminders", "send", "--dry-run", "--today", TODAY.isoformat()])
    assert dry.exit_code == 0, dry.output
    assert "would be created" in dry.output
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        real = runner.invoke(args=["reminders", "send", "--today", TODAY.isoformat()])
        again = runner.invoke(args=["reminders", "send", "--today", TODAY.isoformat()])
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    assert real.exit_code == 0, real.output
    assert "e-mailed" in real.output and sink.messages
    assert again.output.startswith("0 new reminder(s)")
    assert len(sink.messages) == len({m.rcpt_tos[0] for m in sink.messages})
    links = db.session.scalars(sa.select(Notification.link).where(Notification.kind == "period_overdue")).all()
    assert links and all(link == "" or link.startswith("/") for link in links)


def test_invitation_notifications_are_deduplicated_with_the_reminder_run(app, world, db):
    w = services.create_workshop(world.club, "otd_pct", "OTD", TODAY + timedelta(days=5), host=world.firms["A"],
                                 invitees=[world.firms["B"]], actor=None)
    services.respond_as_host(w, True, actor=world.users["member_a"])
    _send(app)
    assert _kinds(db, world.users["member_b"]).count("workshop_invitation") == 1
