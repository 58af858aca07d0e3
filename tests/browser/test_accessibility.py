"""Every page a crawler reaches from each role's home page passes axe-core without serious or critical violations."""
import pytest

from benchclub.demo import DEMO_LOGINS, build_demo_club
from benchclub.extensions import db

from .a11y import crawl
from .conftest import log_in


@pytest.fixture()
def demo_site(live_server, app):
    build_demo_club()
    db.session.commit()
    db.session.close()  # hand the database to the live server's thread
    return live_server


@pytest.mark.parametrize("role", ["member", "governor", "facilitator", "admin"])
def test_every_page_a_role_reaches_passes_axe(demo_site, page, role):
    log_in(page, demo_site, DEMO_LOGINS["users"][role], DEMO_LOGINS["password"])
    results = crawl(page, demo_site, "/", limit=45)
    assert len(results) >= 8, f"the crawler reached only {list(results)}"
    print(f"axe: {role} crawled {len(results)} pages")
    failures = {url: v for url, v in results.items() if v}
    assert failures == {}, "\n".join(f"{url}\n  " + "\n  ".join(v) for url, v in failures.items())
