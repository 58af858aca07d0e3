"""Access cases for reports: the club report for the facilitator, a member's own report for members."""
from . import Case

FACILITATOR = {"facilitator": 200, "admin": 200}
MEMBERS = {"member_a": 200, "member_b": 200}

CASES = [
    Case("reports.index", lambda w: "/reports/", {**FACILITATOR, **MEMBERS, "other_facilitator": 200},
         note="each sees its own club or firm"),
    Case("reports.club_report", lambda w: "/reports/club/2025-Q1?club=C1",
         {**FACILITATOR, "other_facilitator": 200}, note="other facilitator gets its own club"),
    Case("reports.club_report_pdf", lambda w: "/reports/club/2025-Q1.pdf?club=C1",
         {**FACILITATOR, "other_facilitator": 200}),
    Case("reports.member_report", lambda w: "/reports/mine/2025-Q1", MEMBERS),
    Case("reports.member_report_pdf", lambda w: "/reports/mine/2025-Q1.pdf", MEMBERS),
]
