"""`certs import`: all or nothing, row errors with line and column, re-import updates."""
import pytest
import sqlalchemy as sa

from benchclub.certifications.imports import import_certificates
from benchclub.csvimport import ImportRejectedError
from benchclub.models import Certificate

HEADER = "firm,standard,number,body,issued,expires\n"


def _count(db):
    return db.session.scalar(sa.select(sa.func.count(Certificate.id)))


def test_import_adds_certificates_and_updates_on_reimport(world, db):
    certs = import_certificates((HEADER + "SUP-A,iso 9001,Q-1,SGS,2024-01-01,2027-01-01\n"
                                 "SUP-B,IATF 16949,T-9,TUV,2023-06-01,2026-05-31\n").encode())
    assert [(c.firm.code, c.standard) for c in certs] == [("SUP-A", "ISO 9001"), ("SUP-B", "IATF 16949")]
    import_certificates((HEADER + "SUP-A,ISO 9001,Q-1,SGS,2024-01-01,2028-01-01\n").encode())
    assert _count(db) == 2
    assert db.session.scalar(sa.select(Certificate.expires_on).where(Certificate.number == "Q-1")).year == 2028


@pytest.mark.parametrize("row, column", [
    ("NOPE,ISO 9001,Q-2,SGS,2024-01-01,2027-01-01", "firm"),
    ("GOV-1,ISO 9001,Q-2,SGS,2024-01-01,2027-01-01", "firm"),
    ("SUP-A,ISO 27001,Q-2,SGS,2024-01-01,2027-01-01", "standard"),
    ("SUP-A,ISO 9001,,SGS,2024-01-01,2027-01-01", "number"),
    ("SUP-A,ISO 9001,Q-2,,2024-01-01,2027-01-01", "body"),
    ("SUP-A,ISO 9001,Q-2,SGS,01/01/2024,2027-01-01", "issued"),
    ("SUP-A,ISO 9001,Q-2,SGS,2024-01-01,2027-02-30", "expires"),
    ("SUP-A,ISO 9001,Q-2,SGS,2024-01-01,2023-01-01", "expires"),
    ("SUP-A,ISO 9001,Q-1,SGS,2024-01-01,2027-01-01", "number"),  # same firm, standard, number as line 2
])
def test_import_rejects_bad_rows_and_writes_nothing(world, db, row, column):
    with pytest.raises(ImportRejectedError) as exc_info:
        import_certificates((HEADER + "SUP-A,ISO 9001,Q-1,SGS,2024-01-01,2027-01-01\n" + row + "\n").encode())
    db.session.rollback()
    assert [(e.line, e.column) for e in exc_info.value.errors] == [(3, column)]
    assert _count(db) == 0


@pytest.mark.parametrize("data, column", [
    (b"", "-"),
    (b"firm,standard,number,body,issued\n", "expires"),
    (b"firm,standard,number,body,issued,expires,scope\n", "scope"),
    ((HEADER + "SUP-A,ISO 9001,Nº-1,Société,2024-01-01,2027-01-01\n").encode("latin-1"), "-"),
])
def test_import_rejects_bad_files(world, data, column):
    with pytest.raises(ImportRejectedError) as exc_info:
        import_certificates(data)
    assert exc_info.value.errors[0].column == column


def test_certs_import_command(runner, world, tmp_path, db):
    good = tmp_path / "certs.csv"
    good.write_text(HEADER + "SUP-A,ISO 14001,E-1,DNV,2024-01-01,2027-01-01\n", encoding="utf-8")
    result = runner.invoke(args=["certs", "import", str(good)])
    assert result.exit_code == 0 and "Imported 1 certificate(s)." in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "SUP-B,ISO 14001,E-2,DNV,2024-01-01,2027-01-01\nSUP-Z,ISO 9001,Q,S,2024-01-01,2027-01-01\n",
                   encoding="utf-8")
    result = runner.invoke(args=["certs", "import", str(bad)])
    assert result.exit_code == 1 and "line 3, column firm" in result.output
    db.session.rollback()
    assert _count(db) == 1
