"""The club's disclosure thresholds: raised by the facilitator, never below the defaults, audited, applied."""
import sqlalchemy as sa

from benchclub.benchmarks.disclosure import Thresholds, n_label
from benchclub.models import AuditEntry


def test_facilitator_raises_the_thresholds_and_the_change_is_audited(login_as, client, world, db):
    login_as("facilitator")
    resp = client.post("/club/disclosure", data={"min_firms": "7", "min_firms_tails": "12", "exact_n_from": "25"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert (world.club.min_firms, world.club.min_firms_tails, world.club.exact_n_from) == (7, 12, 25)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.entity == "club_thresholds"))
    assert entry.old_value == "5/10/20" and entry.new_value == "7/12/25"
    assert Thresholds.from_club(world.club).min_firms == 7 and n_label(6, world.club) == "fewer than 7"


def test_thresholds_cannot_go_below_the_defaults_or_out_of_order(login_as, client, world, db):
    login_as("facilitator")
    low = client.post("/club/disclosure", data={"min_firms": "4", "min_firms_tails": "10", "exact_n_from": "20"})
    assert low.status_code == 422 and b"may only be raised" in low.data
    order = client.post("/club/disclosure", data={"min_firms": "12", "min_firms_tails": "10", "exact_n_from": "20"})
    assert order.status_code == 422 and b"P10 and P90 need at least 12" in order.data
    db.session.expire_all()
    assert world.club.min_firms == 5


def test_members_cannot_set_thresholds(login_as, client):
    login_as("member_a")
    assert client.post("/club/disclosure", data={"min_firms": "50"}).status_code == 403


def test_times_are_shown_in_the_clubs_time_zone(login_as, client, world, db):
    from datetime import UTC, datetime

    from benchclub.templating import fmt_date

    world.club.time_zone = "Africa/Johannesburg"
    db.session.commit()
    login_as("member_a")
    with client.application.test_request_context():
        from flask_login import login_user

        login_user(world.users["member_a"])
        assert fmt_date(datetime(2026, 11, 30, 7, 2, tzinfo=UTC)) == "2026-11-30 09:02 SAST"
    with client.application.app_context():
        assert fmt_date(datetime(2026, 11, 30, 7, 2, tzinfo=UTC)) == "2026-11-30 07:02 UTC"  # no viewer: UTC
