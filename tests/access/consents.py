"""Access cases for consent: only a supplier's own members decide; unlinked governors are not found."""
from . import Case

CASES = [
    Case("consents.index", lambda w: "/consents", {"member_a": 200, "member_b": 200}),
    Case("consents.grant", lambda w: f"/consents/{w.firms['G2'].id}", {"member_a": 302, "member_b": 404},
         method="POST", data=lambda w: {"scope": "all"}, note="B is not linked to G2"),
    Case("consents.revoke", lambda w: f"/consents/{w.firms['G1'].id}/revoke", {"member_a": 302, "member_b": 404},
         method="POST"),
]
