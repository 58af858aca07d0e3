"""Access cases for notifications: every logged-in user has a list; a notification is private."""
from __future__ import annotations

from benchclub.extensions import db
from benchclub.notifications.services import notify

from . import Case

LOGGED_IN = ("member_a", "member_b", "gov_consented", "gov_no_consent", "gov_unlinked", "facilitator",
             "other_facilitator", "admin")


def _note_of_member_a(w) -> str:
    note = notify([w.users["member_a"]], kind="test", message="m", link="", dedupe_key="access")[0]
    db.session.commit()
    return f"/notifications/{note.id}/read"


CASES = [
    Case("notifications.index", lambda w: "/notifications", {r: 200 for r in LOGGED_IN}),
    Case("notifications.mark_read", _note_of_member_a, {"member_a": 302}, method="POST", default=404,
         note="another user's notification is not found"),
    Case("notifications.mark_all_read", lambda w: "/notifications/read-all", {r: 302 for r in LOGGED_IN},
         method="POST"),
]
