"""Access cases for the API token page and the API reference (issue 12).

The /api/v1 endpoints authenticate by Bearer token, not by the login session, so their per-role matrix
is tests/api/test_api_access.py; they are listed here as covered elsewhere.
"""
from benchclub.api.tokens import create_token
from benchclub.extensions import db

from . import Case

LOGGED_IN_OK = {r: 200 for r in ("member_a", "member_b", "gov_consented", "gov_no_consent", "gov_unlinked",
                                 "facilitator", "other_facilitator", "admin")}
PUBLIC = {"anonymous": 200}


def _member_a_token_url(world) -> str:
    token = create_token(world.users["member_a"], "matrix", "read", 30, actor=None).token
    db.session.commit()
    return f"/account/api-tokens/{token.id}/revoke"


CASES = [
    Case("api_tokens.index", lambda w: "/account/api-tokens/", LOGGED_IN_OK),
    Case("api_tokens.create", lambda w: "/account/api-tokens/", LOGGED_IN_OK, method="POST",
         data=lambda w: {"name": "ERP", "scope": "read", "days": "30"}, note="the secret is shown once"),
    Case("api_tokens.revoke", _member_a_token_url, {"member_a": 302, "admin": 302}, method="POST", default=404,
         note="only the owner (and the admin)"),
    Case("api_reference.reference", lambda w: "/api/v1/docs", PUBLIC, default=200),
    Case("api-docs.openapi_json", lambda w: "/api/v1/openapi.json", PUBLIC, default=200),
]

COVERED_ELSEWHERE = {
    "api.get_kpis", "api.get_periods", "api.get_values", "api.put_values", "api.get_value_history",
    "api.get_certificates", "api.certificate", "api.get_benchmarks",
    "api.get_ladder_suppliers", "api.get_ladder_history", "api.get_my_ladder", "api.get_workshops",
    "api.post_registration",
}
