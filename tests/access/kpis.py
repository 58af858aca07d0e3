"""Access cases for the kpis feature: monthly entry, measurements, history, import/export, completeness."""
from tests import factories

from . import Case

MEMBERS_OK = {"member_a": 200, "member_b": 200}
GOVERNORS_OK = {"gov_consented": 200, "gov_no_consent": 200, "gov_unlinked": 200}
CLUB_STAFF_OK = {"facilitator": 200, "other_facilitator": 200, "admin": 200}
EVERYONE_OK = {**MEMBERS_OK, **GOVERNORS_OK, **CLUB_STAFF_OK}
EVERYONE_REDIRECTED = {role: 302 for role in EVERYONE_OK}
MEASURE_URL = "/kpis/measurements?supplier=SUP-A&month=2025-01"

CASES = [
    Case("kpis.entry_index", lambda w: "/kpis/", MEMBERS_OK),
    Case("kpis.entry", lambda w: "/kpis/month/2025-01", MEMBERS_OK),
    Case("kpis.entry", lambda w: "/kpis/month/2031-01", {"member_a": 404, "member_b": 404}, note="unopened month"),
    Case("kpis.entry", lambda w: "/kpis/month/2025-13", {"member_a": 404, "member_b": 404}, note="malformed month"),
    Case("kpis.save_entry", lambda w: "/kpis/month/2025-01", {"member_a": 302, "member_b": 302}, method="POST",
         data=lambda w: {}, note="nothing entered saves nothing"),
    Case("kpis.value_history", lambda w: f"/kpis/values/{factories.kpi_value_of(w).id}/history",
         {"member_a": 200, "facilitator": 200, "admin": 200}, default=404, note="self-reported value of A"),
    Case("kpis.value_history", lambda w: f"/kpis/values/{factories.kpi_value_of(w, source='G1').id}/history",
         {"gov_consented": 200, "facilitator": 200, "admin": 200}, default=404, note="G1 measurement of A"),
    Case("kpis.governor_entry", lambda w: "/kpis/measurements", {**GOVERNORS_OK, "admin": 200},
         note="admin: governor picker"),
    Case("kpis.governor_entry", lambda w: MEASURE_URL, {**GOVERNORS_OK, "admin": 200},
         note="linked supplier chosen; admin: governor picker"),
    Case("kpis.governor_entry", lambda w: "/kpis/measurements?governor=GOV-1&supplier=SUP-A",
         {**GOVERNORS_OK, "admin": 200}, note="admin reads GOV-1's measurements of A"),
    Case("kpis.save_measurements", lambda w: "/kpis/measurements?governor=GOV-1&supplier=SUP-A&month=2025-02",
         {"gov_consented": 302, "gov_no_consent": 302, "gov_unlinked": 404}, method="POST",
         data=lambda w: {"value-otd_pct": "97"}, note="the admin's POST is refused (403)"),
    Case("kpis.save_measurements", lambda w: MEASURE_URL, {"gov_consented": 302, "gov_no_consent": 302,
                                                           "gov_unlinked": 404}, method="POST", data=lambda w: {}),
    Case("kpis.completeness", lambda w: "/kpis/completeness", CLUB_STAFF_OK),
    Case("kpis.completeness", lambda w: "/kpis/completeness?club=C1", CLUB_STAFF_OK, note="admin picks a club"),
    Case("kpis.import_upload", lambda w: "/kpis/import", EVERYONE_OK),
    Case("kpis.import_upload", lambda w: "/kpis/import", {r: 422 for r in EVERYONE_OK}, method="POST",
         data=lambda w: {}, note="no file"),
    Case("kpis.import_commit", lambda w: "/kpis/import/" + "x" * 32, EVERYONE_REDIRECTED, method="POST",
         data=lambda w: {}, note="unknown upload"),
    Case("kpis.export_csv", lambda w: "/kpis/export.csv", EVERYONE_OK),
    Case("kpis.desk_queue", lambda w: "/kpis/desk", CLUB_STAFF_OK),
    Case("kpis.desk_queue", lambda w: "/kpis/desk?club=C1", CLUB_STAFF_OK, note="admin picks a club"),
    Case("kpis.desk_decide", lambda w: "/kpis/desk/decide?club=C1", {"facilitator": 302, "other_facilitator": 302,
                                                                     "admin": 302}, method="POST", data=lambda w: {},
         note="nothing to decide"),
    Case("kpis.member_queries", lambda w: "/kpis/queries", MEMBERS_OK),
    Case("kpis.answer_query", lambda w: "/kpis/queries/999999/answer", {"member_a": 302, "member_b": 302},
         method="POST", data=lambda w: {"answer": "x"}, note="unknown query"),
    Case("kpis.remind_missing", lambda w: "/kpis/completeness/remind?club=C1",
         {"facilitator": 302, "other_facilitator": 404, "admin": 302}, method="POST",
         data=lambda w: {"month": "2025-01"}),
    Case("kpis.firm_month", lambda w: "/kpis/firms/SUP-A/2025-01?club=C1",
         {"facilitator": 200, "other_facilitator": 404, "admin": 200}),
    Case("kpis.download_template", lambda w: "/kpis/template.csv", EVERYONE_OK),
]
