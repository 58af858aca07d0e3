"""Pure reminder rules: de-duplication and due dates."""
from datetime import date

from benchclub.notifications.rules import (
    Reminder,
    certificate_expiring,
    fresh,
    period_state,
    visit_due_on,
    visit_overdue,
)


def _r(user, key):
    return Reminder(user, "k", "message", "", key)


def test_a_reminder_already_sent_is_not_sent_again():
    assert fresh([_r(1, "a"), _r(2, "a")], already_sent={(1, "a")}) == [_r(2, "a")]


def test_the_same_reminder_twice_in_one_run_is_sent_once():
    assert fresh([_r(1, "a"), _r(1, "a"), _r(1, "b")], already_sent=set()) == [_r(1, "a"), _r(1, "b")]


def test_months_are_due_a_week_before_and_overdue_after_the_due_date():
    due = date(2025, 2, 15)
    assert period_state(due, date(2025, 2, 7)) is None
    assert period_state(due, date(2025, 2, 8)) == "due"
    assert period_state(due, date(2025, 2, 15)) == "due"
    assert period_state(due, date(2025, 2, 16)) == "overdue"


def test_certificates_are_expiring_within_ninety_days_until_they_expire():
    today = date(2025, 1, 1)
    assert certificate_expiring(date(2025, 3, 31), today)
    assert not certificate_expiring(date(2025, 4, 2), today)
    assert not certificate_expiring(date(2024, 12, 31), today)


def test_visits_are_overdue_after_their_cadence():
    assert visit_due_on("weekly", date(2025, 1, 1), date(2024, 1, 1)) == date(2025, 1, 8)
    assert visit_overdue("weekly", date(2025, 1, 1), date(2024, 1, 1), date(2025, 1, 8)) is None
    assert visit_overdue("weekly", date(2025, 1, 1), date(2024, 1, 1), date(2025, 1, 9)) == date(2025, 1, 8)
    assert visit_overdue("monthly", None, date(2025, 1, 1), date(2025, 2, 5)) == date(2025, 2, 1)
    assert visit_overdue(None, None, date(2020, 1, 1), date(2025, 1, 1)) is None
