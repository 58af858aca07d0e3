"""Access cases for certificates: members manage their own firm's; the facilitator watches expiry."""
from tests.factories import certificate_of

from . import Case

MEMBERS = {"member_a": 200, "member_b": 200}
CERT = {"standard": "IATF 16949", "number": "IATF-7", "body": "TUV", "issued_on": "2024-05-01",
        "expires_on": "2027-04-30"}

CASES = [
    Case("certifications.index", lambda w: "/certificates", MEMBERS),
    Case("certifications.new", lambda w: "/certificates/new", MEMBERS),
    Case("certifications.new", lambda w: "/certificates/new", {"member_a": 302, "member_b": 302}, method="POST",
         data=lambda w: CERT, note="save"),
    Case("certifications.edit", lambda w: f"/certificates/{certificate_of(w).id}/edit", {"member_a": 200}),
    Case("certifications.edit", lambda w: f"/certificates/{certificate_of(w).id}/edit", {"member_a": 302},
         method="POST", data=lambda w: {**CERT, "version": certificate_of(w).version}, note="save"),
    Case("certifications.delete", lambda w: f"/certificates/{certificate_of(w).id}/delete", {"member_a": 302},
         method="POST"),
    Case("certifications.expiring", lambda w: "/club/certificates",
         {"facilitator": 200, "other_facilitator": 200, "admin": 200}),
]
