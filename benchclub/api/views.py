"""/api/v1: the JSON API over the same services, permissions and disclosure as the pages (issue 12).

Thin handlers: authenticate the token (blueprint before_request), check a permission, call a service,
shape the answer. Errors become problem+json in `problems.py`.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, request
from flask_smorest import Blueprint

from .. import permissions
from ..catalogue import list_kpis
from ..clubs.services import get_club
from ..errors import DomainError
from ..extensions import db, limiter
from ..kpis.queries import list_value_history
from ..models import Club, KpiValue, Period
from . import services
from .auth import api_user, authenticate_request, rate_limit_key, require_write
from .problems import ApiProblem, api_problem, domain_problem
from .schemas import (
    ClubArgs,
    HistoryList,
    KpiList,
    PageArgs,
    PeriodPage,
    Problem,
    ValueArgs,
    ValueBatch,
    ValueBatchResult,
    ValuePage,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1",
               description="BenchClub JSON API: send `Authorization: Bearer TOKEN`.")

READ_PROBLEMS = (401, 403, 404, 422, 429)
WRITE_PROBLEMS = (401, 403, 404, 409, 412, 422, 428, 429)


def problems(*codes: int):
    """Document the problem+json answers an operation can give."""
    def decorate(view):
        for code in codes:
            view = bp.alt_response(code, schema=Problem, content_type="application/problem+json",
                                   description=_DESCRIPTIONS.get(code, "Problem"))(view)
        return view
    return decorate


_DESCRIPTIONS = {401: "No valid token", 403: "Not allowed for this user or token", 404: "Not found",
                 409: "Conflicts with the record's state", 412: "Stale version (If-Match)",
                 422: "Invalid input; per-field or per-item errors", 428: "If-Match (or item version) required",
                 429: "Rate limit reached; see Retry-After"}


def _api_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", "300 per minute")


limiter.limit(_api_limit, key_func=rate_limit_key)(bp)
bp.register_error_handler(ApiProblem, api_problem)
bp.register_error_handler(DomainError, domain_problem)


@bp.before_request
def _authenticate() -> None:
    authenticate_request()


@bp.after_request
def _conditional(response):
    """ETag on every successful read, 304 on a matching If-None-Match; never a cookie."""
    if request.method == "GET" and response.status_code == 200 and response.is_json:
        if "ETag" not in response.headers:
            response.add_etag()
        response.make_conditional(request)
    response.headers.pop("Set-Cookie", None)
    response.headers.setdefault("Cache-Control", "private, no-cache")
    return response


def home_club(club_code: str | None = None) -> Club:
    """The user's own club; the admin names one with ?club=CODE."""
    user = api_user()
    if permissions.is_admin(user):
        if not club_code:
            raise ApiProblem(422, "As the admin, name the club: add ?club=CODE.",
                             errors=[{"field": "club", "reason": "required for the admin"}])
        try:
            return get_club(club_code)
        except DomainError as exc:
            raise ApiProblem(404, str(exc)) from None
    club = db.session.get(Club, user.home_club_id) if user.home_club_id else None
    if club is None or (club_code and club_code.strip().lower() != club.code.lower()):
        raise ApiProblem(404, f"There is no club {club_code} you belong to." if club_code else "You belong to no club.")
    return club


@bp.route("/kpis", methods=["GET"])
@bp.arguments(ClubArgs, location="query")
@bp.response(200, KpiList)
@problems(*READ_PROBLEMS)
def get_kpis(args: dict[str, Any]):
    """The club's KPI catalogue: codes, units, direction, hard and soft ranges, governor-measurable."""
    kpis = list_kpis(home_club(args["club"]))
    return {"items": [{"code": k.code, "name": k.name, "unit": k.unit, "direction": k.direction.value,
                       "definition": k.definition or "", "hard_min": k.hard_min, "hard_max": k.hard_max,
                       "soft_min": k.soft_min, "soft_max": k.soft_max,
                       "governor_measurable": k.governor_measurable} for k in kpis]}


@bp.route("/periods", methods=["GET"])
@bp.arguments(ClubArgs, location="query", as_kwargs=True)
@bp.arguments(PageArgs, location="query", as_kwargs=True)
@bp.response(200, PeriodPage)
@problems(*READ_PROBLEMS)
def get_periods(club: str | None, page: int, per_page: int):
    """The club's months, newest first: open or closed, due date, and whether benchmarks are published."""
    from ..benchmarks.queries import published_months

    target = home_club(club)
    published = set(published_months(target))
    result = services.paginate(sa.select(Period).where(Period.club_id == target.id).order_by(Period.month.desc()),
                               page, per_page)
    return result.as_dict([{"month": p.month, "status": p.status.value, "due_on": p.due_on,
                            "closed_at": services.iso(p.closed_at), "benchmarks_published": p.month in published}
                           for p in result.items])


@bp.route("/values", methods=["GET"])
@bp.arguments(ValueArgs, location="query", as_kwargs=True)
@bp.response(200, ValuePage)
@problems(*READ_PROBLEMS)
def get_values(firm: str | None, period: str | None, kpi: str | None, page: int, per_page: int):
    """Identified values you may see: members their firm; governors their measurements and consenting
    suppliers' shared KPIs; facilitators their club (each such read is audited)."""
    result = services.list_values(api_user(), firm=firm, period=period, kpi=kpi, page=page, per_page=per_page)
    db.session.commit()  # the audit entry of a facilitator's identified read
    return result.as_dict([services.value_dict(v) for v in result.items])


@bp.route("/values", methods=["PUT"])
@bp.arguments(ValueBatch)
@bp.response(200, ValueBatchResult)
@problems(*WRITE_PROBLEMS)
def put_values(batch: dict[str, Any]):
    """Batch upsert, like a CSV import: every item checked, then all written (and audited) or none.

    Replacing a stored value needs its `version` in the item or its ETag in `If-Match`
    (`If-Match: *` overwrites on purpose); a stale one gives 412, a missing one 428.
    """
    require_write()
    user = api_user()
    plan = services.put_values(batch["items"], actor=user, if_match=services.parse_if_match(
        request.headers.get("If-Match")))
    db.session.commit()
    written = plan.written or {}
    return {"new": written.get("new", 0), "updated": written.get("update", 0),
            "unchanged": written.get("unchanged", 0),
            "items": [services.value_dict(v) for v in services.stored_values(plan.rows)]}


@bp.route("/values/<int:value_id>/history", methods=["GET"])
@bp.response(200, HistoryList)
@problems(*READ_PROBLEMS)
def get_value_history(value_id: int):
    """Every change to one value: when, by whom, old, new, why (the same audit trail as the page)."""
    value = db.session.get(KpiValue, value_id)
    if value is None or not permissions.can_view_value_history(api_user(), value):
        raise ApiProblem(404, f"There is no value {value_id} whose history you may see.")
    return {"items": [{"at": services.iso(e.at), "action": e.action, "by": e.actor.email if e.actor else None,
                       "old": e.old_value, "new": e.new_value, "reason": e.reason or ""}
                      for e in list_value_history(value)]}

