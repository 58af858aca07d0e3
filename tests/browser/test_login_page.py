"""The login page works in a real browser and the home page renders without script errors."""
from tests.factories import PASSWORD

from .conftest import log_in


def test_member_logs_in_and_sees_home(live_server, world, page, screenshot):
    page.goto(f"{live_server}/login")
    assert page.locator("h1").inner_text() == "Log in to BenchClub"
    screenshot("login")
    log_in(page, live_server, "a@alpha.test", PASSWORD)
    assert "Alpha Castings" in page.locator("h1").inner_text()
    screenshot("member_home")
    assert page.console_errors == []
