"""The facilitator's and member's set-up pages in a real browser, with screenshots to look at."""
from datetime import date, timedelta

from tests.factories import PASSWORD, make_certificate

from .conftest import log_in


def test_facilitator_invites_a_user_and_runs_periods(live_server, world, page, screenshot, db):
    log_in(page, live_server, "fac@club.test", PASSWORD)
    page.goto(f"{live_server}/club/firms")
    assert page.locator("h1").inner_text() == "Firms"
    screenshot("facilitator_firms")
    page.goto(f"{live_server}/club/links")
    screenshot("facilitator_links")

    page.goto(f"{live_server}/club/users")
    page.fill("input[name=email]", "nia@beta.test")
    page.fill("input[name=name]", "Nia Botha")
    page.select_option("select[name=role]", "member")
    page.select_option("select[name=firm]", label="SUP-B · Beta Plastics (supplier)")
    page.click("text=Create invitation")
    link = page.locator("#invite-link").input_value()
    assert "/invite/" in link
    screenshot("facilitator_invited")
    page.goto(f"{live_server}/club/users")
    assert "invited" in page.locator("tr", has_text="nia@beta.test").inner_text()
    screenshot("facilitator_users")

    page.goto(f"{live_server}/club/periods")
    page.click("text=Open for entry")
    assert "2025-03 is open for entry" in page.locator(".alert-success").inner_text()
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("tr", has_text="January 2025").locator("text=Close and publish").click()
    assert "firms</strong> have not reported" in page.content() or page.locator("[data-close-missing]").count()
    page.locator("button:has-text('firms missing')").click()  # closing an incomplete month asks first, with the count
    page.wait_for_selector(".alert")
    row = page.locator("tr", has_text="January 2025")
    row.locator("input[name=reason]").fill("SUP-B sent corrected scrap figures")
    row.locator("text=Reopen").click()
    assert "open again" in page.locator(".alert-success").inner_text()
    page.locator("tr", has_text="February 2025").locator("text=Close and publish").click()
    page.locator("button:has-text('firms missing')").click()
    page.wait_for_selector(".alert-success")
    screenshot("facilitator_periods")

    page.goto(f"{live_server}/club/kpis")
    screenshot("facilitator_kpis")
    page.goto(f"{live_server}/club/audit")
    assert "SUP-B sent corrected scrap figures" in page.content()
    screenshot("facilitator_audit")
    make_certificate(world.firms["A"], number="Q-SOON", expires=date.today() + timedelta(days=40))
    db.session.commit()
    page.goto(f"{live_server}/club/certificates")
    screenshot("facilitator_expiring_certificates")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/club/users")
    screenshot("facilitator_users_phone")
    assert page.console_errors == []


def test_member_adds_a_certificate_and_manages_consent(live_server, world, page, screenshot):
    log_in(page, live_server, "a@alpha.test", PASSWORD)
    page.goto(f"{live_server}/certificates")
    screenshot("member_certificates_empty")
    page.click("text=Add a certificate")
    page.select_option("select[name=standard]", "IATF 16949")
    page.fill("input[name=number]", "IATF-0042")
    page.fill("input[name=body]", "TÜV SÜD")
    page.fill("input[name=issued_on]", "2023-05-01")
    page.fill("input[name=expires_on]", (date.today() + timedelta(days=45)).isoformat())
    page.click("text=Save certificate")
    assert "IATF-0042" in page.locator("table").inner_text()
    screenshot("member_certificates")

    page.goto(f"{live_server}/consents")
    card = page.locator(".card", has_text="Delta Electric")
    card.locator("input[value=chosen]").check()
    card.locator("label", has_text="On-time delivery").click()
    card.locator("text=Give access").click()
    assert "Delta Electric can now see" in page.locator(".alert-success").inner_text()
    screenshot("member_consents")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/certificates")
    screenshot("member_certificates_phone")
    assert page.console_errors == []


def test_admin_picks_a_club(live_server, world, page, screenshot):
    log_in(page, live_server, "admin@benchclub.test", PASSWORD)
    page.goto(f"{live_server}/clubs")
    screenshot("admin_clubs")
    page.goto(f"{live_server}/club/periods")
    page.click("text=Auto Components Club")
    assert page.locator("h1").inner_text() == "Periods"
    assert page.console_errors == []
