"""The bulk import path writes exactly what the per-value service would, in a bounded number of statements."""
import pytest
import sqlalchemy as sa

from benchclub.clubs.services import create_firm
from benchclub.csvimport import ImportRejectedError
from benchclub.extensions import db
from benchclub.kpis.imports import import_csv
from benchclub.models import AuditEntry, FirmKind, KpiValue
from tests.sqlcount import count_statements

HEADER = "firm,period,kpi,value,source,comment\n"
LIMIT = 10 * 1024 * 1024


def _suppliers(world, n: int) -> list[str]:
    codes = []
    for i in range(n):
        firm = create_firm(world.club, f"BULK-{i:03d}", f"Bulk {i:03d}", FirmKind.SUPPLIER, "ZA", "Castings", 50)
        codes.append(firm.code)
    db.session.flush()
    return codes


def _file(codes: list[str], value: str = "96") -> bytes:
    return (HEADER + "".join(f"{c},2025-01,otd_pct,{value},self,\n{c},2025-01,lead_time_days,4,self,\n"
                             for c in codes)).encode()


def test_each_new_value_gets_one_create_audit_entry_naming_the_importer(world):
    codes = _suppliers(world, 3)
    import_csv(_file(codes), actor=world.users["facilitator"], limit=LIMIT)
    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "kpi_value")).all()
    values = {v.id: v for v in db.session.scalars(sa.select(KpiValue))}
    assert len(values) == 6 and sorted(a.entity_id for a in audit) == sorted(values)
    assert {(a.action, a.new_value, a.actor_id, a.reason) for a in audit} == {
        ("create", "96", world.users["facilitator"].id, "entered via CSV import"),
        ("create", "4", world.users["facilitator"].id, "entered via CSV import")}
    assert all(v.updated_by_id == world.users["facilitator"].id and v.version == 1 for v in values.values())
    first = min(audit, key=lambda a: a.id)
    assert first.detail == {"firm": "BULK-000", "kpi": "otd_pct", "period": "2025-01", "source": "self",
                            "via": "CSV import"} and first.summary == "BULK-000 otd_pct 2025-01 (self)"
    assert first.at is not None and values[first.entity_id].updated_at is not None


def test_flagged_values_keep_their_comment_and_flag(world):
    import_csv((HEADER + "SUP-A,2025-01,otd_pct,40,self,strike week\n").encode(), actor=None, limit=LIMIT)
    value = db.session.scalar(sa.select(KpiValue))
    assert (value.value, value.flagged, value.comment) == (40, True, "strike week")


def test_a_bad_row_among_many_writes_nothing(world):
    codes = _suppliers(world, 20)
    body = _file(codes) + b"BULK-005,2025-01,otd_pct,101,self,\n"
    with pytest.raises(ImportRejectedError):
        import_csv(body, actor=None, limit=LIMIT)
    assert db.session.scalar(sa.select(sa.func.count(KpiValue.id))) == 0


@pytest.mark.parametrize("first_value", ["96", "97"])
def test_statement_count_does_not_grow_with_the_number_of_rows(world, first_value):
    """A 10-firm file and a 60-firm file (first import, then a re-import changing every row) cost the same."""
    codes = _suppliers(world, 60)
    counts = []
    for n in (10, 60):
        with count_statements() as fresh:
            import_csv(_file(codes[:n] if n == 10 else codes[10:n]), actor=None, limit=LIMIT)
        with count_statements() as again:
            import_csv(_file(codes[:n] if n == 10 else codes[10:n], value=first_value), actor=None, limit=LIMIT)
        counts.append((fresh.count, again.count))
    assert counts[0] == counts[1], counts
    assert counts[1][0] <= 15, counts


def test_a_value_changed_between_check_and_write_refuses_the_import(world):
    from benchclub.errors import ConflictError
    from benchclub.kpis.imports import apply_plan, plan_import

    import_csv((HEADER + "SUP-A,2025-01,otd_pct,96,self,\n").encode(), actor=None, limit=LIMIT)
    plan = plan_import((HEADER + "SUP-A,2025-01,otd_pct,91,self,\n").encode(), actor=None, limit=LIMIT)
    table = KpiValue.__table__
    db.session.execute(table.update().values(version=table.c.version + 1))  # someone else saved meanwhile
    with pytest.raises(ConflictError):
        apply_plan(plan, actor=None)
