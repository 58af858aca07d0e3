"""The attack suite of issue 3: every way a member or governor might learn a peer's value."""
import json
import re

import sqlalchemy as sa

from benchclub.extensions import db
from benchclub.models import Consent, KpiValue
from benchclub.periods.services import close_period, reopen_period
from tests.factories import PASSWORD

from .helpers import build_bench_club


def login(client, user):
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def show(runner, *args):
    result = runner.invoke(args=["benchmarks", "show", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_two_nested_groups_cannot_be_subtracted(runner):
    # sector:Castings = 8 firms, country:ZA = those 8 plus one more: one of them must be withheld.
    sectors = ["Castings"] * 8 + ["Plastics"] * 8
    countries = ["ZA"] * 9 + ["IN"] * 7
    bc = build_bench_club(16, sectors=sectors, countries=countries, kpi_codes=("otd_pct",))
    args = ["--kpi", "otd_pct", "--period", "2025-01", "--club", "BC", "--as-firm", bc.suppliers[0].code]
    castings = show(runner, *args, "--group", "sector:Castings")
    za = show(runner, *args, "--group", "country:ZA")
    assert not (castings["stats"] and za["stats"])
    withheld = castings if not castings["stats"] else za
    assert any("subtracted" in s["reason"] for s in withheld["suppressed"])


def test_a_group_whose_complement_has_one_to_four_firms_is_withheld(runner):
    bc = build_bench_club(16, sectors=["Castings"] * 13 + ["Plastics"] * 3, kpi_codes=("otd_pct",))
    out = show(runner, "--kpi", "otd_pct", "--period", "2025-01", "--club", "BC", "--group", "sector:Castings",
               "--as-firm", bc.suppliers[0].code)
    assert out["stats"] == {} and out["firm"]["percentile_rank"] is None
    assert all("subtracted" in s["reason"] for s in out["suppressed"])


def test_a_group_of_four_is_withheld(runner):
    bc = build_bench_club(16, sectors=["Castings"] * 12 + ["Plastics"] * 4, kpi_codes=("otd_pct",))
    out = show(runner, "--kpi", "otd_pct", "--period", "2025-01", "--club", "BC", "--group", "sector:Plastics",
               "--as-firm", bc.suppliers[0].code)
    assert out["stats"] == {} and out["n"] == "fewer than 5"


def test_p10_and_p90_over_nine_firms_are_withheld(runner):
    build_bench_club(9, kpi_codes=("otd_pct",))
    out = show(runner, "--kpi", "otd_pct", "--period", "2025-01", "--club", "BC", "--as-firm", "BC-SUP-00")
    assert set(out["stats"]) == {"p25", "p50", "p75", "mean"} and out["n"] == "5-9"
    assert {s["stat"] for s in out["suppressed"]} == {"p10", "p90"}


def test_editing_ones_own_value_after_publication_changes_nothing_published(runner, client):
    bc = build_bench_club(12, kpi_codes=("otd_pct",))
    args = ["--kpi", "otd_pct", "--period", "2025-01", "--club", "BC", "--as-firm", bc.suppliers[0].code]
    before = show(runner, *args)
    page_before = login(client, bc.users["member"]).get("/benchmarks/download.json").get_json()
    own = db.session.scalar(sa.select(KpiValue).where(KpiValue.firm_id == bc.suppliers[0].id))
    own.value = 0.0  # a probe: write straight to the row, as a buggy or malicious path might
    db.session.commit()
    assert show(runner, *args) == before
    assert client.get("/benchmarks/download.json").get_json() == page_before
    # Only a reopening and a new close republishes, and then the new value counts; the republished club
    # figures are withheld (issue 8, attack 8): against revision 1 they would expose this one correction.
    reopen_period(bc.club, "2025-01", "correction")
    close_period(bc.club, "2025-01")
    db.session.commit()
    after = show(runner, *args)
    assert after["firm"]["value"] == 0.0 and "mean" not in after["stats"]
    assert any("correction" in s["reason"] for s in after["suppressed"])


def test_a_governor_whose_consenting_suppliers_are_most_of_a_group_sees_no_group_stats(runner):
    # 8 firms in sector Castings, 4 of them consent to the governor: only 4 unknown firms remain.
    bc = build_bench_club(16, sectors=["Castings"] * 8 + ["Plastics"] * 8, kpi_codes=("otd_pct",), consenting=4)
    common = ["--kpi", "otd_pct", "--period", "2025-01", "--club", "BC", "--group", "sector:Castings"]
    member = show(runner, *common, "--as-firm", bc.suppliers[10].code)
    governor = show(runner, *common, "--as-user", bc.users["governor"].email)
    assert member["stats"]
    assert governor["stats"] == {} and governor["firm"] is None
    assert any("consenting suppliers" in s["reason"] for s in governor["suppressed"])
    # Revoking consent takes effect at once: with 2 known firms, 6 unknown remain.
    for consent in db.session.scalars(sa.select(Consent).where(Consent.supplier_id.in_(
            [bc.suppliers[2].id, bc.suppliers[3].id]))):
        db.session.delete(consent)
    db.session.commit()
    assert show(runner, *common, "--as-user", bc.users["governor"].email)["stats"]


MEMBER_URLS = ["/benchmarks/", "/benchmarks/kpi/{kpi}", "/benchmarks/download.csv", "/benchmarks/download.json"]
GOVERNOR_URLS = ["/benchmarks/governor", "/benchmarks/governor?kpi={kpi}", "/benchmarks/download.csv",
                 "/benchmarks/download.json"]


def _responses(client, urls, kpis, groups, months):
    for month in months:
        for group in groups:
            for kpi in kpis:
                for url in urls:
                    sep = "&" if "?" in url else "?"
                    resp = client.get(url.format(kpi=kpi) + f"{sep}period={month}&group={group}")
                    assert resp.status_code == 200, url
                    yield resp.get_data(as_text=True)


def test_no_peer_value_minimum_maximum_code_or_name_reaches_a_member_or_governor(client):
    """Even group sizes keep every released quantile strictly between order statistics, so any raw
    4-decimal value found in a response would be a leak."""
    sectors = ["Castings"] * 10 + ["Plastics"] * 6
    bc = build_bench_club(16, sectors=sectors, months=("2025-01", "2025-02"),
                          kpi_codes=("otd_pct", "customer_reject_ppm", "internal_scrap_pct"), consenting=2)
    kpis, months, groups = list(bc.kpis), ["2025-01", "2025-02"], ["all", "sector:Castings", "sector:Plastics"]
    viewers = {"member": {bc.suppliers[0].id}, "governor": {bc.suppliers[0].id, bc.suppliers[1].id}}
    for who, visible in viewers.items():
        login(client, bc.users[who])
        urls = MEMBER_URLS if who == "member" else GOVERNOR_URLS
        bodies = list(_responses(client, urls, kpis, groups, months))
        hidden = [f for f in bc.suppliers if f.id not in visible]
        secrets = {repr(v) for (_, _, f), v in bc.values.items() if f not in visible}
        for (month, kpi) in {(m, k) for m, k, _ in bc.values}:
            peer = [v for (m, k, f), v in bc.values.items() if (m, k) == (month, kpi) and f not in visible]
            secrets |= {repr(min(peer)), repr(max(peer))}
        secrets |= {f.code for f in hidden} | {f.name for f in hidden}
        for body in bodies:
            # Whole tokens only: 5294.13355 (a released quantile) must not match the value 5294.1335.
            found = [s for s in secrets if re.search(rf"(?<![\w.]){re.escape(s)}(?![\w])", body)]
            assert found == [], f"{who} received {found[:5]}"
        assert any('"p50"' in b for b in bodies)  # the search did look at released data
