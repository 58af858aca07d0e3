"""Reading and writing monthly values through the API: scopes, the import's checks, versions, audit."""
from __future__ import annotations

import sqlalchemy as sa

from benchclub.extensions import db
from benchclub.models import AuditEntry, Consent, KpiValue
from tests.factories import add_value


def _codes(resp) -> set[tuple[str, str, str]]:
    return {(v["firm"], v["kpi"], v["source"]) for v in resp.get_json()["items"]}


def _seed(world):
    add_value(world, "A", "otd_pct", "2025-01", 95.0)
    add_value(world, "A", "internal_scrap_pct", "2025-01", 2.5)
    add_value(world, "B", "otd_pct", "2025-01", 91.0)
    add_value(world, "A", "otd_pct", "2025-01", 93.0, source="G1")
    add_value(world, "A", "lead_time_days", "2025-01", 12.0, source="G2")
    db.session.commit()


def test_member_reads_only_its_own_self_reported_values(call, world):
    _seed(world)
    assert _codes(call("member_a", "GET", "/api/v1/values")) == {
        ("SUP-A", "otd_pct", "self"), ("SUP-A", "internal_scrap_pct", "self")}
    assert _codes(call("member_b", "GET", "/api/v1/values?firm=SUP-A")) == set()


def test_governor_reads_its_measurements_and_consenting_suppliers_shared_kpis(call, world):
    _seed(world)
    assert _codes(call("gov_consented", "GET", "/api/v1/values")) == {
        ("SUP-A", "otd_pct", "self"), ("SUP-A", "internal_scrap_pct", "self"), ("SUP-A", "otd_pct", "GOV-1")}
    assert _codes(call("gov_no_consent", "GET", "/api/v1/values")) == {("SUP-A", "lead_time_days", "GOV-2")}
    assert _codes(call("gov_unlinked", "GET", "/api/v1/values")) == set()


def test_consent_limited_to_some_kpis_limits_what_the_governor_reads(call, world):
    _seed(world)
    consent = db.session.scalar(sa.select(Consent).where(Consent.governor_id == world.firms["G1"].id))
    consent.all_kpis, consent.kpi_codes = False, ["otd_pct"]
    db.session.commit()
    assert _codes(call("gov_consented", "GET", "/api/v1/values")) == {
        ("SUP-A", "otd_pct", "self"), ("SUP-A", "otd_pct", "GOV-1")}


def test_facilitator_reads_the_club_and_the_read_is_audited(call, world):
    _seed(world)
    resp = call("facilitator", "GET", "/api/v1/values?kpi=otd_pct&period=2025-01")
    assert {v["firm"] for v in resp.get_json()["items"]} == {"SUP-A", "SUP-B"}
    assert call("other_facilitator", "GET", "/api/v1/values").get_json()["items"] == []
    views = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "kpi_values")).all()
    assert any("period=2025-01" in v.summary for v in views)


def test_pagination_states_and_enforces_its_maximum(call, world):
    _seed(world)
    first = call("facilitator", "GET", "/api/v1/values?per_page=2").get_json()
    assert (first["total"], first["pages"], len(first["items"])) == (5, 3, 2)
    last = call("facilitator", "GET", "/api/v1/values?per_page=2&page=3").get_json()
    assert len(last["items"]) == 1
    too_many = call("facilitator", "GET", "/api/v1/values?per_page=501")
    assert too_many.status_code == 422 and too_many.get_json()["errors"][0]["field"] == "per_page"


def test_reads_carry_an_etag_and_answer_304_when_unchanged(call, world):
    _seed(world)
    first = call("member_a", "GET", "/api/v1/values")
    etag = first.headers["ETag"]
    assert call("member_a", "GET", "/api/v1/values", headers={"If-None-Match": etag}).status_code == 304
    call("member_a", "PUT", "/api/v1/values", headers={"If-Match": "*"}, json={
        "items": [{"firm": "SUP-A", "period": "2025-01", "kpi": "otd_pct", "value": 96}]})
    assert call("member_a", "GET", "/api/v1/values", headers={"If-None-Match": etag}).status_code == 200


def test_batch_is_all_or_nothing_with_per_item_index_field_and_reason(call, world):
    resp = call("member_a", "PUT", "/api/v1/values", json={"items": [
        {"firm": "SUP-A", "period": "2025-01", "kpi": "otd_pct", "value": 97},
        {"firm": "SUP-A", "period": "2025-01", "kpi": "internal_scrap_pct", "value": 25},
        {"firm": "SUP-A", "period": "2025-01", "kpi": "no_such_kpi", "value": 1},
        {"firm": "SUP-B", "period": "2025-01", "kpi": "otd_pct", "value": 90},
        {"firm": "SUP-A", "period": "2025-01", "kpi": "setup_time_pct", "value": 101},
    ]})
    assert resp.status_code == 422
    errors = {(e["index"], e["field"]) for e in resp.get_json()["errors"]}
    assert errors == {(1, "comment"), (2, "kpi"), (3, "firm"), (4, "value")}
    assert "comment explaining it" in resp.get_json()["errors"][0]["reason"]
    assert db.session.scalar(sa.select(sa.func.count(KpiValue.id))) == 0


def test_nil_return_is_stored_as_not_measured_and_soft_range_value_with_comment_is_flagged(call, world):
    resp = call("member_a", "PUT", "/api/v1/values", json={"items": [
        {"firm": "SUP-A", "period": "2025-01", "kpi": "otd_pct", "value": None},
        {"firm": "SUP-A", "period": "2025-01", "kpi": "internal_scrap_pct", "value": 25, "comment": "fire in plant"},
    ]})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    items = {v["kpi"]: v for v in resp.get_json()["items"]}
    assert items["otd_pct"]["value"] is None and items["otd_pct"]["not_measured"] is True
    assert items["internal_scrap_pct"]["flagged"] is True
    stored = db.session.scalar(sa.select(KpiValue).where(KpiValue.is_nil.is_(True)))
    assert stored.value is None


def test_stale_version_gives_412_and_missing_one_428_and_nothing_is_written(call, world):
    value = add_value(world, "A", "otd_pct", "2025-01", 95.0)
    db.session.commit()
    item = {"firm": "SUP-A", "period": "2025-01", "kpi": "otd_pct", "value": 99}
    missing = call("member_a", "PUT", "/api/v1/values", json={"items": [item]})
    assert missing.status_code == 428 and missing.get_json()["errors"][0]["index"] == 0
    stale = call("member_a", "PUT", "/api/v1/values", json={"items": [{**item, "version": 7}]})
    assert stale.status_code == 412
    stale_etag = call("member_a", "PUT", "/api/v1/values", headers={"If-Match": '"kv-1-9"'}, json={"items": [item]})
    assert stale_etag.status_code == 412
    db.session.refresh(value)
    assert value.value == 95.0
    good = call("member_a", "PUT", "/api/v1/values", headers={"If-Match": f'"kv-{value.id}-{value.version}"'},
                json={"items": [item]})
    assert good.status_code == 200 and good.get_json()["items"][0]["version"] == 2


def test_governor_pushes_its_measurements_but_not_self_reported_values(call, world):
    ok = call("gov_consented", "PUT", "/api/v1/values", json={"items": [
        {"firm": "SUP-A", "period": "2025-01", "kpi": "otd_pct", "value": 88, "source": "GOV-1"}]})
    assert ok.status_code == 200 and ok.get_json()["items"][0]["source"] == "GOV-1"
    bad = call("gov_consented", "PUT", "/api/v1/values", json={"items": [
        {"firm": "SUP-A", "period": "2025-01", "kpi": "internal_scrap_pct", "value": 1, "source": "GOV-1"},
        {"firm": "SUP-A", "period": "2025-01", "kpi": "otd_pct", "value": 97, "source": "self"}]})
    assert bad.status_code == 422
    assert {(e["index"], e["field"]) for e in bad.get_json()["errors"]} == {(0, "kpi"), (1, "source")}


def test_round_trip_export_change_put_back_and_read_the_audit(call, world):
    for code, value in (("otd_pct", 95.0), ("internal_scrap_pct", 2.5), ("lead_time_days", 10.0)):
        add_value(world, "A", code, "2025-01", value)
    db.session.commit()
    month = call("member_a", "GET", "/api/v1/values?firm=SUP-A&period=2025-01").get_json()["items"]
    assert len(month) == 3
    items = [{k: v[k] for k in ("firm", "period", "kpi", "value", "source", "comment", "version")} for v in month]
    changed = next(i for i in items if i["kpi"] == "internal_scrap_pct")
    changed["value"], changed["comment"] = 1.75, "new scrap counting from ERP"
    resp = call("member_a", "PUT", "/api/v1/values", json={"items": items})
    assert resp.status_code == 200
    assert (resp.get_json()["updated"], resp.get_json()["unchanged"]) == (1, 2)
    scrap = next(v for v in resp.get_json()["items"] if v["kpi"] == "internal_scrap_pct")
    history = call("member_a", "GET", f"/api/v1/values/{scrap['id']}/history").get_json()["items"]
    assert [(h["action"], h["old"], h["new"]) for h in history] == [("create", None, "2.5"), ("update", "2.5", "1.75")]
    assert history[-1]["by"] == "a@alpha.test" and history[-1]["reason"] == "new scrap counting from ERP"
    again = call("member_a", "PUT", "/api/v1/values", json={"items": items})
    assert again.status_code == 412  # the versions read before the change are stale now


def test_closed_period_is_refused_per_item(call, world):
    from benchclub.periods.services import close_period

    close_period(world.club, "2025-01")
    db.session.commit()
    resp = call("member_a", "PUT", "/api/v1/values", json={"items": [
        {"firm": "SUP-A", "period": "2025-01", "kpi": "otd_pct", "value": 97}]})
    assert resp.status_code == 422 and "closed" in resp.get_json()["errors"][0]["reason"]
