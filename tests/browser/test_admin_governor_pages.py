"""Issue 13 item 5: the admin's read-only governor pages and the report page pass axe-core at desktop and
phone width; the admin's pages hold no form that changes anything."""
import pytest

from benchclub.demo import DEMO_LOGINS, build_demo_club
from benchclub.extensions import db

from .a11y import serious_violations
from .conftest import log_in

ADMIN_PAGES = ["/ladder/visits", "/ladder/?governor=GOV-KAW", "/ladder/visits?governor=GOV-KAW",
               "/ladder/targets?governor=GOV-KAW", "/ladder/settings?governor=GOV-KAW",
               "/benchmarks/governor?governor=GOV-KAW", "/kpis/measurements?governor=GOV-KAW"]


@pytest.fixture()
def demo_site(live_server, app):
    build_demo_club()
    db.session.commit()
    db.session.close()
    return live_server


@pytest.mark.parametrize("width", [1280, 390])
def test_admin_read_only_governor_pages_and_the_report_pass_axe(demo_site, page, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, demo_site, DEMO_LOGINS["users"]["admin"], DEMO_LOGINS["password"])
    failures = {}
    for url in ADMIN_PAGES + ["/reports/club/2026?club=AUTO"]:
        page.goto(demo_site + url)
        assert page.locator("h1").count() == 1, url
        if "governor=" in url:
            assert page.locator("[data-read-only]").count() == 1, url
            assert page.locator("main form[method=post]:not([action='/logout'])").count() == 0, url
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
        failures[url] = serious_violations(page)
        screenshot(f"admin-{url.strip('/').replace('/', '-').replace('?', '-').replace('=', '-') or 'home'}-{width}")
    failures = {url: v for url, v in failures.items() if v}
    assert failures == {}, "\n".join(f"{url}\n  " + "\n  ".join(v) for url, v in failures.items())
