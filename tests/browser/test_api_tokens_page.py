"""The API token page in a real browser: reached from the Account menu, a token shown once, then revoked."""
import urllib.request

from tests.factories import PASSWORD

from .conftest import log_in


def _status(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (127.0.0.1 test server)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_member_creates_uses_and_revokes_a_token(live_server, world, page, screenshot):
    log_in(page, live_server, "a@alpha.test", PASSWORD)
    page.click("nav >> text=Account")
    page.click("nav >> text=API tokens")
    page.fill("input[name=name]", "ERP monthly push")
    page.select_option("select[name=scope]", "read-write")
    page.click("button:has-text('Create token')")
    secret = page.locator("#new-token").inner_text().strip()
    assert secret.startswith("bc_")
    screenshot("api_tokens_created")
    assert _status(f"{live_server}/api/v1/kpis", secret) == 200
    page.goto(f"{live_server}/account/api-tokens/")
    assert secret not in page.content() and "ERP monthly push" in page.content()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Revoke')")
    page.wait_for_selector("text=revoked")
    assert _status(f"{live_server}/api/v1/kpis", secret) == 401
    assert page.console_errors == []


def test_reference_page_renders_without_script_errors(live_server, world, page, screenshot):
    page.goto(f"{live_server}/api/v1/docs")
    assert "BenchClub API" in page.locator("h1").inner_text()
    assert page.locator("section[id^=op-]").count() == 14
    screenshot("api_reference")
    assert page.console_errors == []
