"""Issue 10 findings on accounts: redirects, sessions, enumeration, password rules, resets."""
from __future__ import annotations

import re
import time

import pytest

from benchclub.auth import services
from benchclub.errors import DomainError
from benchclub.notifications.mailer import outbox

from ..factories import PASSWORD


def _login(client, email="a@alpha.test", password=PASSWORD, next_=None):
    url = "/login" if next_ is None else "/login?next=" + next_
    return client.post(url, data={"email": email, "password": password})


@pytest.mark.parametrize("next_", ["/%09/evil.example", "/%0a/evil.example", "/%0d%0a/evil.example",
                                   "/%5Cevil.example", "/\\evil.example", "https://evil.example", "//evil.example"])
def test_login_never_redirects_off_site(client, world, next_):
    resp = _login(client, next_=next_)
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"


def test_login_keeps_a_plain_next_path(client, world):
    resp = _login(client, next_="/benchmarks?x=1")
    assert resp.headers["Location"] == "/benchmarks?x=1"


def _session_cookie(client):
    return client.get_cookie("session").value


def test_a_cookie_copied_before_logout_no_longer_works(client, world):
    _login(client)
    stolen = _session_cookie(client)
    assert client.get("/").status_code == 200
    client.post("/logout")
    client.set_cookie("session", stolen)
    resp = client.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_a_password_change_ends_other_sessions(app, client, world, db):
    _login(client)
    assert client.get("/").status_code == 200
    other = app.test_client()
    other.post("/forgot-password", data={"email": "a@alpha.test"})
    link = re.search(r"http\S+/invite/(\S+)", outbox(app)[-1].get_content()).group(1)
    resp = other.post(f"/invite/{link}", data={"password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert resp.status_code == 302
    old = client.get("/")
    assert old.status_code == 302 and "/login" in old.headers["Location"]


def test_unknown_email_costs_a_password_hash_like_a_wrong_password(app, client, world, monkeypatch):
    calls = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    assert _login(client, email="nobody@nowhere.test", password="whatever-whatever").status_code == 401
    assert len(calls) == 1


def test_login_time_does_not_reveal_whether_the_email_exists(app, client, world, db):
    method = "pbkdf2:sha256:200000"
    app.config["PASSWORD_HASH_METHOD"] = method
    try:
        world.users["member_a"].set_password(PASSWORD, method)
        db.session.commit()

        def timed(email):
            start = time.perf_counter()
            for _ in range(3):
                assert _login(client, email=email, password="wrong-wrong-wrong").status_code == 401
            return time.perf_counter() - start

        timed("nobody@nowhere.test")  # warm the dummy hash
        known, unknown = timed("a@alpha.test"), timed("nobody@nowhere.test")
        assert unknown > known / 3, (known, unknown)
    finally:
        app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"


@pytest.mark.parametrize("password", ["short-pass1", "12345678901", "qwerty123456", "1q2w3e4r5t6y"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(DomainError):
        services.validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    services.validate_password("plum tractor lantern")


def test_common_password_list_ships_with_the_code():
    assert len(services.common_passwords()) >= 9000
    assert "qwerty123456" in services.common_passwords()


def test_facilitator_cannot_see_a_reset_link_for_an_active_account(app, client, world, login_as):
    login_as("facilitator")
    member = world.users["member_a"]
    before = len(outbox(app))
    resp = client.post(f"/club/users/{member.id}/invite", follow_redirects=True)
    assert resp.status_code == 200
    assert b"/invite/" not in resp.data
    assert len(outbox(app)) == before + 1
    mail = outbox(app)[-1]
    assert mail["To"] == member.email and "/invite/" in mail.get_content()


def test_facilitator_still_sees_the_invitation_of_a_new_user(client, world, login_as):
    login_as("facilitator")
    resp = client.post("/club/users", data={"email": "fresh@alpha.test", "role": "member",
                                            "firm": world.firms["A"].id, "name": "Fresh"})
    assert resp.status_code == 200 and b"/invite/" in resp.data


def test_forgot_password_answers_the_same_for_unknown_and_known_emails(app, client, world):
    before = len(outbox(app))
    unknown = client.post("/forgot-password", data={"email": "nobody@nowhere.test"}, follow_redirects=True)
    assert len(outbox(app)) == before
    known = client.post("/forgot-password", data={"email": "a@alpha.test"}, follow_redirects=True)
    assert len(outbox(app)) == before + 1
    assert unknown.status_code == known.status_code == 200
    assert b"on its way" in unknown.data and b"on its way" in known.data


def test_the_mailed_reset_link_sets_a_new_password(app, client, world):
    client.post("/forgot-password", data={"email": "a@alpha.test"})
    token = re.search(r"/invite/(\S+)", outbox(app)[-1].get_content()).group(1)
    resp = client.post(f"/invite/{token}", data={"password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert resp.status_code == 302
    assert _login(client, password=PASSWORD).status_code == 401
    assert _login(client, password="a brand new passphrase").status_code == 302
