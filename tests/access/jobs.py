"""Access cases for background jobs: everyone logged in has a jobs page; starting jobs is per role."""
from . import Case

LOGGED_IN = {r: 200 for r in ("member_a", "member_b", "gov_consented", "gov_no_consent", "gov_unlinked",
                              "facilitator", "other_facilitator", "admin")}

CASES = [
    Case("jobs.index", lambda w: "/jobs/", LOGGED_IN),
    Case("jobs.show", lambda w: "/jobs/999999", {r: 404 for r in LOGGED_IN}, note="unknown job"),
    Case("jobs.download", lambda w: "/jobs/999999/download", {r: 404 for r in LOGGED_IN}, note="unknown job"),
    Case("jobs.close_periods", lambda w: "/jobs/close-periods", {"admin": 302}, method="POST",
         data=lambda w: {"month": "2025-01"}),
    Case("jobs.reminders", lambda w: "/jobs/reminders", {"admin": 302}, method="POST"),
    Case("jobs.report", lambda w: "/jobs/report?club=C1", {"member_a": 404, "member_b": 404, "facilitator": 404,
                                                           "other_facilitator": 404, "admin": 404},
         method="POST", data=lambda w: {"period": "not-a-period"}, note="a bad period is refused before any work"),
]
