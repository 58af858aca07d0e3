"""A facilitator plans a workshop from the suggestions; the host agrees; an invited member registers."""
from datetime import date, timedelta

from benchclub.extensions import db
from benchclub.models import Role
from tests.factories import PASSWORD, make_user
from tests.workshops.helpers import months, publish, suppliers

from .conftest import log_in, log_out


def _club_with_a_tail(world):
    firms = suppliers(world.club, 10)
    for month in months("2024-01", 6):
        publish(world.club, month, "otd_pct", {f: 80.0 + 2 * i for i, f in enumerate(firms)})
    make_user("host@s10.test", Role.MEMBER, firm=firms[9])
    make_user("tail@s01.test", Role.MEMBER, firm=firms[0])
    ids = {"host": firms[9].id, "tail": firms[0].id}
    _commit_and_release()
    return ids


def _commit_and_release():
    """Commit, then end the session's transaction so no read lock blocks the live server's writes."""
    db.session.commit()
    db.session.close()


def test_workshop_from_suggestion_to_registration(live_server, world, page, screenshot):
    ids = _club_with_a_tail(world)
    when = date.today() + timedelta(days=14)

    log_in(page, live_server, "fac@club.test", PASSWORD)
    page.goto(f"{live_server}/workshops")
    screenshot("workshops_index_empty")
    page.select_option("select[name=kpi]", "otd_pct")
    page.select_option("select[name=period]", "2024-06")
    page.click("button:has-text('Show suggestions')")
    page.wait_for_selector("text=Proposed hosts")
    assert page.locator("td:has-text('Supplier S10')").count() == 1
    screenshot("workshops_suggestions")

    page.click("text=Create a workshop from these suggestions")
    page.wait_for_selector("text=Pre-filled from the suggestions")
    assert page.locator("select[name=host_firm_id]").input_value() == str(ids["host"])
    assert page.locator(f"#inv-{ids['tail']}").is_checked()
    page.fill("input[name=held_on]", when.isoformat())
    page.fill("input[name=capacity]", "6")
    page.fill("textarea[name=agenda]", "Plant tour\nHow S10 plans deliveries\nQuestions")
    screenshot("workshops_new_from_suggestion")
    page.click("button:has-text('Plan workshop')")
    page.wait_for_url("**/workshops/*")
    assert "Workshop planned" in page.inner_text("main")
    screenshot("workshops_detail_facilitator")
    workshop_url = page.url
    log_out(page)

    log_in(page, live_server, "host@s10.test", PASSWORD)
    assert "asked to host" in page.inner_text("main")
    page.goto(workshop_url)
    page.click("button:has-text('Agree to host')")
    page.wait_for_selector("text=open for registration")
    assert "open for registration" in page.inner_text("main")
    log_out(page)

    log_in(page, live_server, "tail@s01.test", PASSWORD)
    assert "Best-in-class workshop: On-time delivery" in page.inner_text("main")  # home panel invitation
    screenshot("workshops_member_home")
    page.goto(f"{live_server}/my/workshops")
    screenshot("workshops_member_list")
    page.click("button:has-text('Register')")
    page.wait_for_selector("text=Your firm is registered.")
    body = page.inner_text("main")
    assert "Your firm is registered." in body and "1 of 6 taken" in body
    assert "Supplier S02" not in body  # other invitees are never named to a member
    screenshot("workshops_member_registered")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("workshops_member_registered_phone")
    assert page.console_errors == []


def test_held_workshop_shows_its_impact_chart(live_server, world, page, screenshot):
    from benchclub.workshops import actions, services
    from tests.workshops.helpers import agreed_workshop

    firms = suppliers(world.club, 10)
    host = world.firms["A"]
    w = agreed_workshop(world.club, host, held_on=date(2024, 3, 10), title="Delivery planning at Alpha")
    services.record_attendance(w, firms[:5], actor=None, today=date(2024, 3, 10))
    actions.add_action(firms[0], "Daily delivery board", date(2024, 4, 30), workshop=w, actor=None)
    publish(world.club, "2024-03", "otd_pct", {f: 80.0 + i for i, f in enumerate(firms)} | {host: 97.0})
    for month, gain, other_gain in (("2024-06", 6.0, 1.0), ("2024-09", 9.0, 2.0)):
        publish(world.club, month, "otd_pct", {f: 80.0 + i + (gain if i < 5 else other_gain)
                                               for i, f in enumerate(firms)} | {host: 97.5})
    make_user("att@s01.test", Role.MEMBER, firm=firms[0])
    workshop_id = w.id
    _commit_and_release()

    log_in(page, live_server, "fac@club.test", PASSWORD)
    page.goto(f"{live_server}/workshops/{workshop_id}")
    page.wait_for_selector("#impact-chart .main-svg")
    screenshot("workshops_impact_facilitator")
    log_out(page)
    log_in(page, live_server, "att@s01.test", PASSWORD)
    page.goto(f"{live_server}/workshops/{workshop_id}")
    page.wait_for_selector("#impact-chart .main-svg")
    body = page.inner_text("main")
    assert "5-9" in body and "Daily delivery board" in body
    screenshot("workshops_impact_member")
    assert page.console_errors == []
