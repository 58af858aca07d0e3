"""Access cases for the benchmarks feature (pages, downloads, comparators)."""
from benchclub.benchmarks.services import load_illustrative_comparator
from benchclub.extensions import db

from . import Case

MEMBERS = {"member_a": 200, "member_b": 200}
GOVERNORS = {"gov_consented": 200, "gov_no_consent": 200, "gov_unlinked": 200}
FACILITATORS = {"facilitator": 200, "admin": 200}


def _comparator_id(world) -> int:
    comparator = load_illustrative_comparator(world.club)
    db.session.commit()
    return comparator.id


CASES = [
    Case("benchmarks.member_dashboard", lambda w: "/benchmarks/", MEMBERS),
    Case("benchmarks.member_kpi", lambda w: "/benchmarks/kpi/otd_pct", MEMBERS),
    Case("benchmarks.member_certificates", lambda w: "/benchmarks/certificates", MEMBERS),
    Case("benchmarks.download", lambda w: "/benchmarks/download.csv", {**MEMBERS, **GOVERNORS, "admin": 200},
         note="admin: governor picker"),
    Case("benchmarks.download", lambda w: "/benchmarks/download.json?governor=GOV-1",
         {**MEMBERS, **GOVERNORS, "admin": 200}, note="json; admin: GOV-1's file"),
    Case("benchmarks.governor_view", lambda w: "/benchmarks/governor", {**GOVERNORS, "admin": 200},
         note="admin: governor picker"),
    Case("benchmarks.governor_view", lambda w: "/benchmarks/governor?governor=GOV-1", {**GOVERNORS, "admin": 200},
         note="admin reads GOV-1's page"),
    Case("benchmarks.club_view", lambda w: "/benchmarks/club?club=C1", FACILITATORS),
    Case("benchmarks.club_view", lambda w: "/benchmarks/club", {**FACILITATORS, "other_facilitator": 200},
         note="own club"),
    Case("benchmarks.club_kpi", lambda w: "/benchmarks/club/kpi/otd_pct?club=C1", FACILITATORS),
    Case("benchmarks.comparators", lambda w: "/benchmarks/comparators?club=C1", FACILITATORS),
    Case("benchmarks.import_comparators", lambda w: "/benchmarks/comparators/import?club=C1",
         {"facilitator": 422, "admin": 422}, method="POST", data=lambda w: {}, note="no file"),
    Case("benchmarks.load_illustrative", lambda w: "/benchmarks/comparators/illustrative?club=C1",
         {"facilitator": 302, "admin": 302}, method="POST", data=lambda w: {}),
    Case("benchmarks.edit_comparator", lambda w: f"/benchmarks/comparators/{_comparator_id(w)}?club=C1", FACILITATORS),
    Case("benchmarks.edit_comparator", lambda w: f"/benchmarks/comparators/{_comparator_id(w)}?club=C1",
         {"facilitator": 302, "admin": 302}, method="POST", data=lambda w: {}, note="empty form"),
    Case("benchmarks.delete_comparator", lambda w: f"/benchmarks/comparators/{_comparator_id(w)}/delete?club=C1",
         {"facilitator": 302, "admin": 302}, method="POST", data=lambda w: {}),
]
