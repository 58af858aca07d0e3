"""Login, logout, sessions, rate limits and invitations."""
import time
from datetime import timedelta

from benchclub.auth.services import create_user, find_invited_user
from benchclub.models import Role, User

from .factories import PASSWORD


def test_login_with_right_password_reaches_home(client, world):
    resp = client.post("/login", data={"email": "a@alpha.test", "password": PASSWORD})
    assert resp.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert b"Alpha Castings" in home.data


def test_login_with_wrong_password_is_refused(client, world):
    resp = client.post("/login", data={"email": "a@alpha.test", "password": "nope-nope-nope"})
    assert resp.status_code == 401
    assert b"Wrong e-mail or password" in resp.data
    assert client.get("/").status_code == 302


def test_inactive_user_cannot_log_in(client, world, db):
    world.users["member_a"].active = False
    db.session.commit()
    resp = client.post("/login", data={"email": "a@alpha.test", "password": PASSWORD})
    assert resp.status_code == 401


def test_logout_is_post_only_and_ends_the_session(login_as, client):
    login_as("member_a")
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_open_redirect_after_login_is_refused(client, world):
    resp = client.post("/login?next=//evil.example/x", data={"email": "a@alpha.test", "password": PASSWORD})
    assert resp.headers["Location"] == "/"


def test_invitation_sets_password_once(client, world, db):
    user, token = create_user("new@alpha.test", Role.MEMBER, firm=world.firms["A"])
    db.session.commit()
    assert token and user.password_hash is None
    page = client.get(f"/invite/{token}")
    assert page.status_code == 200 and b"new@alpha.test" in page.data
    resp = client.post(f"/invite/{token}", data={"name": "New", "password": "a-long-password", "confirm": "a-long-password"})
    assert resp.status_code == 302
    assert client.get(f"/invite/{token}").status_code == 404
    assert client.post("/login", data={"email": "new@alpha.test", "password": "a-long-password"}).status_code == 302


def test_invitation_token_is_stored_hashed(world, db):
    user, token = create_user("hash@alpha.test", Role.MEMBER, firm=world.firms["A"])
    assert token not in (user.invite_token_hash or "")
    assert find_invited_user(token).id == user.id


def test_password_is_hashed(world):
    user = world.users["member_a"]
    assert PASSWORD not in user.password_hash
    assert isinstance(user, User) and user.check_password(PASSWORD)


def test_login_attempts_are_rate_limited(app, client, world):
    app.config["LOGIN_RATE_LIMIT"] = "3 per 1 minute"
    try:
        for _ in range(3):
            resp = client.post("/login", data={"email": "a@alpha.test", "password": "wrong-wrong-wrong"})
            assert resp.status_code == 401
        blocked = client.post("/login", data={"email": "a@alpha.test", "password": PASSWORD})
        assert blocked.status_code == 429
        assert b"Too many attempts" in blocked.data
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"


def test_sessions_expire_after_their_lifetime(app, login_as, client):
    login_as("member_a")
    assert client.get("/").status_code == 200
    original = app.permanent_session_lifetime
    app.permanent_session_lifetime = timedelta(seconds=1)
    try:
        time.sleep(2.1)
        resp = client.get("/")
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    finally:
        app.permanent_session_lifetime = original


def test_forms_without_a_csrf_token_are_refused(app, client, world):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        resp = client.post("/login", data={"email": "a@alpha.test", "password": PASSWORD})
        assert resp.status_code == 400
        assert client.get("/").status_code == 302  # not logged in
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
