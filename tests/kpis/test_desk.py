"""The facilitator's data-quality desk, the member's answers, timeliness and reminders in the completeness matrix."""
import sqlalchemy as sa

from benchclub.extensions import db
from benchclub.models import AuditEntry, CheckStatus, DataCheck, MonthSubmission, Notification
from benchclub.periods.services import open_period
from tests.factories import add_value


def _desk(client):
    return client.get("/kpis/desk").get_data(as_text=True)


def test_a_value_outside_the_soft_range_is_queued_and_accepting_clears_it(client, world, login_as):
    add_value(world, "A", "internal_scrap_pct", "2025-02", 14.0, comment="furnace failure")
    db.session.commit()
    login_as("facilitator")
    html = _desk(client)
    assert 'data-desk-item="soft_range"' in html and "Alpha Castings" in html and "furnace failure" in html
    item = db.session.scalar(sa.select(DataCheck))
    assert item is None
    kpi_id = db.session.execute(sa.text("select id from kpi_definitions where club_id=:c and code='internal_scrap_pct'"),
                                {"c": world.club.id}).scalar()
    resp = client.post("/kpis/desk/decide", data={"firm_id": world.firms["A"].id, "period_id": world.periods["2025-02"].id,
                                                  "kpi_id": kpi_id, "kind": "soft_range", "action": "accept"})
    assert resp.status_code == 302
    assert db.session.scalar(sa.select(DataCheck)).status == CheckStatus.ACCEPTED
    assert 'data-todo-count>0<' in _desk(client)
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "accept", AuditEntry.entity == "data_check"))


def test_a_query_reaches_the_member_whose_answer_returns_to_the_desk(client, world, login_as):
    add_value(world, "A", "internal_scrap_pct", "2025-02", 14.0, comment="x")
    db.session.commit()
    kpi_id = db.session.execute(sa.text("select id from kpi_definitions where club_id=:c and code='internal_scrap_pct'"),
                                {"c": world.club.id}).scalar()
    login_as("facilitator")
    base = {"firm_id": world.firms["A"].id, "period_id": world.periods["2025-02"].id, "kpi_id": kpi_id,
            "kind": "soft_range", "action": "query"}
    client.post("/kpis/desk/decide", data={**base, "question": ""})
    assert db.session.scalar(sa.select(DataCheck)) is None  # a query needs its question
    client.post("/kpis/desk/decide", data={**base, "question": "Is 14% scrap right?"})
    assert "Waiting for the firm (1)" in _desk(client)
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == world.users["member_a"].id))
    assert note is not None and "Is 14% scrap right?" in note.message
    login_as("member_a")
    page = client.get("/kpis/queries").get_data(as_text=True)
    assert "Is 14% scrap right?" in page
    check = db.session.scalar(sa.select(DataCheck))
    client.post(f"/kpis/queries/{check.id}/answer", data={"answer": "Yes, a furnace failed."})
    login_as("member_b")  # another firm cannot answer it
    assert client.post(f"/kpis/queries/{check.id}/answer", data={"answer": "no"}).status_code == 302
    db.session.refresh(check)
    assert check.answer == "Yes, a furnace failed." and check.status == CheckStatus.ANSWERED
    login_as("facilitator")
    html = _desk(client)
    assert "Yes, a furnace failed." in html and 'data-todo-count>1<' in html


def test_governor_measurement_far_from_the_self_report_is_a_disagreement(client, world, login_as):
    add_value(world, "A", "lead_time_days", "2025-02", 3.0)
    add_value(world, "A", "lead_time_days", "2025-02", 5.0, source="G1")
    add_value(world, "A", "otd_pct", "2025-02", 97.0)
    add_value(world, "A", "otd_pct", "2025-02", 96.0, source="G1")  # within 2 percentage points
    db.session.commit()
    login_as("facilitator")
    html = _desk(client)
    assert html.count('data-desk-item="disagreement"') == 1 and "measured by Gamma Motors" in html


def test_a_big_jump_from_the_firms_history_is_queued(client, world, login_as):
    add_value(world, "A", "inventory_turns", "2025-01", 16.5)
    add_value(world, "A", "inventory_turns", "2025-02", 9.8)
    db.session.commit()
    login_as("facilitator")
    assert 'data-desk-item="jump"' in _desk(client)


def test_member_cannot_reach_the_desk(client, world, login_as):
    login_as("member_a")
    assert client.get("/kpis/desk").status_code == 403


def test_completeness_opens_on_the_current_month_filters_missing_and_reminds_them(client, world, login_as):
    open_period(world.club, "2025-03")
    add_value(world, "B", "otd_pct", "2025-03", 97.0)
    db.session.commit()
    login_as("facilitator")
    html = client.get("/kpis/completeness").get_data(as_text=True)
    head = html.split("<thead")[1].split("</thead>")[0]
    assert head.index("2025-03") < head.index("2025-02") < head.index("2025-01")  # newest first
    assert "/kpis/firms/SUP-A/2025-03" in html  # cells link to the firm's month
    assert client.get("/kpis/firms/SUP-A/2025-03").status_code == 200
    resp = client.post("/kpis/completeness/remind", data={"month": "2025-03"}, follow_redirects=True)
    assert "Reminder sent to 2 firm(s)" in resp.get_data(as_text=True)
    reminded = db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "period_reminder")).all()
    assert set(reminded) == {world.users["member_a"].id, world.users["member_b"].id}


def test_missing_only_hides_firms_that_completed_the_current_month(client, world, login_as):
    login_as("member_b")
    data = {f"value-{code}": "1" for code in ("inventory_turns", "customer_reject_ppm", "internal_scrap_pct",
                                               "setup_time_pct", "kanban_share_pct", "lead_time_days",
                                               "absenteeism_pct", "training_hours")}
    client.post("/kpis/month/2025-02", data={**data, "value-otd_pct": "97"})
    sub = db.session.scalar(sa.select(MonthSubmission).where(MonthSubmission.firm_id == world.firms["B"].id))
    assert sub is not None and sub.completed_at is not None  # timeliness recorded on the complete save
    login_as("facilitator")
    html = client.get("/kpis/completeness?missing=1").get_data(as_text=True)
    assert "Alpha Castings" in html and "Beta Plastics" not in html
