"""Access cases for the facilitator's period screens (open, close, reopen), moved from the clubs feature.

A facilitator manages its own club's months: the other club's facilitator acts on its own club (where the
months of this club do not exist). The admin picks a club (a picker page without ?club=).
"""
from . import Case

CLUB_STAFF = {"facilitator": 200, "other_facilitator": 200, "admin": 200}

CASES = [
    Case("periods.list_periods", lambda w: "/club/periods", CLUB_STAFF),
    Case("periods.open_period", lambda w: "/club/periods/open?club=C1",
         {"facilitator": 302, "other_facilitator": 302, "admin": 302}, method="POST",
         data=lambda w: {"month": "2025-03"}, note="other facilitator opens its own club's month"),
    Case("periods.close_period", lambda w: "/club/periods/2025-01/close?club=C1",
         {"facilitator": 200, "other_facilitator": 302, "admin": 200}, method="POST",
         note="incomplete month: asks to confirm; other facilitator acts on its own club, where 2025-01 does not exist"),
    Case("periods.close_period", lambda w: "/club/periods/2025-01/close?club=C1",
         {"facilitator": 302, "other_facilitator": 302, "admin": 302}, method="POST",
         data=lambda w: {"confirm_missing": "2"}, note="confirmed with the count"),
    Case("periods.reopen_period", lambda w: "/club/periods/2025-01/reopen?club=C1",
         {"facilitator": 422, "other_facilitator": 422, "admin": 422}, method="POST",
         data=lambda w: {"reason": "late data"}, note="the period is still open"),
]
