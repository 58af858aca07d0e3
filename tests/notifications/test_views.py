"""The notification list: private to each user, mark one or all read."""
import sqlalchemy as sa

from benchclub.models import Notification
from benchclub.notifications.services import notify


def _note(db, user, key="k1", link="/my/workshops"):
    note = notify([user], kind="workshop_invitation", message=f"Invitation {key}", link=link, dedupe_key=key)[0]
    db.session.commit()
    return note


def test_user_sees_own_notifications_only(login_as, world, db):
    _note(db, world.users["member_a"], "mine")
    _note(db, world.users["member_b"], "theirs")
    page = login_as("member_a").get("/notifications").get_data(as_text=True)
    assert "Invitation mine" in page and "Invitation theirs" not in page
    assert "1 unread" in page


def test_marking_read_and_following_the_link(login_as, world, db):
    note = _note(db, world.users["member_a"])
    resp = login_as("member_a").post(f"/notifications/{note.id}/read", data={"follow": "1"})
    assert resp.headers["Location"] == "/my/workshops"
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is not None


def test_another_users_notification_cannot_be_touched(login_as, world, db):
    note = _note(db, world.users["member_a"])
    assert login_as("member_b").post(f"/notifications/{note.id}/read").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is None


def test_mark_all_read(login_as, world, db):
    _note(db, world.users["member_a"], "one")
    _note(db, world.users["member_a"], "two")
    _note(db, world.users["member_b"], "three")
    login_as("member_a").post("/notifications/read-all")
    db.session.expire_all()
    unread = db.session.scalars(sa.select(Notification.dedupe_key).where(Notification.read_at.is_(None))).all()
    assert unread == ["three"]


def test_unread_notifications_show_on_the_home_page(login_as, world, db):
    _note(db, world.users["member_a"], "home")
    assert "Invitation home" in login_as("member_a").get("/").get_data(as_text=True)


def test_the_same_key_is_never_stored_twice_for_a_user(world, db):
    user = world.users["member_a"]
    assert len(notify([user], kind="x", message="m", link="", dedupe_key="same")) == 1
    assert notify([user], kind="x", message="m", link="", dedupe_key="same") == []
