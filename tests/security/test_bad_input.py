"""Issue 10: inputs that used to be answered with a 500 get a clear refusal instead."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from benchclub.extensions import db
from benchclub.models import Comparator, Firm, KpiDefinition


def _kpi_form(**overrides):
    data = {"code": "huge_range", "name": "Huge", "unit": "%", "direction": "higher", "definition": "",
            "hard_min": "0", "hard_max": "100", "soft_min": "0", "soft_max": "100", "active": "y"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("low, high", [("-1e308", "1e308"), ("-1.7e308", "1.7e308"), ("1e309", "2e309"),
                                        ("nan", "1"), ("-inf", "inf")])
def test_a_kpi_range_of_extreme_numbers_is_refused_not_a_500(client, world, login_as, low, high):
    login_as("facilitator")
    resp = client.post("/club/kpis/new", data=_kpi_form(hard_min=low, hard_max=high, soft_min=low, soft_max=high))
    assert resp.status_code == 422
    assert db.session.scalar(sa.select(KpiDefinition).where(KpiDefinition.code == "huge_range")) is None


def test_admin_club_report_without_a_club_offers_the_club_picker(client, world, login_as):
    login_as("admin")
    for url in ("/reports/club/2025-Q1", "/reports/club/2025-Q1.pdf"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert "/reports/club/2025-Q1" in resp.get_data(as_text=True) and "club=C1" in resp.get_data(as_text=True)


def _firm_form(**overrides):
    data = {"code": "SUP-Z", "name": "Zeta", "kind": "supplier", "country": "ZA", "sector": "Castings",
            "employees": "10", "active": "y"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("employees", ["9" * 30, "99999999999", "-1"])
def test_an_absurd_employee_count_is_refused(client, world, login_as, employees):
    login_as("facilitator")
    resp = client.post("/club/firms/new", data=_firm_form(employees=employees))
    assert resp.status_code == 422
    assert db.session.scalar(sa.select(Firm).where(Firm.code == "SUP-Z")) is None


def test_an_absurd_employee_count_on_edit_is_refused(client, world, login_as):
    login_as("facilitator")
    firm = world.firms["A"]
    resp = client.post(f"/club/firms/{firm.id}/edit", data=_firm_form(code=firm.code, employees="9" * 30))
    assert resp.status_code == 422


HEADER = "comparator,region,year,source,sample_size,kpi,p10,p25,p50,p75,p90\n"


def _kpi_code(world):
    return db.session.scalar(sa.select(KpiDefinition.code).where(KpiDefinition.club_id == world.club.id)
                             .order_by(KpiDefinition.id))


def _upload(client, data: bytes):
    return client.post("/benchmarks/comparators/import?club=C1",
                       data={"file": (io.BytesIO(data), "comparators.csv")}, content_type="multipart/form-data")


@pytest.mark.parametrize("body", [
    "EU,Europe,2024,Survey\n",                                   # a short row
    "EU,Europe,2024,Survey,{n},{kpi},1,2,3,4,5\n".replace("{n}", "9" * 30),  # a huge sample size
    "EU,Europe,2024,Survey,10,{kpi},1,2,3,4,5,6,7\n",               # a long row
])
def test_a_bad_comparator_csv_is_refused_with_reasons(client, world, login_as, body):
    login_as("facilitator")
    from benchclub.benchmarks.services import CSV_COLUMNS
    assert ",".join(CSV_COLUMNS) + "\n" == HEADER
    resp = _upload(client, (HEADER + body.replace("{kpi}", _kpi_code(world))).encode())
    assert resp.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Comparator.id))) == 0


def test_a_comparator_csv_with_a_trailing_non_utf8_byte_is_refused(client, world, login_as):
    login_as("facilitator")
    body = f"EU,Europe,2024,Survey,10,{_kpi_code(world)},1,2,3,4,5\n".encode() + b"\xff"
    resp = _upload(client, HEADER.encode() + body)
    assert resp.status_code == 422 and "UTF-8" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Comparator.id))) == 0


def test_a_comparator_csv_with_a_nul_byte_is_refused(client, world, login_as):
    login_as("facilitator")
    resp = _upload(client, (HEADER + f"EU\x00,Europe,2024,Survey,10,{_kpi_code(world)},1,2,3,4,5\n").encode())
    assert resp.status_code == 422 and "NUL" in resp.get_data(as_text=True)


def test_a_firms_csv_with_a_nul_byte_is_refused(world):
    from benchclub.clubs.imports import import_firms
    from benchclub.csvimport import ImportRejectedError

    with pytest.raises(ImportRejectedError, match="error"):
        import_firms(b"club,code,name,kind,country,sector,employees\nC1,\x00,\x00,supplier,ZA,\x00,10\n")
