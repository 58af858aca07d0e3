"""The kpis pages over HTTP: entry, errors on the KPI's row, read-only months, measurements, import
preview and commit, downloads, completeness and home panels."""
import io

import sqlalchemy as sa

from benchclub.extensions import db
from benchclub.models import AuditEntry, KpiDefinition, KpiValue
from benchclub.periods.services import close_period
from tests.factories import add_value

HEADER = "firm,period,kpi,value,source,comment\n"


def stored(firm, code, source=None):
    return db.session.scalar(sa.select(KpiValue).join(KpiValue.kpi).where(
        KpiValue.firm_id == firm.id, KpiValue.source_firm_id == (source or firm).id, KpiDefinition.code == code))


def test_entry_page_shows_every_kpi_with_definition_unit_and_last_month(client, world, login_as):
    add_value(world, "A", "otd_pct", "2025-01", 96.5)
    db.session.commit()
    login_as("member_a")
    html = client.get("/kpis/month/2025-02").get_data(as_text=True)
    assert html.count('class="list-group-item py-3 kpi-row') == 9
    assert "Order lines delivered complete on the agreed day" in html and "% of order lines" in html
    assert "96.5 %" in html  # last month, for reference
    assert 'name="version-otd_pct" value="0"' in html


def test_member_saves_a_month_and_comes_back_to_it(client, world, login_as):
    login_as("member_a")
    resp = client.post("/kpis/month/2025-02", data={"value-otd_pct": "97.5", "version-otd_pct": "0",
                                                    "nil-lead_time_days": "1", "version-lead_time_days": "0"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/kpis/month/2025-02?saved=1")  # next step
    assert stored(world.firms["A"], "otd_pct").value == 97.5
    assert stored(world.firms["A"], "lead_time_days").is_nil
    html = client.get("/kpis/month/2025-02").get_data(as_text=True)
    assert 'value="97.5"' in html and "Values for 2025-02 saved." in html and "change history" in html


def test_hard_range_error_is_shown_on_the_kpis_row_and_nothing_is_saved(client, world, login_as):
    login_as("member_a")
    resp = client.post("/kpis/month/2025-02", data={"value-otd_pct": "97.5", "value-internal_scrap_pct": "120"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'id="error-internal_scrap_pct"' in html and "must be between 0 and 100" in html
    assert 'value="120"' in html and 'value="97.5"' in html  # what was typed is kept
    assert stored(world.firms["A"], "otd_pct") is None


def test_soft_range_value_without_comment_asks_for_one(client, world, login_as):
    login_as("member_a")
    resp = client.post("/kpis/month/2025-02", data={"value-inventory_turns": "80"})
    assert resp.status_code == 422 and "Add a comment explaining it" in resp.get_data(as_text=True)


def test_stale_form_is_refused_with_a_message(client, world, login_as):
    add_value(world, "A", "otd_pct", "2025-02", 90)
    db.session.commit()
    login_as("member_a")
    resp = client.post("/kpis/month/2025-02", data={"value-otd_pct": "97", "version-otd_pct": "0"},
                       follow_redirects=True)
    assert "changed by someone else" in resp.get_data(as_text=True)
    assert stored(world.firms["A"], "otd_pct").value == 90


def test_closed_month_is_read_only(client, world, login_as):
    add_value(world, "A", "otd_pct", "2025-01", 90)
    close_period(world.club, "2025-01")
    db.session.commit()
    login_as("member_a")
    html = client.get("/kpis/month/2025-01").get_data(as_text=True)
    assert "This month is closed" in html and "disabled" in html and "Save January 2025" not in html
    resp = client.post("/kpis/month/2025-01", data={"value-otd_pct": "99"}, follow_redirects=True)
    assert "is closed" in resp.get_data(as_text=True)
    assert stored(world.firms["A"], "otd_pct").value == 90


def test_history_page_lists_each_change(client, world, login_as):
    value = add_value(world, "A", "otd_pct", "2025-02", 90)
    db.session.commit()
    login_as("member_a")
    client.post("/kpis/month/2025-02", data={"value-otd_pct": "92", "comment-otd_pct": "recount",
                                             "version-otd_pct": "1"})
    html = client.get(f"/kpis/values/{value.id}/history").get_data(as_text=True)
    assert "recount" in html and "a@alpha.test" in html and ">90<" in html and ">92<" in html


def test_months_list_and_customer_measurement(client, world, login_as):
    add_value(world, "A", "otd_pct", "2025-02", 97.5)
    add_value(world, "A", "otd_pct", "2025-02", 91, source="G1")
    db.session.commit()
    login_as("member_a")
    html = client.get("/kpis/").get_data(as_text=True)
    assert "February 2025" in html and "January 2025" in html and "overdue" in html
    assert "Gamma Motors</strong> measured 91.0 %" in html and "you reported\n    97.5 %" in html


def test_member_never_sees_another_firms_values_or_its_measurements(client, world, login_as):
    add_value(world, "B", "otd_pct", "2025-02", 12.5, comment="secret B")
    db.session.commit()
    login_as("member_a")
    for url in ("/kpis/", "/kpis/month/2025-02", "/kpis/export.csv", "/kpis/template.csv", "/"):
        body = client.get(url).get_data(as_text=True)
        assert "12.5" not in body and "secret B" not in body and "SUP-B" not in body and "Beta" not in body


def test_governor_enters_measurements_for_a_linked_supplier(client, world, login_as):
    login_as("gov_no_consent")
    html = client.get("/kpis/measurements?supplier=SUP-A&month=2025-02").get_data(as_text=True)
    assert "Alpha Castings" in html and "On-time delivery" in html and "Inventory turns" not in html
    resp = client.post("/kpis/measurements?supplier=SUP-A&month=2025-02", data={"value-otd_pct": "91"})
    assert resp.status_code == 302
    assert stored(world.firms["A"], "otd_pct", world.firms["G2"]).value == 91
    resp = client.post("/kpis/measurements?supplier=SUP-A&month=2025-02", data={"value-otd_pct": "101",
                                                                                     "version-otd_pct": "1"})
    assert resp.status_code == 422 and "between 0 and 100" in resp.get_data(as_text=True)


def test_governor_sees_the_suppliers_own_figure_only_with_consent(client, world, login_as):
    add_value(world, "A", "otd_pct", "2025-02", 97.25)
    db.session.commit()
    login_as("gov_consented")
    assert "Supplier reported 97.2 %" in client.get("/kpis/measurements?supplier=SUP-A&month=2025-02").get_data(True)
    login_as("gov_no_consent")
    assert "97.2" not in client.get("/kpis/measurements?supplier=SUP-A&month=2025-02").get_data(as_text=True)


def test_unlinked_governor_sees_an_empty_state(client, world, login_as):
    login_as("gov_unlinked")
    assert "No suppliers are linked" in client.get("/kpis/measurements").get_data(as_text=True)


def upload(client, text: str | bytes, name="values.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post("/kpis/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_upload_with_errors_lists_each_and_writes_nothing(client, world, login_as):
    login_as("member_a")
    resp = upload(client, HEADER + "SUP-A,2025-02,otd_pct,97,self,\nSUP-B,2025-02,otd_pct,50,self,\n"
                                   "SUP-A,2025-13,lead_time_days,abc,self,\n")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "3 problem(s) found" in html
    assert "your own firm (SUP-A)" in html and "YYYY-MM" in html and "not a number" in html
    assert "Import 1 row" not in html and db.session.scalar(sa.select(sa.func.count(KpiValue.id))) == 0


def test_upload_preview_then_confirm_writes_every_row(client, world, login_as):
    login_as("member_a")
    resp = upload(client, HEADER + "SUP-A,2025-02,otd_pct,97,self,\nSUP-A,2025-02,lead_time_days,,self,\n")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "All 2 rows are valid" in html
    assert db.session.scalar(sa.select(sa.func.count(KpiValue.id))) == 0  # preview writes nothing
    token = html.split('/kpis/import/')[1].split('"')[0]
    resp = client.post(f"/kpis/import/{token}", follow_redirects=True)
    assert "2 new, 0 updated, 0 unchanged" in resp.get_data(as_text=True)
    assert stored(world.firms["A"], "otd_pct").value == 97 and stored(world.firms["A"], "lead_time_days").is_nil
    again = client.post(f"/kpis/import/{token}", follow_redirects=True)  # a token works once
    assert "expired or was already imported" in again.get_data(as_text=True)


def test_another_user_cannot_commit_someone_elses_upload(client, world, login_as):
    login_as("member_a")
    html = upload(client, HEADER + "SUP-A,2025-02,otd_pct,97,self,\n").get_data(as_text=True)
    token = html.split('/kpis/import/')[1].split('"')[0]
    login_as("facilitator")
    resp = client.post(f"/kpis/import/{token}", follow_redirects=True)
    assert "expired or was already imported" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(KpiValue.id))) == 0


def test_upload_that_became_invalid_before_confirming_writes_nothing(client, world, login_as):
    login_as("member_a")
    html = upload(client, HEADER + "SUP-A,2025-02,otd_pct,97,self,\n").get_data(as_text=True)
    token = html.split('/kpis/import/')[1].split('"')[0]
    close_period(world.club, "2025-02")
    db.session.commit()
    resp = client.post(f"/kpis/import/{token}")
    assert resp.status_code == 422 and "is closed" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(KpiValue.id))) == 0


def test_upload_over_the_limit_is_refused(app, client, world, login_as):
    login_as("member_a")
    app.config["MAX_UPLOAD_BYTES"] = 100
    try:
        resp = upload(client, HEADER + "SUP-A,2025-02,otd_pct,97,self," + "x" * 200 + "\n")
    finally:
        app.config["MAX_UPLOAD_BYTES"] = 10 * 1024 * 1024
    assert resp.status_code == 413 and "files over" in resp.get_data(as_text=True)


def test_upload_of_a_non_utf8_file_is_refused(client, world, login_as):
    login_as("facilitator")
    resp = upload(client, (HEADER + "SUP-A,2025-02,otd_pct,97,self,Gr\xfc\xdfe\n").encode("latin-1"))
    assert resp.status_code == 422 and "not UTF-8" in resp.get_data(as_text=True)


def test_downloads_are_csv_attachments(client, world, login_as):
    login_as("member_a")
    resp = client.get("/kpis/template.csv?month=2025-02")
    assert resp.mimetype == "text/csv" and "kpi-template-SUP-A-2025-02.csv" in resp.headers["Content-Disposition"]
    assert resp.get_data(as_text=True).splitlines()[1] == "SUP-A,2025-02,inventory_turns,,self,"
    assert client.get("/kpis/export.csv?month=2025-99").status_code == 404
    assert client.get("/kpis/export.csv?firm=SUP-B").status_code == 404


def test_facilitator_sees_completeness_and_the_view_is_audited(client, world, login_as):
    add_value(world, "A", "otd_pct", "2025-02", 97)
    db.session.commit()
    login_as("facilitator")
    html = client.get("/kpis/completeness").get_data(as_text=True)
    assert "Alpha Castings" in html and "Beta Plastics" in html and "Xi Boards" not in html
    assert "partial" in html and "missing" in html
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.entity == "completeness")).actor_id == \
        world.users["facilitator"].id


def test_admin_chooses_a_club_for_completeness(client, world, login_as):
    login_as("admin")
    assert "Choose a club" in client.get("/kpis/completeness").get_data(as_text=True)
    assert "Alpha Castings" in client.get("/kpis/completeness?club=C1").get_data(as_text=True)
    assert client.get("/kpis/completeness?club=NOPE").status_code == 404


def test_home_panels_per_role(client, world, login_as):
    login_as("member_a")
    assert "Monthly KPIs" in client.get("/").get_data(as_text=True)
    login_as("gov_consented")
    html = client.get("/").get_data(as_text=True)
    assert "Measurements to enter" in html and "Alpha Castings" in html
    login_as("facilitator")
    html = client.get("/").get_data(as_text=True)
    assert "Reporting for February 2025" in html and "of 2 supplier firms" in html


def test_facilitator_downloads_of_identified_values_are_audited_but_members_are_not(client, world, login_as):
    login_as("member_a")
    client.get("/kpis/export.csv")
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.entity == "kpi_export")) == 0
    login_as("facilitator")
    assert client.get("/kpis/export.csv").status_code == 200
    assert client.get("/kpis/template.csv").status_code == 200
    summaries = db.session.scalars(sa.select(AuditEntry.summary).where(AuditEntry.entity == "kpi_export")).all()
    assert summaries == ["CSV export", "CSV template"]
