"""Issue 8, attack 2: a governor edits ladder thresholds and re-reads the ladder to recover a value that a
linked supplier has not shared with it. Built as the attack: two suppliers identical in everything the
governor may know, differing only in one unshared self-reported value; whatever the governor does, every
ladder page, JSON and CLI output it gets about one must equal what it gets about the other."""
from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from benchclub.clubs.services import link_supplier
from benchclub.extensions import db
from benchclub.ladder import evaluation, services
from benchclub.models import Consent, LadderEvaluation, Period, PeriodStatus

from .helpers import SIX_MONTHS, closed_period, give_certificate, give_visit, put_value

OWN_PPM = 40.0  # the governor's own goods-in measurement: it may always see it


def twins(world, hidden: tuple[float, float], hidden_month: str, stage: int = 1):
    """A and B, both linked to G2 without consent; G2 measures ppm itself except in `hidden_month`."""
    a, b, g2 = world.firms["A"], world.firms["B"], world.firms["G2"]
    link_supplier(g2, b, 3)
    for month in SIX_MONTHS:
        closed_period(world.club, month)
    for firm, value in zip((a, b), hidden, strict=True):
        b.sector = a.sector  # nothing the governor could tell them apart by except the hidden value
        for month in SIX_MONTHS:
            put_value(firm, "customer_reject_ppm", month, value if month == hidden_month else 120.0)
            put_value(firm, "otd_pct", month, 97.5)
            if month != hidden_month:
                put_value(firm, "customer_reject_ppm", month, OWN_PPM, source=g2)
        give_certificate(firm)
        give_visit(g2, firm)
        if stage > 1:
            services.record_stage_change(g2, firm, stage, SIX_MONTHS[0], "Loaded history", actor=None)
    db.session.commit()
    return a, b


def _normalise(text: str, firm) -> str:
    text = re.sub(r'name="csrf_token"[^>]*>', "", text)
    text = re.sub(r'id="csrf_token"[^>]*>', "", text)
    text = re.sub(r"/evaluations/\d+", "/evaluations/N", text)
    for needle, label in ((firm.name, "SUPPLIER"), (firm.code, "CODE"), (f"/suppliers/{firm.id}", "/suppliers/ID"),
                          (f"supplier={firm.id}", "supplier=ID"), (f'data-supplier="{firm.id}"', 'data-supplier="ID"')):
        text = text.replace(needle, label)
    return text


def _rows_about(page: str, firm) -> list[str]:
    """The dashboard table rows that name this supplier."""
    rows = [chunk.split("</tr>")[0] for chunk in page.split("<tr")[1:]]
    return [_normalise(row, firm) for row in rows if firm.name in row]


def _latest_evaluation(governor, firm) -> LadderEvaluation | None:
    return db.session.scalar(sa.select(LadderEvaluation).where(
        LadderEvaluation.governor_id == governor.id, LadderEvaluation.supplier_id == firm.id)
        .order_by(LadderEvaluation.id.desc()).limit(1))


def governor_reads(client, runner, world, period: str) -> dict[str, tuple]:
    """Everything the governor reads about A and about B after evaluating `period`, side by side."""
    a, b, g2 = world.firms["A"], world.firms["B"], world.firms["G2"]
    assert client.post("/ladder/evaluate", data={"period": period}).status_code == 302
    seen: dict[str, tuple] = {}
    dashboard = client.get("/ladder/").get_data(as_text=True)
    seen["dashboard rows"] = (_rows_about(dashboard, a), _rows_about(dashboard, b))
    seen["scorecard"] = tuple(_normalise(client.get(f"/ladder/suppliers/{f.id}").get_data(as_text=True), f)
                              for f in (a, b))
    seen["recommendation"] = tuple(_normalise(client.get(f"/ladder/evaluations/{_latest_evaluation(g2, f).id}")
                                              .get_data(as_text=True), f) for f in (a, b))
    result = runner.invoke(args=["ladder", "evaluate", "--governor", "GOV-2", "--period", period, "--json"])
    assert result.exit_code == 0, result.output
    rows = {r.pop("supplier"): r for r in json.loads(result.output)}
    seen["cli json"] = (rows["SUP-A"], rows["SUP-B"])
    return seen


def edit_threshold(client, governor, stage: int, kpi: str, threshold: float, months: int | None = None,
                   action: str = "save"):
    """Post the settings form with one criterion changed, as the governor's browser would."""
    ladder = services.get_current_ladder(governor) or services.ensure_default_ladder(governor)
    data = {f"stage_{s.number}": s.name for s in ladder.stages}
    for c in ladder.criteria:
        for key in ("threshold", "count", "months"):
            if key in c.params:
                data[f"c{c.id}_{key}"] = str(c.params[key])
        if "standards" in c.params:
            data[f"c{c.id}_standards"] = c.params["standards"]
    target = next(c for c in ladder.criteria if c.stage_number == stage and c.params.get("kpi_code") == kpi)
    data[f"c{target.id}_threshold"] = str(threshold)
    if months is not None:
        data[f"c{target.id}_months"] = str(months)
    resp = client.post("/ladder/settings", data={**data, "action": action})
    assert resp.status_code == (302 if action == "save" else 200)
    return resp.get_data(as_text=True)


def assert_same(seen: dict[str, tuple], when: str) -> None:
    for what, (about_a, about_b) in seen.items():
        assert about_a == about_b, f"{when}: the governor's {what} differs with the hidden value"


SCENARIOS = {
    # stage 1, the hidden April value passes the 500 ppm threshold in force either way
    "both pass": ((120.0, 480.0), "2025-04", 1, 2),
    # stage 1, the hidden April value fails either way
    "both fail": ((600.0, 900.0), "2025-04", 1, 2),
    # stage 2, the hidden value is the latest month's: at risk for B only, were it seen month by month
    "latest month": ((120.0, 600.0), "2025-06", 2, 3),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_threshold_edits_never_tell_the_governor_an_unshared_value(world, login_as, runner, scenario):
    hidden, month, stage, criterion_stage = SCENARIOS[scenario]
    twins(world, hidden, month, stage)
    g2 = world.firms["G2"]
    client = login_as("gov_no_consent")
    assert_same(governor_reads(client, runner, world, "2025-06"), "before any edit")
    for threshold in (300.0, 200.0, 450.0, 130.0, 700.0, 1000.0):  # a binary search on the hidden value
        edit_threshold(client, g2, criterion_stage, "customer_reject_ppm", threshold)
        assert_same(governor_reads(client, runner, world, "2025-06"), f"after setting {threshold}")
    edit_threshold(client, g2, criterion_stage, "customer_reject_ppm", 300.0, months=1)  # window of one month
    assert_same(governor_reads(client, runner, world, "2025-06"), "after a one-month window")
    # period after period closes with another threshold in force: each applies to the months closed after
    # it was saved, while the hidden month keeps the verdict of its own close
    edit_threshold(client, g2, criterion_stage, "customer_reject_ppm", 150.0, months=6)
    for month, threshold in (("2025-07", 300.0), ("2025-08", 130.0), ("2025-09", 450.0), ("2025-10", 200.0)):
        closed_period(world.club, month)
        for firm in (world.firms["A"], world.firms["B"]):
            put_value(firm, "customer_reject_ppm", month, 30.0, source=g2)
            put_value(firm, "otd_pct", month, 99.0)
        db.session.commit()
        assert_same(governor_reads(client, runner, world, month), f"after closing {month}")
        edit_threshold(client, g2, criterion_stage, "customer_reject_ppm", threshold, months=12)


def test_the_twins_really_differ_for_whoever_may_see_the_value(world, login_as):
    """Control for the attack test: each member sees its own month by month, the hidden value included."""
    twins(world, (120.0, 480.0), "2025-04")
    page_a = " ".join(login_as("member_a").get("/ladder/my-stages").get_data(as_text=True).split())
    page_b = " ".join(login_as("member_b").get("/ladder/my-stages").get_data(as_text=True).split())
    assert "2025-04 · 120.0" in page_a and "2025-04 · 480.0" in page_b
    assert "not shared" not in page_a and "not shared" not in page_b


def test_the_governor_sees_its_own_months_and_only_the_window_outcome_for_the_rest(world, login_as):
    a, _ = twins(world, (120.0, 480.0), "2025-04")
    page = " ".join(login_as("gov_no_consent").get(f"/ladder/suppliers/{a.id}").get_data(as_text=True).split())
    assert "2025-04 · not shared" in page and "2025-03 · 40.0 (G)" in page
    assert "only the outcome over the whole window is shown" in page
    assert "of the last 6 months at or below" not in page  # no count of months met


def test_a_ladder_edit_does_not_change_the_open_assessment_of_closed_periods(world, login_as):
    """The scorecard re-assesses on every view; a saved edit must not move it before the next close."""
    a, _ = twins(world, (120.0, 480.0), "2025-04")
    client = login_as("gov_no_consent")
    client.get("/")  # takes the login flash message
    before = _normalise(client.get(f"/ladder/suppliers/{a.id}").get_data(as_text=True), a)
    edit_threshold(client, world.firms["G2"], 2, "customer_reject_ppm", 10.0)
    settings = client.get("/ladder/settings").get_data(as_text=True)
    assert "takes effect from the next period close" in settings and "applies to periods after June 2025" in settings
    after = _normalise(client.get(f"/ladder/suppliers/{a.id}").get_data(as_text=True), a)
    assert "promote" in before and before == after


def test_a_threshold_preview_reads_only_what_the_governor_may_see(world, login_as):
    a, b = twins(world, (120.0, 480.0), "2025-04")
    client = login_as("gov_no_consent")
    g2 = world.firms["G2"]
    for threshold, expected in ((300.0, "cannot tell"), (1000.0, "cannot tell"), (30.0, "not met")):
        page = edit_threshold(client, g2, 2, "customer_reject_ppm", threshold, action="preview")
        rows = _rows_about(page, a), _rows_about(page, b)
        assert rows[0] == rows[1] and f"<td data-preview>{expected}</td>" in rows[0][0], threshold  # 30 fails on G2's own 40 ppm
    assert services.get_current_ladder(g2).version == 1  # a preview saves nothing
    db.session.add(Consent(supplier_id=a.id, governor_id=g2.id, all_kpis=False, kpi_codes=["customer_reject_ppm"]))
    db.session.commit()
    page = edit_threshold(client, g2, 2, "customer_reject_ppm", 300.0, action="preview")
    assert "<td data-preview>met</td>" in _rows_about(page, a)[0]  # A now shares ppm: 120 passes 300
    assert "<td data-preview>cannot tell</td>" in _rows_about(page, b)[0]


def test_a_reopened_period_keeps_the_version_it_was_first_evaluated_with(world, login_as):
    twins(world, (120.0, 480.0), "2025-06")
    g2 = world.firms["G2"]
    evaluation.evaluate_governor(g2, "2025-06")
    june = db.session.scalar(sa.select(Period).where(Period.club_id == world.club.id, Period.month == "2025-06"))
    june.status = PeriodStatus.OPEN  # reopened by the facilitator for a correction
    db.session.commit()
    edit_threshold(login_as("gov_no_consent"), g2, 2, "customer_reject_ppm", 300.0)
    assert services.get_current_ladder(g2).effective_after == "2025-06"  # not 2025-05: June was assessed once


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_evaluations_a_close_stores_read_the_same_for_both_twins(world, login_as, scenario):
    # The close stores evaluations through its own bulk path (evaluation.evaluate_club, batch.py): they keep
    # the full evidence, and the governor reads them redacted like those stored by the ladder page.
    hidden, month, stage, _ = SCENARIOS[scenario]
    a, b = twins(world, hidden, month, stage)
    g2 = world.firms["G2"]
    evaluation.evaluate_club(world.club.id, "2025-06")  # what closing June runs after publishing
    db.session.commit()
    stored = [_latest_evaluation(g2, f) for f in (a, b)]
    assert stored[0].criteria != stored[1].criteria
    client = login_as("gov_no_consent")
    dashboard = client.get("/ladder/").get_data(as_text=True)  # first: it shows the login's flash message
    assert _rows_about(dashboard, a) == _rows_about(dashboard, b)
    pages = [_normalise(client.get(f"/ladder/evaluations/{e.id}").get_data(as_text=True), f)
             for e, f in zip(stored, (a, b), strict=True)]
    assert pages[0] == pages[1]
    assert str(hidden[1]) not in pages[1]
