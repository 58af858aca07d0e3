"""In-app notifications: create (de-duplicated), list, mark read, send reminders by e-mail."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from ..audit import record
from ..errors import NotFoundError
from ..extensions import db
from ..models import Notification, User
from . import mailer, reminders
from .rules import Reminder, fresh


def notify(users: Iterable[User], *, kind: str, message: str, link: str, dedupe_key: str) -> list[Notification]:
    """Queue the same message for several users; a user who already had this key gets nothing."""
    return store([Reminder(u.id, kind, message, link, dedupe_key) for u in users if u.active])


def store(candidates: Iterable[Reminder]) -> list[Notification]:
    """Store the reminders nobody has received yet; returns the new notifications."""
    candidates = list(candidates)
    if not candidates:
        return []
    keys = {c.dedupe_key for c in candidates}
    sent = {tuple(row) for row in db.session.execute(
        sa.select(Notification.user_id, Notification.dedupe_key).where(Notification.dedupe_key.in_(keys)))}
    sent |= {(n.user_id, n.dedupe_key) for n in db.session.new if isinstance(n, Notification)}
    created = []
    for r in fresh(candidates, sent):
        note = Notification(user_id=r.user_id, kind=r.kind, message=r.message[:500], link=r.link[:300],
                            dedupe_key=r.dedupe_key[:200])
        db.session.add(note)
        created.append(note)
    db.session.flush()
    return created


def list_notifications(user: User, limit: int = 200) -> list[Notification]:
    """A user's notifications, unread first, newest first."""
    return list(db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)))


def unread_count(user: User) -> int:
    """How many notifications the user has not read yet."""
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def get_own_notification(user: User, notification_id: int) -> Notification:
    """The user's own notification; another user's is reported as not found."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFoundError("There is no such notification.")
    return note


def mark_read(notifications: Iterable[Notification], *, actor: User) -> int:
    """Mark notifications read (only the actor's own); returns how many changed."""
    now = datetime.now(UTC)
    changed = 0
    for note in notifications:
        if note.user_id == actor.id and note.read_at is None:
            note.read_at = now
            changed += 1
    if changed:
        record(actor, "update", "notification", None, summary=f"{changed} notification(s) marked read",
               new="read")
    db.session.flush()
    return changed


def mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read."""
    unread = db.session.scalars(sa.select(Notification).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None)))
    return mark_read(list(unread), actor=actor)


@dataclass
class SendResult:
    """What a reminders run did (or, dry, would do)."""

    created: list[Any] = field(default_factory=list)
    emailed_users: int = 0
    emailed_notifications: int = 0
    dry_run: bool = False


def send_reminders(today: date, *, mail: dict[str, Any] | None, dry_run: bool = False,
                   base_url: str = "") -> SendResult:
    """Collect every due reminder, store the new ones, and e-mail whatever was not e-mailed yet.

    `mail` holds the MAIL_* settings (None or no MAIL_SERVER: in-app only). A dry run changes
    nothing and sends nothing; it reports what a real run would create.
    """
    candidates = reminders.collect(today)
    if dry_run:
        keys = {c.dedupe_key for c in candidates}
        sent = {tuple(row) for row in db.session.execute(sa.select(Notification.user_id, Notification.dedupe_key)
                                                         .where(Notification.dedupe_key.in_(keys)))}
        return SendResult(created=fresh(candidates, sent), dry_run=True)
    result = SendResult(created=store(candidates))
    if mail and mail.get("MAIL_SERVER"):
        result.emailed_users, result.emailed_notifications = _email_pending(mail, base_url)
    return result


def _email_pending(mail: dict[str, Any], base_url: str) -> tuple[int, int]:
    """One digest e-mail per user for notifications never e-mailed; marks them e-mailed."""
    pending = db.session.scalars(sa.select(Notification).where(Notification.emailed_at.is_(None),
                                                               Notification.read_at.is_(None))
                                 .order_by(Notification.user_id, Notification.id))
    by_user: dict[int, list[Notification]] = {}
    for note in pending:
        by_user.setdefault(note.user_id, []).append(note)
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(by_user)))} if by_user else {}
    now = datetime.now(UTC)
    sent_users = sent_notes = 0
    with mailer.connect(mail) as smtp:
        for user_id, notes in by_user.items():
            user = users[user_id]
            if not user.active:
                continue
            smtp.send_message(mailer.digest(user.email, mail.get("MAIL_SENDER", "benchclub@localhost"), notes,
                                            base_url))
            for note in notes:
                note.emailed_at = now
            sent_users += 1
            sent_notes += len(notes)
            db.session.flush()  # each sent digest is remembered even if a later one fails
    return sent_users, sent_notes
