"""Issue 10, fuzzing with hypothesis: every route parameter, every form and the CSV imports.

Random text (NUL, huge and tiny numbers, NaN and infinity, Unicode, very long strings) goes into
every route of the URL map and every form field found on the pages; the answer is never a 5xx and a
refused request (4xx) writes nothing. The CSV importers get random bytes and random rows: each file is
either imported whole or refused with nothing written. Examples are bounded so this runs in about a
minute; raise FUZZ_EXAMPLES to search longer.
"""
from __future__ import annotations

import os
import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

from benchclub.clubs.imports import import_firms
from benchclub.csvimport import ImportRejectedError
from benchclub.extensions import db
from benchclub.kpis import imports
from benchclub.models import AuditEntry, Firm, KpiValue

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

NASTY = ["\x00", "a\x00b", "1e308", "-1e308", "1e-308", "nan", "NaN", "inf", "-inf", "9" * 30, "-1", "0", "",
         " ", "0x10", "1_000", "١٢٣", "'; DROP TABLE users;--", "<script>alert(1)</script>", "%00", "../../etc/passwd",
         "Ünïcødé 𝔘𝔫𝔦", "\u202e", "x" * 5000, "2025-13", "2025-Q9", "9999-01", "0000-00", "C1", "SUP-A", "otd_pct"]
TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.integers().map(str),
                 st.floats(allow_nan=True, allow_infinity=True).map(repr))


def _rules(app, methods: set[str]):
    skip = {"static", "vendor.asset", "auth.logout"}
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in skip and (r.methods or set()) & methods),
                  key=lambda r: r.rule)


IDS = st.sampled_from([1, 2, 3, 10**6, 2**31, 2**63, 10**20, 10**30]).map(str)


def _args(data, rule) -> list[str]:
    """A value per route argument: ids (small, at the INTEGER and BIGINT edges, huge) or any nasty text."""
    return [data.draw(IDS if isinstance(rule._converters.get(a), IntegerConverter) else TEXT)
            for a in rule.arguments]


def _fill(rule, values: list[str]) -> str:
    it = iter(values)
    return re.sub(r"<(?:[^>:]+:)?[^>]+>", lambda _m: quote(next(it, "x") or "x", safe=""), rule.rule)


def _written() -> int:
    """Rows in every table but the audit log (views are audited; refused requests write nothing else)."""
    total = 0
    for table in db.metadata.sorted_tables:
        if table.name != AuditEntry.__tablename__:
            total += db.session.scalar(sa.select(sa.func.count()).select_from(table))
    return total


def _form_fields(client, app) -> list[str]:
    names = set()
    for rule in _rules(app, {"GET"}):
        if "<" in rule.rule:
            continue
        names |= set(re.findall(r'name="([^"]+)"', client.get(rule.rule).get_data(as_text=True)))
    return sorted(names - {"csrf_token"})


@pytest.mark.parametrize("who", ["admin", "facilitator", "member_a", "gov_consented"])
def test_random_route_parameters_and_query_strings_never_give_a_server_error(app, client, world, login_as, who):
    login_as(who)
    rules = _rules(app, {"GET"})

    @FUZZ
    @given(st.data())
    def check(data):
        rule = data.draw(st.sampled_from(rules))
        url = _fill(rule, _args(data, rule))
        query = data.draw(st.dictionaries(st.sampled_from(["club", "period", "month", "group", "kpi", "page", "firm",
                                                           "supplier", "next", "q", "fmt"]), TEXT, max_size=3))
        resp = client.get(url, query_string=query)
        assert resp.status_code < 500, f"GET {url} {query!r}: {resp.status_code}"

    check()


@pytest.mark.parametrize("who", ["facilitator", "member_a", "gov_consented", "admin"])
def test_random_form_posts_never_give_a_server_error_and_refusals_write_nothing(app, client, world, login_as, who):
    login_as(who)
    fields = _form_fields(client, app)
    rules = _rules(app, {"POST"})
    ints = {name: str(v) for name, v in (("firm", world.firms["A"].id), ("firm_id", world.firms["A"].id))}

    @FUZZ
    @given(st.data())
    def check(data):
        rule = data.draw(st.sampled_from(rules))
        args = _args(data, rule)
        form = data.draw(st.dictionaries(st.sampled_from(fields), TEXT, max_size=8))
        form.update({k: v for k, v in ints.items() if k in form and data.draw(st.booleans())})
        before = _written()
        resp = client.post(_fill(rule, args), data=form)
        assert resp.status_code < 500, f"POST {rule.rule} {form!r}: {resp.status_code}"
        if resp.status_code >= 400:
            db.session.rollback()
            assert _written() == before, f"POST {rule.rule} refused with {resp.status_code} but wrote rows"

    check()
    login_as(who)  # a fuzzed post may have been a logout


ROW = st.tuples(st.sampled_from(["SUP-A", "SUP-B", "GOV-1", "SUP-X", "nope"]) | TEXT,
                st.sampled_from(["2025-01", "2025-02", "2024-12"]) | TEXT,
                st.sampled_from(["otd_pct", "customer_reject_ppm", "internal_scrap_pct"]) | TEXT,
                st.sampled_from(["95", "1e308", "nan", "-inf", ""]) | TEXT, st.sampled_from(["", "GOV-1"]) | TEXT,
                TEXT)


def _csv_text(rows) -> str:
    def cell(c: str) -> str:
        return '"' + c.replace('"', '""') + '"'
    return "firm,period,kpi,value,source,comment\n" + "".join(",".join(cell(c) for c in r) + "\n" for r in rows)


def test_random_kpi_csv_files_are_imported_whole_or_not_at_all(world):
    @FUZZ
    @given(st.one_of(st.lists(ROW, min_size=1, max_size=6).map(lambda rows: _csv_text(rows).encode()),
                     st.binary(max_size=300), st.lists(ROW, max_size=3).map(lambda r: _csv_text(r).encode() + b"\xff")))
    def check(data):
        before = db.session.scalar(sa.select(sa.func.count(KpiValue.id)))
        plan = imports.plan_and_apply(data, actor=None, limit=10**6)
        db.session.flush()
        after = db.session.scalar(sa.select(sa.func.count(KpiValue.id)))
        if plan.ok:
            assert after - before == plan.count("new")
        else:
            assert after == before and plan.errors
        db.session.rollback()

    check()


FIRM_ROW = st.tuples(st.sampled_from(["C1", "C2", "c1"]) | TEXT, TEXT, TEXT,
                     st.sampled_from(["supplier", "governor"]) | TEXT, st.sampled_from(["ZA", "DE"]) | TEXT, TEXT,
                     st.sampled_from(["10", "9" * 30, "-1", ""]) | TEXT)


def test_random_firm_csv_files_are_imported_whole_or_not_at_all(world):
    header = "club,code,name,kind,country,sector,employees\n"

    @FUZZ
    @given(st.lists(FIRM_ROW, min_size=1, max_size=5), st.booleans())
    def check(rows, update):
        data = (header + "".join(",".join('"' + c.replace('"', '""') + '"' for c in r) + "\n" for r in rows)).encode()
        before = db.session.scalar(sa.select(sa.func.count(Firm.id)))
        try:
            firms = import_firms(data, update=update)
        except ImportRejectedError:
            db.session.rollback()
            assert db.session.scalar(sa.select(sa.func.count(Firm.id))) == before
        else:
            db.session.flush()
            assert db.session.scalar(sa.select(sa.func.count(Firm.id))) <= before + len(firms)
            db.session.rollback()

    check()
