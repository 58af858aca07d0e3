"""Firm and link CSV imports: all or nothing, every bad row reported with line, column and reason."""
import pytest
import sqlalchemy as sa

from benchclub.clubs.imports import import_firms, import_links
from benchclub.csvimport import ImportRejectedError
from benchclub.models import AuditEntry, Firm, SupplyLink

HEADER = "club,code,name,kind,country,sector,employees\n"


def _errors(exc_info) -> list[tuple[int, str]]:
    return [(e.line, e.column) for e in exc_info.value.errors]


def _firm_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(Firm.id)))


def test_firms_import_creates_firms_with_size_band_and_audit(world, db):
    data = (HEADER + "C1,SUP-N,Nu Forge,supplier,za,Forging,8\nC1,GOV-N,Nu Motors,Governor,DE,Assembly,\n").encode()
    firms = import_firms(data, actor=world.users["admin"])
    assert [(f.code, f.kind.value, f.country, f.size_band) for f in firms] == [
        ("SUP-N", "supplier", "ZA", "micro"), ("GOV-N", "governor", "DE", None)]
    audited = db.session.scalars(sa.select(AuditEntry.summary).where(AuditEntry.entity == "firm")).all()
    assert "firm SUP-N (supplier)" in audited


def test_firms_import_again_updates_instead_of_duplicating(world, db):
    import_firms((HEADER + "C1,SUP-N,Nu Forge,supplier,ZA,Forging,8\n").encode())
    before = _firm_count(db)
    import_firms((HEADER + "C1,SUP-N,Nu Forge Ltd,supplier,ZA,Forging,60\n").encode(), update=True)
    firm = db.session.scalar(sa.select(Firm).where(Firm.code == "SUP-N"))
    assert _firm_count(db) == before
    assert (firm.name, firm.employees, firm.size_band) == ("Nu Forge Ltd", 60, "medium")


@pytest.mark.parametrize("row, column", [
    ("C9,SUP-N,Nu,supplier,ZA,Forging,8", "club"),
    ("C1,SUP-N,Nu,maker,ZA,Forging,8", "kind"),
    ("C1,SUP-N,Nu,supplier,South Africa,Forging,8", "country"),
    ("C1,SUP-N,Nu,supplier,ZA,Forging,many", "employees"),
    ("C1,SUP-N,Nu,supplier,ZA,Forging,-3", "employees"),
    ("C1,SUP N!,Nu,supplier,ZA,Forging,8", "code"),
    ("C1,SUP-N,,supplier,ZA,Forging,8", "name"),
    ("C2,SUP-A,Alpha,supplier,ZA,Castings,45", "code"),   # exists in another club
    ("C1,GOV-1,Gamma,supplier,DE,Assembly,10", "code"),   # an existing firm without --update (issue 10)
])
def test_firms_import_rejects_bad_row_and_writes_nothing(world, db, row, column):
    before = _firm_count(db)
    good = "C1,SUP-OK,Fine Firm,supplier,ZA,Forging,5\n"
    with pytest.raises(ImportRejectedError) as exc_info:
        import_firms((HEADER + good + row + "\n").encode())
    db.session.rollback()
    assert _errors(exc_info) == [(3, column)]
    assert _firm_count(db) == before


def test_firms_import_reports_every_bad_row_and_duplicates(world, db):
    data = (HEADER + "C1,SUP-N,Nu,supplier,ZA,Forging,8\nC9,SUP-M,M,supplier,ZA,F,1\n"
            "C1,SUP-N,Nu again,supplier,ZA,Forging,8\n").encode()
    with pytest.raises(ImportRejectedError) as exc_info:
        import_firms(data)
    assert _errors(exc_info) == [(3, "club"), (4, "code")]
    assert "duplicate of line 2" in str(exc_info.value.errors[1])


@pytest.mark.parametrize("data, expected", [
    (b"", [(1, "-")]),
    (HEADER.encode(), [(2, "-")]),
    (b"club,code,name,kind,country,sector\nC1,SUP-N,Nu,supplier,ZA,Forging\n", [(1, "employees")]),
    ((HEADER.strip() + ",extra\n").encode(), [(1, "extra")]),
    ((HEADER + "C1,SUP-N,Nu,supplier,ZA\n").encode(), [(2, "-")]),
    # the line of the first byte that is not UTF-8 (the one import framework locates it, as the KPI import did)
    ((HEADER + "C1,SUP-N,M\xfcller,supplier,ZA,Forging,8\n").encode("latin-1"), [(2, "-")]),
])
def test_firms_import_rejects_unreadable_files(world, data, expected):
    with pytest.raises(ImportRejectedError) as exc_info:
        import_firms(data)
    assert _errors(exc_info) == expected


def test_firms_import_accepts_utf8_with_bom_and_accents(world, db):
    data = ("\ufeff" + HEADER + "C1,SUP-U,Müller Präzision,supplier,DE,Machining,30\n").encode("utf-8")
    (firm,) = import_firms(data)
    assert firm.name == "Müller Präzision"


LINKS = "governor,supplier,tier\n"


def test_links_import_creates_links_and_changes_tiers(world, db):
    links = import_links((LINKS + "GOV-3,SUP-B,2\nGOV-1,SUP-A,1\n").encode())
    assert [(lk.governor.code, lk.supplier.code, lk.tier) for lk in links] == [("GOV-3", "SUP-B", 2),
                                                                              ("GOV-1", "SUP-A", 1)]
    assert db.session.scalar(sa.select(sa.func.count(SupplyLink.id))) == 3


@pytest.mark.parametrize("row, column", [
    ("GOV-9,SUP-B,2", "governor"),
    ("GOV-3,SUP-9,2", "supplier"),
    ("SUP-A,SUP-B,2", "governor"),    # a supplier is no governor
    ("GOV-3,GOV-1,2", "supplier"),    # a governor is no supplier
    ("GOV-3,SUP-B,5", "tier"),
    ("GOV-3,SUP-B,two", "tier"),
    ("GOV-3,SUP-X,2", "supplier"),    # SUP-X is in the other club
])
def test_links_import_rejects_bad_rows_and_writes_nothing(world, db, row, column):
    before = db.session.scalar(sa.select(sa.func.count(SupplyLink.id)))
    with pytest.raises(ImportRejectedError) as exc_info:
        import_links((LINKS + "GOV-3,SUP-A,4\n" + row + "\n").encode())
    db.session.rollback()
    assert _errors(exc_info) == [(3, column)]
    assert db.session.scalar(sa.select(sa.func.count(SupplyLink.id))) == before


def test_links_import_rejects_the_same_pair_twice(world):
    with pytest.raises(ImportRejectedError) as exc_info:
        import_links((LINKS + "GOV-3,SUP-B,2\nGOV-3,SUP-B,3\n").encode())
    assert _errors(exc_info) == [(3, "supplier")]
