"""Submitting monthly values: rules, audit, optimistic locking, closed periods, and the read models."""
from datetime import date

import pytest
import sqlalchemy as sa

from benchclub.catalogue import list_kpis
from benchclub.errors import ConflictError, PermissionDeniedError
from benchclub.extensions import db
from benchclub.kpis import queries
from benchclub.kpis.services import KpiInput, ValuesInvalidError, submit_measurements, submit_values
from benchclub.models import AuditEntry, KpiValue
from benchclub.periods.services import PeriodClosedError, PeriodNotOpenedError, close_period
from tests.factories import add_value


def values_of(firm):
    return {(v.kpi.code, v.source_firm.code): v for v in db.session.scalars(
        sa.select(KpiValue).where(KpiValue.firm_id == firm.id))}


def test_member_submits_values_and_a_nil_return(world):
    member, firm = world.users["member_a"], world.firms["A"]
    submit_values(firm, "2025-01", [KpiInput("otd_pct", "97.5"), KpiInput("lead_time_days", is_nil=True)],
                  actor=member)
    stored = values_of(firm)
    assert stored[("otd_pct", "SUP-A")].value == 97.5
    nil = stored[("lead_time_days", "SUP-A")]
    assert nil.is_nil and nil.value is None
    assert stored[("otd_pct", "SUP-A")].updated_by_id == member.id


def test_every_bad_value_is_reported_and_nothing_is_saved(world):
    with pytest.raises(ValuesInvalidError) as caught:
        submit_values(world.firms["A"], "2025-01", [
            KpiInput("otd_pct", "97.5"), KpiInput("internal_scrap_pct", "140"), KpiInput("setup_time_pct", "nan"),
            KpiInput("inventory_turns", "75")], actor=world.users["member_a"])
    errors = caught.value.errors
    assert set(errors) == {"internal_scrap_pct", "setup_time_pct", "inventory_turns"}
    assert "between 0 and 100" in errors["internal_scrap_pct"] and "comment" in errors["inventory_turns"]
    assert values_of(world.firms["A"]) == {}


def test_soft_range_value_with_comment_is_stored_flagged(world):
    submit_values(world.firms["A"], "2025-01", [KpiInput("inventory_turns", "75", comment="Year-end stock sale")],
                  actor=world.users["member_a"])
    value = values_of(world.firms["A"])[("inventory_turns", "SUP-A")]
    assert value.flagged and value.comment == "Year-end stock sale"


def test_each_change_is_audited_with_old_value_new_value_and_reason(world):
    member, firm = world.users["member_a"], world.firms["A"]
    submit_values(firm, "2025-01", [KpiInput("otd_pct", "97.5", version=0)], actor=member)
    submit_values(firm, "2025-01", [KpiInput("otd_pct", "96", comment="customer recount", version=1)], actor=member)
    submit_values(firm, "2025-01", [KpiInput("otd_pct", "96", comment="customer recount", version=2)], actor=member)
    value = values_of(firm)[("otd_pct", "SUP-A")]
    history = queries.list_value_history(value)
    assert [(e.action, e.old_value, e.new_value, e.reason) for e in history] == [
        ("create", None, "97.5", "entered via monthly entry"), ("update", "97.5", "96", "customer recount")]
    assert value.version == 2 and all(e.actor_id == member.id for e in history)


def test_stale_version_is_a_conflict_not_a_silent_overwrite(world):
    member, firm = world.users["member_a"], world.firms["A"]
    submit_values(firm, "2025-01", [KpiInput("otd_pct", "97.5", version=0)], actor=member)
    db.session.commit()
    with pytest.raises(ConflictError, match="changed by someone else"):
        submit_values(firm, "2025-01", [KpiInput("otd_pct", "80", comment="x", version=0)], actor=member)
    db.session.rollback()
    assert values_of(firm)[("otd_pct", "SUP-A")].value == 97.5


def test_blank_input_leaves_a_kpi_unentered_but_cannot_clear_a_saved_value(world):
    member, firm = world.users["member_a"], world.firms["A"]
    submit_values(firm, "2025-01", [KpiInput("otd_pct", "97.5"), KpiInput("lead_time_days", "")], actor=member)
    assert set(values_of(firm)) == {("otd_pct", "SUP-A")}
    with pytest.raises(ValuesInvalidError) as caught:
        submit_values(firm, "2025-01", [KpiInput("otd_pct", "")], actor=member)
    assert "not measured" in caught.value.errors["otd_pct"]


def test_closed_and_unopened_periods_refuse_values(world):
    close_period(world.club, "2025-01")
    with pytest.raises(PeriodClosedError):
        submit_values(world.firms["A"], "2025-01", [KpiInput("otd_pct", "97")], actor=world.users["member_a"])
    with pytest.raises(PeriodNotOpenedError):
        submit_values(world.firms["A"], "2025-07", [KpiInput("otd_pct", "97")], actor=world.users["member_a"])


def test_member_cannot_submit_for_another_firm(world):
    with pytest.raises(PermissionDeniedError):
        submit_values(world.firms["B"], "2025-01", [KpiInput("otd_pct", "97")], actor=world.users["member_a"])


def test_governor_measures_a_linked_supplier_as_its_own_source(world):
    submit_measurements(world.firms["A"], "2025-01", [KpiInput("otd_pct", "91")], actor=world.users["gov_no_consent"])
    value = values_of(world.firms["A"])[("otd_pct", "GOV-2")]
    assert value.source_firm_id == world.firms["G2"].id and not value.is_self_reported


def test_governor_cannot_measure_an_unlinked_supplier_or_an_unmeasurable_kpi(world):
    with pytest.raises(PermissionDeniedError):
        submit_measurements(world.firms["B"], "2025-01", [KpiInput("otd_pct", "91")], actor=world.users["gov_consented"])
    with pytest.raises(ValuesInvalidError) as caught:
        submit_measurements(world.firms["A"], "2025-01", [KpiInput("inventory_turns", "9")],
                            actor=world.users["gov_consented"])
    assert "inventory_turns" in caught.value.errors


def test_entry_rows_show_last_month_and_customer_measurements(world):
    add_value(world, "A", "otd_pct", "2025-01", 96)
    add_value(world, "A", "otd_pct", "2025-02", 97.5)
    add_value(world, "A", "otd_pct", "2025-02", 91, source="G1")
    rows = {r.kpi.code: r for r in queries.member_entry_rows(world.firms["A"], world.periods["2025-02"])}
    assert len(rows) == 9
    otd = rows["otd_pct"]
    assert (otd.current.value, otd.previous.value) == (97.5, 96)
    assert [(m.governor, m.value.value) for m in otd.customer] == [("Gamma Motors", 91)]


def test_customer_comparison_names_the_governor_and_both_values(world):
    add_value(world, "A", "otd_pct", "2025-02", 97.5)
    add_value(world, "A", "otd_pct", "2025-02", 91, source="G1")
    add_value(world, "A", "lead_time_days", "2025-02", 6, source="G2")
    comparisons = queries.list_customer_comparisons(world.firms["A"])
    pairs = {(c.governor, c.kpi.code): (c.measured.value, c.reported.value if c.reported else None)
             for c in comparisons}
    assert pairs == {("Gamma Motors", "otd_pct"): (91, 97.5), ("Delta Electric", "lead_time_days"): (6, None)}
    assert queries.list_customer_comparisons(world.firms["B"]) == []


def test_member_months_are_due_overdue_or_done(world):
    for code in ("inventory_turns", "customer_reject_ppm", "internal_scrap_pct", "otd_pct", "setup_time_pct",
                 "kanban_share_pct", "lead_time_days", "absenteeism_pct", "training_hours"):
        add_value(world, "A", code, "2025-02", None)
    months = {m.period.month: m.status for m in queries.list_member_months(world.firms["A"], date(2025, 3, 1))}
    assert months == {"2025-02": "done", "2025-01": "overdue"}
    months = {m.period.month: m.status for m in queries.list_member_months(world.firms["B"], date(2025, 2, 10))}
    assert months == {"2025-02": "due", "2025-01": "due"}


def test_completeness_distinguishes_complete_partial_nil_and_missing(world):
    kpis = [k.code for k in list_kpis(world.club)]
    for code in kpis:
        add_value(world, "A", code, "2025-01", 50 if code == "otd_pct" else None)
        add_value(world, "B", code, "2025-01", None)
    add_value(world, "A", "otd_pct", "2025-02", 97)
    matrix = queries.get_completeness(world.club)
    assert [p.month for p in matrix.periods] == ["2025-01", "2025-02"]
    assert {f.code: cells for f, cells in matrix.rows} == {
        "SUP-A": ["complete", "partial"], "SUP-B": ["nil return", "missing"]}
    assert matrix.totals(1) == {"partial": 1, "missing": 1}


def test_governor_sees_which_linked_suppliers_it_has_not_measured(world):
    add_value(world, "A", "otd_pct", "2025-01", 91, source="G1")
    assert [(s.code, months) for s, months in queries.list_unmeasured_months(world.firms["G1"])] == [
        ("SUP-A", ["2025-02"])]
    assert queries.list_unmeasured_months(world.firms["G3"]) == []


def test_governor_entry_shows_the_suppliers_own_value_only_with_consent(world):
    add_value(world, "A", "otd_pct", "2025-01", 97.5)
    consented = {r.kpi.code: r for r in queries.governor_entry_rows(world.users["gov_consented"], world.firms["A"],
                                                                    world.periods["2025-01"])}
    unconsented = {r.kpi.code: r for r in queries.governor_entry_rows(world.users["gov_no_consent"], world.firms["A"],
                                                                      world.periods["2025-01"])}
    assert set(consented) == {"customer_reject_ppm", "otd_pct", "lead_time_days"}
    assert consented["otd_pct"].reported.value == 97.5
    assert unconsented["otd_pct"].reported is None


def test_audit_entries_belong_to_the_firms_club(world):
    add_value(world, "A", "otd_pct", "2025-01", 97.5)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.entity == "kpi_value"))
    assert entry.club_id == world.club.id and entry.detail["firm"] == "SUP-A"
