"""One parametrised access matrix over every endpoint x method x kind of user (CONVENTIONS habit 13).

The list of what must be covered comes from the application's URL map, not from the cases: every
(endpoint, method) pair the app answers must have a case in tests/access/<feature>.py (or be named in
that module's COVERED_ELSEWHERE with the test file that covers it), so a new route or a new method on
an old route cannot ship without its access rules. Each case is run for every kind of user in
tests.factories.ROLES: anonymous, member, other member, governor linked with consent, linked without
consent, not linked, the club's facilitator, another club's facilitator, admin.

The JSON API (blueprint `api`, /api/v1) keeps its own table, API_CASES, in tests/access/api_cases.py,
filled by the API's own work; its endpoints are checked against that table only (see
test_every_api_endpoint_has_an_access_case), so the two can grow independently.
"""
from __future__ import annotations

import importlib
import pkgutil

import pytest

from . import access
from .factories import ROLES

IGNORED_METHODS = {"HEAD", "OPTIONS"}
API_PREFIX = "api."


def _modules():
    for info in pkgutil.iter_modules(access.__path__):
        yield importlib.import_module(f"{access.__name__}.{info.name}")


ALL_CASES = [case for module in _modules() for case in getattr(module, "CASES", [])]
API_CASES = [case for module in _modules() for case in getattr(module, "API_CASES", [])]
COVERED_ELSEWHERE = set().union(*(getattr(m, "COVERED_ELSEWHERE", set()) for m in _modules()))


def _url_map_pairs(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) the application answers."""
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            for method in (rule.methods or set()) - IGNORED_METHODS}


def _covered(cases) -> set[tuple[str, str]]:
    return {(c.endpoint, c.method) for c in cases}


def _elsewhere(endpoint: str, method: str) -> bool:
    return endpoint in COVERED_ELSEWHERE or (endpoint, method) in COVERED_ELSEWHERE


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", ALL_CASES + API_CASES,
                         ids=lambda c: f"{c.method} {c.endpoint}{('-' + c.note) if c.note else ''}")
def test_access(case, role, client, world, login_as):
    login_as(None if role == "anonymous" else role)
    url = case.url(world)
    data = case.data(world) if case.data else None
    resp = client.open(url, method=case.method, data=data)
    expected = case.status_for(role)
    assert resp.status_code == expected, f"{role} {case.method} {url}: {resp.status_code} != {expected}"
    if role == "anonymous" and expected == 302:
        assert "/login" in resp.headers["Location"]


def _missing(app, cases) -> list[str]:
    covered = _covered(cases)
    return sorted(f"{method} {endpoint}" for endpoint, method in _url_map_pairs(app)
                  if not endpoint.startswith(API_PREFIX) and (endpoint, method) not in covered
                  and not _elsewhere(endpoint, method))


def test_every_endpoint_and_method_in_the_url_map_has_an_access_case(app):
    missing = _missing(app, ALL_CASES)
    assert missing == [], f"endpoints without access-matrix cases: {missing}"


def test_a_new_endpoint_or_method_without_a_case_is_reported():
    from benchclub import create_app
    from config import TestingConfig

    fresh = create_app(TestingConfig)
    fresh.add_url_rule("/brand-new", "clubs.brand_new", lambda: "x", methods=["GET", "DELETE"])
    assert _missing(fresh, ALL_CASES) == ["DELETE clubs.brand_new", "GET clubs.brand_new"]


def test_every_api_endpoint_has_an_access_case(app):
    api_pairs = {(e, m) for e, m in _url_map_pairs(app) if e.startswith(API_PREFIX)}
    if not api_pairs:
        pytest.skip("no api blueprint registered")
    missing = sorted(f"{m} {e}" for e, m in api_pairs if (e, m) not in _covered(API_CASES) and not _elsewhere(e, m))
    assert missing == [], f"API endpoints without a row in tests/access/api_cases.py API_CASES: {missing}"


def test_cases_name_only_real_endpoints(app):
    pairs = _url_map_pairs(app)
    stale = sorted(f"{c.method} {c.endpoint}" for c in ALL_CASES + API_CASES if (c.endpoint, c.method) not in pairs)
    assert stale == [], f"access cases for endpoints or methods the app does not have: {stale}"


def test_every_kind_of_user_is_checked():
    assert set(ROLES) == {"anonymous", "member_a", "member_b", "gov_consented", "gov_no_consent", "gov_unlinked",
                          "facilitator", "other_facilitator", "admin"}
