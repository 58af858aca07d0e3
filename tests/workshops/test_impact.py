"""Workshop impact from the published snapshots, released to members only under DOMAIN §5."""
from datetime import date

import pytest

from benchclub.workshops import services
from benchclub.workshops.queries import get_impact

from .helpers import agreed_workshop, months, publish, suppliers


def _held_workshop(world, attending, others, *, later_months=("2024-06",)):
    """Workshop in 2024-03; attending firms gain 10 points of OTD, the others 2."""
    host = world.firms["A"]
    w = agreed_workshop(world.club, host, held_on=date(2024, 3, 10))
    services.record_attendance(w, attending, actor=None, today=date(2024, 3, 10))
    base = {f: 80.0 for f in attending + others}
    base[host] = 97.0
    publish(world.club, "2024-03", "otd_pct", base)
    for month in later_months:
        later = {f: 90.0 for f in attending} | {f: 82.0 for f in others} | {host: 90.0}
        publish(world.club, month, "otd_pct", later)
    return w


def test_impact_compares_attending_with_other_firms_at_three_and_six_months(world, db):
    firms = suppliers(world.club, 10)
    w = _held_workshop(world, firms[:5], firms[5:], later_months=("2024-06", "2024-09"))
    view = get_impact(w)
    three, six = view.horizons
    assert (three.month, six.month) == ("2024-06", "2024-09")
    assert (three.n_attending, three.n_other) == (5, 5)  # the host is excluded
    assert three.difference == pytest.approx(8.0)
    assert view.released == {3: (True, ""), 6: (True, "")}


def test_later_horizon_waits_for_its_period(world, db):
    firms = suppliers(world.club, 10)
    view = get_impact(_held_workshop(world, firms[:5], firms[5:]))
    assert view.horizons[1].available is False
    assert "2024-09" in view.released[6][1]


def test_a_planned_workshop_has_no_impact_yet(world, db):
    w = agreed_workshop(world.club, world.firms["A"], held_on=date(2030, 1, 1))
    view = get_impact(w)
    assert view.horizons == [] and "once the workshop has been held" in view.note


def test_members_see_released_impact_with_banded_counts(world, db, login_as):
    firms = suppliers(world.club, 10)
    w = _held_workshop(world, firms[:5], firms[5:])
    db.session.commit()
    page = login_as("member_b").get(f"/workshops/{w.id}").get_data(as_text=True)
    assert "Impact on On-time delivery" in page
    assert "8.0 %" in page and "5-9" in page
    assert "impact-chart" in page


def test_impact_over_too_few_attending_firms_is_suppressed_for_members(world, db, login_as):
    firms = suppliers(world.club, 10)
    w = _held_workshop(world, firms[:3], firms[3:])
    db.session.commit()
    member_page = login_as("member_b").get(f"/workshops/{w.id}").get_data(as_text=True)
    assert "the group of attending firms has fewer than 5 firms" in member_page
    assert "8.0 %" not in member_page and "impact-chart" not in member_page
    facilitator_page = login_as("facilitator").get(f"/workshops/{w.id}").get_data(as_text=True)
    assert "8.0 %" in facilitator_page and "suppressed" in facilitator_page


def test_a_club_with_a_higher_threshold_suppresses_more(world, db):
    firms = suppliers(world.club, 10)
    world.club.min_firms = 6
    w = _held_workshop(world, firms[:5], firms[5:])
    assert get_impact(w).released[3][0] is False


def test_months_helper_crosses_the_year():
    assert months("2024-11", 3) == ["2024-11", "2024-12", "2025-01"]
