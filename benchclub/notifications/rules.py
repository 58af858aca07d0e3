"""Pure reminder rules: which reminders are due, and de-duplication (never the same one twice)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

#: Months are "due" this many days before their due date; certificates "expiring" within 90 days.
DUE_SOON_DAYS = 7
CERT_EXPIRING_DAYS = 90
CADENCE_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 31}


@dataclass(frozen=True)
class Reminder:
    """One message for one user; `dedupe_key` identifies the reminder across runs."""

    user_id: int
    kind: str
    message: str
    link: str
    dedupe_key: str


def fresh(reminders: Iterable[Reminder], already_sent: set[tuple[int, str]]) -> list[Reminder]:
    """The reminders not sent before, each (user, key) once, in their original order."""
    seen = set(already_sent)
    result = []
    for reminder in reminders:
        key = (reminder.user_id, reminder.dedupe_key)
        if key in seen:
            continue
        seen.add(key)
        result.append(reminder)
    return result


def period_state(due_on: date, today: date) -> str | None:
    """'overdue' after the due date, 'due' within DUE_SOON_DAYS before it, else None."""
    if today > due_on:
        return "overdue"
    if today >= due_on - timedelta(days=DUE_SOON_DAYS):
        return "due"
    return None


def certificate_expiring(expires_on: date, today: date) -> bool:
    """Expiring: not yet expired and at most 90 days to go (DOMAIN §3)."""
    return today <= expires_on <= today + timedelta(days=CERT_EXPIRING_DAYS)


def visit_due_on(cadence: str, last_visit: date | None, linked_on: date) -> date:
    """The date the next visit is due: cadence days after the last visit (or after linking)."""
    return (last_visit or linked_on) + timedelta(days=CADENCE_DAYS[cadence])


def visit_overdue(cadence: str | None, last_visit: date | None, linked_on: date, today: date) -> date | None:
    """The missed due date when a visit is overdue, else None (no cadence: never overdue)."""
    if not cadence:
        return None
    due = visit_due_on(cadence, last_visit, linked_on)
    return due if today > due else None
