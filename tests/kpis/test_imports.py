"""CSV import against the database and the importer's role: one test per bad-input case, all-or-nothing,
idempotent re-import with an audit trail, export in the same format."""
import pytest
import sqlalchemy as sa

from benchclub.csvimport import ImportRejectedError
from benchclub.extensions import db
from benchclub.kpis.exports import export_values, template_csv
from benchclub.kpis.imports import apply_plan, import_csv, plan_import
from benchclub.models import AuditEntry, KpiValue
from benchclub.periods.services import close_period

HEADER = "firm,period,kpi,value,source,comment\n"
LIMIT = 10 * 1024 * 1024


def plan(world, body: str, who: str | None = None):
    actor = world.users[who] if who else None
    return plan_import((HEADER + body).encode(), actor=actor, limit=LIMIT)


def only_error(result):
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def count_values():
    return db.session.scalar(sa.select(sa.func.count(KpiValue.id)))


def test_good_rows_are_planned_with_their_action(world):
    result = plan(world, "SUP-A,2025-01,otd_pct,97.5,self,\nSUP-A,2025-01,lead_time_days,,,\n", "member_a")
    assert result.ok
    assert [(r.kpi.code, r.new_text, r.action) for r in result.rows] == [
        ("otd_pct", "97.5", "new"), ("lead_time_days", "not measured", "new")]


def test_unknown_firm_code_is_named(world):
    error = only_error(plan(world, "NOPE,2025-01,otd_pct,90,self,\n"))
    assert (error.line, error.column) == (2, "firm") and "Unknown firm code 'NOPE'" in error.reason


def test_unknown_kpi_code_lists_the_known_codes(world):
    error = only_error(plan(world, "SUP-A,2025-01,otd,90,self,\n"))
    assert error.column == "kpi" and "Unknown KPI code 'otd'" in error.reason and "otd_pct" in error.reason


@pytest.mark.parametrize("period", ["2025-1", "2025-13", "Jan 2025", "2025/01", ""])
def test_malformed_period_is_rejected(world, period):
    error = only_error(plan(world, f"SUP-A,{period},otd_pct,90,self,\n"))
    assert error.column == "period" and "YYYY-MM" in error.reason


def test_non_numeric_value_is_rejected(world):
    error = only_error(plan(world, "SUP-A,2025-01,otd_pct,ninety,self,\n"))
    assert error.column == "value" and "not a number" in error.reason


@pytest.mark.parametrize("value", ["NaN", "inf", "-Infinity"])
def test_nan_and_infinity_are_rejected(world, value):
    error = only_error(plan(world, f"SUP-A,2025-01,otd_pct,{value},self,\n"))
    assert error.column == "value" and "finite" in error.reason


def test_out_of_range_value_names_kpi_and_range(world):
    error = only_error(plan(world, "SUP-A,2025-01,otd_pct,104,self,\n"))
    assert error.column == "value" and "On-time delivery" in error.reason and "0 and 100" in error.reason


def test_value_outside_the_soft_range_needs_a_comment(world):
    error = only_error(plan(world, "SUP-A,2025-01,otd_pct,40,self,\n"))
    assert error.column == "comment"
    assert plan(world, "SUP-A,2025-01,otd_pct,40,self,Port strike\n").rows[0].checked.flagged


def test_closed_period_is_rejected(world):
    close_period(world.club, "2025-01")
    error = only_error(plan(world, "SUP-A,2025-01,otd_pct,90,self,\n"))
    assert error.column == "period" and "closed" in error.reason


def test_unopened_period_is_rejected(world):
    error = only_error(plan(world, "SUP-A,2025-06,otd_pct,90,self,\n"))
    assert error.column == "period" and "not been opened" in error.reason


def test_member_cannot_import_another_firms_rows(world):
    error = only_error(plan(world, "SUP-B,2025-01,otd_pct,90,self,\n", "member_a"))
    assert error.column == "firm" and "your own firm (SUP-A)" in error.reason


def test_member_learns_nothing_about_which_firm_codes_exist(world):
    existing = only_error(plan(world, "SUP-B,2025-01,otd_pct,90,self,\n", "member_a")).reason
    invented = only_error(plan(world, "SUP-Q,2025-01,otd_pct,90,self,\n", "member_a")).reason
    assert existing.replace("SUP-B", "?") == invented.replace("SUP-Q", "?")


def test_member_cannot_import_a_governor_measurement(world):
    error = only_error(plan(world, "SUP-A,2025-01,otd_pct,90,GOV-1,\n", "member_a"))
    assert error.column == "source"


def test_governor_imports_its_own_measurements_of_a_linked_supplier(world):
    result = plan(world, "SUP-A,2025-01,otd_pct,91,GOV-1,\n", "gov_consented")
    assert result.ok and result.rows[0].source.code == "GOV-1"


def test_governor_cannot_enter_values_for_a_supplier_it_is_not_linked_to(world):
    error = only_error(plan(world, "SUP-B,2025-01,otd_pct,91,GOV-1,\n", "gov_consented"))
    assert error.column == "firm" and "not one of your linked suppliers" in error.reason
    error = only_error(plan(world, "SUP-A,2025-01,otd_pct,91,GOV-3,\n", "gov_unlinked"))
    assert error.column == "firm"


def test_governor_cannot_import_a_kpi_it_does_not_measure(world):
    error = only_error(plan(world, "SUP-A,2025-01,inventory_turns,9,GOV-1,\n", "gov_consented"))
    assert error.column == "kpi" and "not a KPI governors measure" in error.reason


def test_governor_cannot_import_self_reported_values_or_another_governors(world):
    assert only_error(plan(world, "SUP-A,2025-01,otd_pct,91,self,\n", "gov_consented")).column == "source"
    assert only_error(plan(world, "SUP-A,2025-01,otd_pct,91,GOV-2,\n", "gov_consented")).column == "source"


def test_facilitator_imports_for_the_whole_club_with_any_linked_source(world):
    result = plan(world, "SUP-A,2025-01,otd_pct,91,GOV-2,\nSUP-B,2025-01,otd_pct,88,self,\n", "facilitator")
    assert result.ok


def test_facilitator_cannot_import_into_another_club(world):
    error = only_error(plan(world, "SUP-X,2025-01,otd_pct,91,self,\n", "facilitator"))
    assert error.column == "firm" and "Unknown firm code" in error.reason


def test_source_must_be_a_governor_linked_to_the_supplier(world):
    assert "not linked" in only_error(plan(world, "SUP-A,2025-01,otd_pct,91,GOV-3,\n")).reason
    assert "neither 'self'" in only_error(plan(world, "SUP-A,2025-01,otd_pct,91,SUP-B,\n")).reason


def test_values_are_for_supplier_firms_only(world):
    assert "governor firm" in only_error(plan(world, "GOV-1,2025-01,otd_pct,91,self,\n")).reason


def test_same_firm_kpi_period_and_source_twice_is_rejected_naming_the_first_line(world):
    error = only_error(plan(world, "SUP-A,2025-01,otd_pct,91,self,\nSUP-A,2025-01,otd_pct,92,,\n"))
    assert error.line == 3 and "Repeats line 2" in error.reason


def test_same_kpi_from_two_sources_is_not_a_duplicate(world):
    assert plan(world, "SUP-A,2025-01,otd_pct,91,self,\nSUP-A,2025-01,otd_pct,88,GOV-1,\n").ok


def test_every_error_of_every_row_is_reported(world):
    result = plan(world, "SUP-A,2025-01,otd_pct,97,self,\nSUP-A,2025-1,otd_pct,x,self,\nNOPE,2025-01,otd_pct,9,,\n")
    assert [(e.line, e.column) for e in result.errors] == [(3, "value"), (3, "period"), (4, "firm")]


def test_import_is_all_or_nothing(world):
    body = "SUP-A,2025-01,otd_pct,97,self,\nSUP-A,2025-01,lead_time_days,999,self,\n"
    with pytest.raises(ImportRejectedError) as caught:
        import_csv((HEADER + body).encode(), actor=None, limit=LIMIT)
    assert [e.line for e in caught.value.errors] == [3]
    assert count_values() == 0


def test_reimporting_the_same_rows_updates_without_duplicates_and_audits_the_change(world):
    first = (HEADER + "SUP-A,2025-01,otd_pct,97,self,\nSUP-A,2025-01,lead_time_days,4,self,\n").encode()
    import_csv(first, actor=world.users["member_a"], limit=LIMIT)
    again = import_csv(first, actor=world.users["member_a"], limit=LIMIT)
    assert again.written == {"new": 0, "update": 0, "unchanged": 2}
    changed = (HEADER + "SUP-A,2025-01,otd_pct,95.5,self,recount\nSUP-A,2025-01,lead_time_days,4,self,\n").encode()
    result = import_csv(changed, actor=world.users["member_a"], limit=LIMIT)
    assert result.written == {"new": 0, "update": 1, "unchanged": 1}
    assert count_values() == 2
    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "kpi_value")
                               .order_by(AuditEntry.id)).all()
    assert [(a.action, a.old_value, a.new_value) for a in audit] == [
        ("create", None, "97"), ("create", None, "4"), ("update", "97", "95.5")]
    assert audit[-1].reason == "recount" and audit[-1].actor_id == world.users["member_a"].id


def test_apply_refuses_a_plan_with_errors(world):
    with pytest.raises(ImportRejectedError):
        apply_plan(plan(world, "NOPE,2025-01,otd_pct,9,,\n"), actor=None)


def test_export_uses_the_import_format_and_reimports_unchanged(world):
    import_csv((HEADER + "SUP-A,2025-01,otd_pct,97.25,self,\"late, again\"\nSUP-A,2025-01,lead_time_days,,self,\n"
                "SUP-A,2025-01,otd_pct,91,GOV-1,\n").encode(), actor=None, limit=LIMIT)
    text = export_values(None)
    assert text.splitlines() == [
        "firm,period,kpi,value,source,comment",
        'SUP-A,2025-01,otd_pct,97.25,self,"late, again"',
        "SUP-A,2025-01,otd_pct,91,GOV-1,",
        "SUP-A,2025-01,lead_time_days,,self,",
    ]
    assert import_csv(text.encode(), actor=None, limit=LIMIT).written["unchanged"] == 3


def test_export_shows_each_role_only_what_it_may_see(world):
    import_csv((HEADER + "SUP-A,2025-01,otd_pct,97,self,\nSUP-B,2025-01,otd_pct,88,self,\n"
                "SUP-A,2025-01,otd_pct,91,GOV-1,\nSUP-A,2025-01,otd_pct,90,GOV-2,\n").encode(), actor=None, limit=LIMIT)
    lines = {who: export_values(world.users[who]).splitlines()[1:] for who in
             ("member_a", "member_b", "gov_consented", "gov_unlinked", "facilitator", "other_facilitator")}
    assert lines["member_a"] == ["SUP-A,2025-01,otd_pct,97,self,"]
    assert lines["member_b"] == ["SUP-B,2025-01,otd_pct,88,self,"]
    assert lines["gov_consented"] == ["SUP-A,2025-01,otd_pct,91,GOV-1,"]
    assert lines["gov_unlinked"] == [] and lines["other_facilitator"] == []
    assert len(lines["facilitator"]) == 4


def test_templates_cover_what_each_role_may_import(world):
    member = template_csv(world.users["member_a"]).splitlines()
    assert len(member) == 1 + 9 and all(line.startswith("SUP-A,2025-02,") for line in member[1:])
    governor = template_csv(world.users["gov_consented"], "2025-01").splitlines()[1:]
    assert governor == ["SUP-A,2025-01,customer_reject_ppm,,GOV-1,", "SUP-A,2025-01,otd_pct,,GOV-1,",
                        "SUP-A,2025-01,lead_time_days,,GOV-1,"]
    facilitator = template_csv(world.users["facilitator"]).splitlines()[1:]
    assert {line.split(",")[0] for line in facilitator} == {"SUP-A", "SUP-B"}


def test_template_is_prefilled_with_stored_values_so_importing_it_changes_nothing(world):
    import_csv((HEADER + "SUP-A,2025-02,otd_pct,97,self,\n").encode(), actor=None, limit=LIMIT)
    text = template_csv(world.users["member_a"])
    assert "SUP-A,2025-02,otd_pct,97,self," in text.splitlines()
