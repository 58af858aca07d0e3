"""Access cases for auth and the home page."""
from . import Case

EVERYONE_OK = {r: 200 for r in ("member_a", "member_b", "gov_consented", "gov_no_consent", "gov_unlinked",
                                 "facilitator", "other_facilitator", "admin")}

CASES = [
    Case("dashboards.home", lambda w: "/", EVERYONE_OK),
    Case("dashboards.healthz", lambda w: "/healthz", {"anonymous": 200}, default=200),
    Case("auth.login", lambda w: "/login", {"anonymous": 200}, default=302, note="logged-in users are sent home"),
    Case("auth.accept_invite", lambda w: "/invite/not-a-token", {"anonymous": 404}, default=404),
    Case("auth.accept_invite", lambda w: "/invite/not-a-token", {"anonymous": 404}, default=404, method="POST",
         data=lambda w: {"password": "a long enough passphrase", "confirm": "a long enough passphrase"}),
    Case("auth.login", lambda w: "/login", {"anonymous": 401}, default=302, method="POST",
         data=lambda w: {"email": "nobody@nowhere.test", "password": "wrong-wrong-wrong"},
         note="wrong credentials; logged-in users are sent home"),
    Case("auth.forgot_password", lambda w: "/forgot-password", {"anonymous": 200}, default=200),
    Case("auth.forgot_password", lambda w: "/forgot-password", {"anonymous": 302}, default=302, method="POST",
         data=lambda w: {"email": "nobody@nowhere.test"}, note="same answer whether the e-mail exists or not"),
    Case("vendor.asset", lambda w: "/vendor/bootstrap/css/bootstrap.min.css", {"anonymous": 200}, default=200),
]
# auth.logout is POST-only and covered in tests/test_auth.py.
COVERED_ELSEWHERE = {"auth.logout", "static"}
