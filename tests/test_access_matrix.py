"""One parametrised access matrix over every endpoint x role (CONVENTIONS habit 13).

Each feature declares its cases in tests/access/<feature>.py. The last test fails when a
registered endpoint has no case, so a new route cannot ship without its access rules.
"""
from __future__ import annotations

import importlib
import pkgutil

import pytest

from . import access
from .factories import ROLES


def _modules():
    for info in pkgutil.iter_modules(access.__path__):
        yield importlib.import_module(f"{access.__name__}.{info.name}")


ALL_CASES = [case for module in _modules() for case in getattr(module, "CASES", [])]
COVERED_ELSEWHERE = set().union(*(getattr(m, "COVERED_ELSEWHERE", set()) for m in _modules()))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: f"{c.method} {c.endpoint}{('-' + c.note) if c.note else ''}")
def test_access(case, role, client, world, login_as):
    login_as(None if role == "anonymous" else role)
    url = case.url(world)
    data = case.data(world) if case.data else None
    resp = client.open(url, method=case.method, data=data)
    expected = case.status_for(role)
    assert resp.status_code == expected, f"{role} {case.method} {url}: {resp.status_code} != {expected}"
    if role == "anonymous" and expected == 302:
        assert "/login" in resp.headers["Location"]


def test_every_endpoint_has_an_access_case(app):
    covered = {c.endpoint for c in ALL_CASES} | COVERED_ELSEWHERE
    missing = sorted(rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint not in covered)
    assert missing == [], f"endpoints without access-matrix cases: {missing}"
