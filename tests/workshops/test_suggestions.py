"""Suggestions from the frozen snapshots: service, facilitator page (audited) and CLI."""
import json

import pytest
import sqlalchemy as sa

from benchclub.errors import DomainError
from benchclub.models import AuditEntry
from benchclub.workshops.queries import get_suggestions

from .helpers import months, publish, suppliers


@pytest.fixture()
def tail_club(world, db):
    """Ten suppliers with on-time delivery 80..98 for six closed months; S10 best, S01 worst."""
    firms = suppliers(world.club, 10)
    for month in months("2024-01", 6):
        publish(world.club, month, "otd_pct", {f: 80.0 + 2 * i for i, f in enumerate(firms)})
    db.session.commit()
    return firms


def test_hosts_and_invitees_come_from_the_published_snapshots(world, tail_club):
    view = get_suggestions(world.club, "otd_pct", "2024-06")
    hosts = [view.firms[c.firm].code for c in view.result.hosts]
    invitees = [view.firms[c.firm].code for c in view.result.invitees]
    assert hosts == ["S10", "S09", "S08"]  # P75 of 80..98 is 93.5
    assert invitees == ["S01", "S02", "S03"]  # below P25 = 84.5, worst first
    assert view.result.hosts[0].months_at_best == 6


def test_an_open_or_unpublished_period_gives_a_clear_error(world, tail_club):
    with pytest.raises(DomainError, match="not closed"):
        get_suggestions(world.club, "otd_pct", "2025-01")  # open in the standard world
    with pytest.raises(DomainError, match="not closed"):
        get_suggestions(world.club, "otd_pct", "2023-01")


def test_facilitator_page_lists_firms_and_the_view_is_audited(login_as, world, tail_club, db):
    client = login_as("facilitator")
    resp = client.get("/workshops/suggestions?kpi=otd_pct&period=2024-06")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Supplier S10" in page and "Supplier S01" in page
    assert "6 of 6" in page
    logged = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "workshop_suggestions")).all()
    assert [e.action for e in logged] == ["view"]
    assert logged[0].actor_id == world.users["facilitator"].id


def test_member_cannot_see_suggestions(login_as, tail_club):
    client = login_as("member_a")
    assert client.get("/workshops/suggestions?kpi=otd_pct&period=2024-06").status_code == 403


def test_new_workshop_form_is_prefilled_from_the_suggestion(login_as, tail_club):
    client = login_as("facilitator")
    page = client.get("/workshops/new?kpi=otd_pct&period=2024-06").get_data(as_text=True)
    assert "Pre-filled from the suggestions" in page
    assert f'<option selected value="{tail_club[9].id}">' in page  # best host pre-selected
    assert f'value="{tail_club[0].id}" id="inv-{tail_club[0].id}" checked' in page


def test_cli_prints_host_and_invitee_codes_as_json(runner, world, tail_club):
    result = runner.invoke(args=["workshops", "suggest", "--kpi", "otd_pct", "--period", "2024-06", "--club", "C1",
                                 "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"hosts": ["S10", "S09", "S08"], "invitees": ["S01", "S02", "S03"]}


def test_cli_reports_an_unknown_kpi(runner, world, tail_club):
    result = runner.invoke(args=["workshops", "suggest", "--kpi", "nope", "--period", "2024-06", "--club", "C1"])
    assert result.exit_code != 0
    assert "no KPI nope" in result.output
