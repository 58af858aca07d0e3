"""Issue 8, attack 1 (display part): a governor's consenting suppliers are placed in quartile bands, never by
an exact rank, on the page, in the chart data, in the downloads and in `benchmarks show` (DOMAIN §5 rule 7)."""
from __future__ import annotations

import csv
import io
import json
import re

from benchclub.benchmarks.stats import percentile_ranks
from tests.factories import PASSWORD

from .helpers import build_bench_club

BANDS = {"bottom quarter", "second quarter", "third quarter", "top quarter"}


def login(client, user):
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def show(runner, *args):
    result = runner.invoke(args=["benchmarks", "show", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def exact_ranks(bc, kpi_code: str, month: str = "2025-01") -> dict[int, int]:
    """What an exact "better than X%" of each firm would say (computed here, from the raw values)."""
    ids = [f.id for f in bc.suppliers]
    values = [bc.values[(month, kpi_code, i)] for i in ids]
    return dict(zip(ids, percentile_ranks(values, bc.kpis[kpi_code].higher_is_better), strict=True))


def supplier_chart(html: str) -> dict:
    raw = re.search(r'<script type="application/json" id="suppliers-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(raw)


def test_governor_page_places_consenting_suppliers_in_quartile_bands_only(client):
    bc = build_bench_club(24, kpi_codes=("otd_pct",), consenting=3)
    ranks = exact_ranks(bc, "otd_pct")
    html = login(client, bc.users["governor"]).get("/benchmarks/governor?kpi=otd_pct").get_data(as_text=True)
    cells = re.findall(r"<td data-band>(.*?)</td>", html, re.S)
    assert len(cells) == 3 and all(c.strip() in BANDS for c in cells)
    assert "% of peers" not in html and "better than" not in html.lower()
    for firm in bc.suppliers[:3]:
        assert f"{ranks[firm.id]}%" not in html
    markers = next(t for t in supplier_chart(html)["data"] if t["name"].startswith("My consenting suppliers"))
    assert set(markers["x"]) <= {12.5, 37.5, 62.5, 87.5}  # band middles, never a place on the curve
    assert all(any(band in text for band in BANDS) for text in markers["text"])


def test_governor_downloads_and_cli_carry_no_rank(client, runner):
    bc = build_bench_club(24, kpi_codes=("otd_pct",), consenting=3)
    login(client, bc.users["governor"])
    data = client.get("/benchmarks/download.json").get_json()
    assert all(k["firm"] is None for k in data["kpis"])
    assert "percentile_rank" not in json.dumps(data) and "better_than" not in json.dumps(data)
    rows = list(csv.DictReader(io.StringIO(client.get("/benchmarks/download.csv").get_data(as_text=True))))
    assert rows and all(r["better_than_pct"] == "" and r["my_value"] == "" for r in rows)
    payload = show(runner, "--kpi", "otd_pct", "--period", "2025-01", "--club", bc.club.code,
                   "--as-user", bc.users["governor"].email)
    assert payload["firm"] is None


def test_no_band_when_the_governor_is_not_released_the_quartiles(client):
    bc = build_bench_club(7, kpi_codes=("otd_pct",), consenting=3)  # only 4 firms it does not know
    html = login(client, bc.users["governor"]).get("/benchmarks/governor?kpi=otd_pct").get_data(as_text=True)
    cells = re.findall(r"<td data-band>(.*?)</td>", html, re.S)
    assert cells and all("quartiles are withheld" in c for c in cells)
