"""Access cases for the facilitator's club pages (clubs, firms, links, KPIs, users, thresholds, audit).

A facilitator manages its own club: the other club's facilitator gets its own club's page on list
URLs and 403 on this club's records. The admin picks a club (a picker page without ?club=).
"""
from . import Case

CLUB_STAFF = {"facilitator": 200, "other_facilitator": 200, "admin": 200}
THIS_CLUB = {"facilitator": 200, "other_facilitator": 403, "admin": 200}


def _kpi_id(w) -> int:
    from benchclub.catalogue import list_kpis

    return list_kpis(w.club)[0].id


NEW_FIRM = {"code": "SUP-N", "name": "New Forge", "kind": "supplier", "country": "ZA", "sector": "Forging",
            "employees": "12"}
NEW_KPI = {"code": "energy_kwh", "name": "Energy", "unit": "kWh per part", "direction": "lower",
           "hard_min": "0", "hard_max": "100", "soft_min": "0", "soft_max": "50"}

CASES = [
    Case("clubs.clubs", lambda w: "/clubs", {"admin": 200}),
    Case("clubs.clubs", lambda w: "/clubs", {"admin": 302}, method="POST",
         data=lambda w: {"code": "C9", "name": "New club"}, note="create"),
    Case("clubs.firms", lambda w: "/club/firms", CLUB_STAFF, note="admin sees the picker"),
    Case("clubs.new_firm", lambda w: "/club/firms/new", CLUB_STAFF),
    Case("clubs.new_firm", lambda w: "/club/firms/new?club=C1", {"facilitator": 302, "other_facilitator": 302,
                                                                 "admin": 302},
         method="POST", data=lambda w: NEW_FIRM, note="other facilitator adds to its own club"),
    Case("clubs.edit_firm", lambda w: f"/club/firms/{w.firms['A'].id}/edit", THIS_CLUB),
    Case("clubs.edit_firm", lambda w: f"/club/firms/{w.firms['A'].id}/edit",
         {"facilitator": 302, "other_facilitator": 403, "admin": 302}, method="POST",
         data=lambda w: {"name": "Alpha Castings Ltd", "country": "ZA", "sector": "Castings", "employees": "46",
                         "active": "y"}, note="save"),
    Case("clubs.links", lambda w: "/club/links", CLUB_STAFF),
    Case("clubs.links", lambda w: "/club/links?club=C1",
         {"facilitator": 302, "other_facilitator": 422, "admin": 302}, method="POST",
         data=lambda w: {"governor": w.firms["G3"].id, "supplier": w.firms["B"].id, "tier": 2},
         note="C1 firms are no choice in C2"),
    Case("clubs.kpis", lambda w: "/club/kpis", CLUB_STAFF),
    Case("clubs.new_kpi", lambda w: "/club/kpis/new", CLUB_STAFF),
    Case("clubs.new_kpi", lambda w: "/club/kpis/new?club=C1", {"facilitator": 302, "other_facilitator": 302,
                                                               "admin": 302}, method="POST", data=lambda w: NEW_KPI,
         note="save"),
    Case("clubs.edit_kpi", lambda w: f"/club/kpis/{_kpi_id(w)}/edit", THIS_CLUB),
    Case("clubs.edit_kpi", lambda w: f"/club/kpis/{_kpi_id(w)}/edit",
         {"facilitator": 422, "admin": 422}, method="POST", data=lambda w: {}, note="empty form"),
    Case("clubs.users", lambda w: "/club/users", CLUB_STAFF),
    Case("clubs.users", lambda w: "/club/users?club=C1",
         {"facilitator": 200, "other_facilitator": 422, "admin": 200}, method="POST",
         data=lambda w: {"email": "new@alpha.test", "role": "member", "firm": w.firms["A"].id},
         note="invite shows the link; firm A is no choice in C2"),
    Case("clubs.deactivate_user", lambda w: f"/club/users/{w.users['member_b'].id}/deactivate",
         {"facilitator": 302, "other_facilitator": 403, "admin": 302}, method="POST"),
    Case("clubs.reactivate_user", lambda w: f"/club/users/{w.users['member_b'].id}/reactivate",
         {"facilitator": 302, "other_facilitator": 403, "admin": 302}, method="POST"),
    # member_b has a password: the reset link is mailed to them and the facilitator is sent back (issue 10).
    Case("clubs.reinvite_user", lambda w: f"/club/users/{w.users['member_b'].id}/invite",
         {"facilitator": 302, "other_facilitator": 403, "admin": 302}, method="POST"),
    Case("clubs.disclosure_thresholds", lambda w: "/club/disclosure?club=C1",
         {"facilitator": 200, "other_facilitator": 200, "admin": 200}),
    Case("clubs.disclosure_thresholds", lambda w: "/club/disclosure?club=C1",
         {"facilitator": 422, "other_facilitator": 422, "admin": 422}, method="POST",
         data=lambda w: {"min_firms": "4", "min_firms_tails": "10", "exact_n_from": "20"}, note="below the default"),
    Case("clubs.audit", lambda w: "/club/audit", CLUB_STAFF),
]
