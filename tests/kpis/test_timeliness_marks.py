"""Issue 13 item 5: the completeness matrix shows timeliness per firm and month: a month completed after its
due date is marked late, a month still incomplete after it is marked overdue, an on-time month is unmarked.

The cells are read out of the rendered page (visible mark and the cell's accessible name), so the test fails
if the template stops showing the marks, not only if desk.timeliness changes.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from benchclub.catalogue import list_kpis
from benchclub.extensions import db
from benchclub.kpis.desk import timeliness
from benchclub.models import MonthSubmission, Period
from tests.factories import add_value

CELL = re.compile(r'<td[^>]*><a [^>]*aria-label="(?P<label>[^"]+)">(?P<body>.*?)</a></td>', re.S)


def _completed(world, firm: str, month: str, at: datetime) -> None:
    """Every KPI of the month answered (nil returns) and the month's completion stamped at `at`."""
    for kpi in list_kpis(world.club.id):
        add_value(world, firm, kpi.code, month, None)
    firm_id, period_id = world.firms[firm].id, world.periods[month].id
    sub = db.session.scalar(sa.select(MonthSubmission).where(MonthSubmission.firm_id == firm_id,
                                                             MonthSubmission.period_id == period_id))
    if sub is None:
        sub = MonthSubmission(firm_id=firm_id, period_id=period_id, first_at=at)
        db.session.add(sub)
    sub.first_at, sub.completed_at = at, at


def _cells(html: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(firm name, month) -> (accessible name, visible text) of each matrix cell."""
    table = html.split('id="completeness"')[1].split("</tbody>")[0]
    out = {}
    for m in CELL.finditer(table):
        firm, rest = m["label"].split(", ", 1)
        month = rest.split(":")[0]
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m["body"])).strip()
        out[(firm, month)] = (m["label"], text)
    return out


@pytest.fixture()
def matrix_page(client, world, login_as):
    # due dates: 2025-01 on 2025-02-15 (world), 2025-02 on 2025-03-15 (default); both past today
    world.periods["2025-02"].due_on = date(2025, 3, 15)
    _completed(world, "A", "2025-01", datetime(2025, 3, 1, 9, 0, tzinfo=UTC))  # after 15 Feb: late
    _completed(world, "A", "2025-02", datetime(2025, 3, 1, 9, 0, tzinfo=UTC))  # before 15 Mar: on time
    add_value(world, "B", "otd_pct", "2025-01", 97.0)  # partial, never completed: overdue
    db.session.commit()  # B has nothing for 2025-02: missing and overdue
    login_as("facilitator")
    return _cells(client.get("/kpis/completeness").get_data(as_text=True))


def test_a_month_completed_after_its_due_date_is_marked_late(matrix_page):
    label, text = matrix_page[("Alpha Castings", "2025-01")]
    assert label.endswith(": nil return, late")
    assert text.split()[-1] == "late"


def test_an_on_time_month_carries_no_mark(matrix_page):
    label, text = matrix_page[("Alpha Castings", "2025-02")]
    assert label.endswith(": nil return, on time")
    assert "late" not in text and "overdue" not in text


@pytest.mark.parametrize("month, status", [("2025-01", "partial"), ("2025-02", "missing")])
def test_a_month_still_incomplete_after_its_due_date_is_marked_overdue(matrix_page, month, status):
    label, text = matrix_page[("Beta Plastics", month)]
    assert label.startswith(f"Beta Plastics, {month}: {status}")
    assert text.split()[-1] == "overdue"
    assert "late" not in text


def test_the_legend_explains_the_marks(client, world, login_as):
    html = login_as("facilitator").get("/kpis/completeness").get_data(as_text=True)
    assert "<em>late</em>" in html and "<em>overdue</em>" in html


def test_timeliness_rules():
    period = Period(month="2025-01", due_on=date(2025, 2, 15))
    on_due_day = datetime(2025, 2, 15, 23, 0, tzinfo=UTC)
    assert timeliness(period, on_due_day, True, date(2025, 3, 1)) == "on time"
    assert timeliness(period, datetime(2025, 2, 16, 0, 1, tzinfo=UTC), True, date(2025, 3, 1)) == "late"
    assert timeliness(period, None, False, date(2025, 2, 15)) == "due"
    assert timeliness(period, None, False, date(2025, 2, 16)) == "missing"
    assert timeliness(period, None, True, date(2025, 3, 1)) == ""  # complete before timeliness was recorded
