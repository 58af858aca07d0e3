"""Issue 10: club codes are case-insensitive on the web (?club=) and in the API, as they are in the CLI."""
from __future__ import annotations

import pytest

from tests.api.conftest import bearer, token_for

ADMIN_PAGES = [
    "/club/firms?club={code}",  # clubs.context.current_club
    "/reports/?club={code}",
    "/kpis/completeness?club={code}",
    "/benchmarks/club?club={code}",  # benchmarks.club.views._club
    "/workshops?club={code}",  # workshops.views.managed_club
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_finds_a_club_by_its_code_in_any_case(path, world, login_as):
    client = login_as("admin")
    exact = client.get(path.format(code="C1"))
    assert exact.status_code == 200
    for code in ("c1", " c1 "):
        resp = client.get(path.format(code=code))
        assert resp.status_code == 200, (path, code)
        assert world.club.name in resp.get_data(as_text=True)
    assert client.get(path.format(code="c9")).status_code == 404


def test_the_facilitator_names_its_own_club_in_lower_case(world, login_as):
    client = login_as("facilitator")
    assert client.get("/benchmarks/club?club=c1").status_code == 200
    assert client.get("/benchmarks/club?club=c2").status_code == 403  # another club stays closed


def test_the_api_takes_a_club_code_in_any_case(world, client):
    admin = bearer(token_for(world.users["admin"], "read"))
    member = bearer(token_for(world.users["member_a"], "read"))
    for headers in (admin, member):
        upper = client.get("/api/v1/kpis?club=C1", headers=headers)
        lower = client.get("/api/v1/kpis?club=c1", headers=headers)
        assert upper.status_code == 200 and lower.status_code == 200
        assert lower.get_json() == upper.get_json()
    assert client.get("/api/v1/kpis?club=c2", headers=member).status_code == 404
