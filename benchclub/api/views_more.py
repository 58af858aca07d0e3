"""/api/v1 certificates, benchmarks, ladder and workshops (routes on `views.bp`)."""
from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import request
from flask.views import MethodView

from .. import jsonout, permissions
from ..benchmarks.cli import show_payload
from ..benchmarks.queries import published_months
from ..certifications import services as certificates
from ..errors import DomainError
from ..extensions import db
from ..ladder import services as ladder
from ..ladder.evaluation import list_links
from ..ladder.queries import member_stages, stage_histories
from ..ladder.rules import current_stage
from ..models import Certificate, Firm, Workshop
from ..workshops import queries as workshop_queries
from ..workshops import services as workshop_services
from . import services
from .auth import api_user, require_write
from .problems import ApiProblem
from .schemas import (
    Benchmark,
    BenchmarkArgs,
    CertificateInput,
    CertificateList,
    CertificateOut,
    MyStageList,
    PageArgs,
    Registration,
    StageHistory,
    StageList,
    WorkshopPage,
)
from .views import READ_PROBLEMS, WRITE_PROBLEMS, bp, home_club, problems

# --- certificates ---------------------------------------------------------------------------------


def cert_etag(cert: Certificate) -> str:
    return f'"cert-{cert.id}-{cert.version}"'


def _cert_dict(cert: Certificate) -> dict[str, Any]:
    return {"id": cert.id, "standard": cert.standard, "number": cert.number, "body": cert.body,
            "issued_on": cert.issued_on, "expires_on": cert.expires_on, "evidence_note": cert.evidence_note or "",
            "status": cert.status_on(date.today()).value, "version": cert.version, "etag": cert_etag(cert)}


def _own_firm_certificates() -> Firm:
    user = api_user()
    if not (permissions.is_member(user) and permissions.can_manage_certificates(user, user.firm)):
        raise ApiProblem(403, "Certificates are read and written by the members of a supplier firm.")
    return user.firm


def _own_certificate(cert_id: int) -> Certificate:
    firm = _own_firm_certificates()
    cert = db.session.get(Certificate, cert_id)
    if cert is None or cert.firm_id != firm.id:
        raise ApiProblem(404, f"Your firm has no certificate {cert_id}.")
    return cert


@bp.route("/certificates", methods=["GET"])
@bp.response(200, CertificateList)
@problems(*READ_PROBLEMS)
def get_certificates():
    """My firm's certificates, soonest expiry first, with their status today."""
    return {"items": [_cert_dict(c) for c in certificates.list_certificates(_own_firm_certificates())]}


@bp.route("/certificates/<int:cert_id>", endpoint="certificate")
class CertificateResource(MethodView):
    """One certificate of my firm (one URL rule for GET and PUT, so a bad id is 404 for both)."""

    @bp.response(200, CertificateOut)
    @problems(*READ_PROBLEMS)
    def get(self, cert_id: int):
        """One certificate of my firm; its ETag is what PUT needs in If-Match."""
        cert = _own_certificate(cert_id)
        return _cert_dict(cert), 200, {"ETag": cert_etag(cert)}

    @bp.arguments(CertificateInput)
    @bp.response(200, CertificateOut)
    @problems(*WRITE_PROBLEMS)
    def put(self, data: dict[str, Any], cert_id: int):
        """Replace a certificate's details; needs `If-Match` with its current ETag (or `*`)."""
        require_write()
        cert = _own_certificate(cert_id)
        if_match = services.parse_if_match(request.headers.get("If-Match"))
        if if_match is None:
            raise ApiProblem(428, f"Send If-Match: {cert_etag(cert)} (the ETag you read) to change this certificate.")
        if if_match != {"*"} and cert_etag(cert) not in if_match:
            raise ApiProblem(412, f"The certificate changed since you read it; it is now {cert_etag(cert)}. "
                                  "Read it again and resend.")
        certificates.update_certificate(cert, certificates.CertificateInput(**data), expected_version=None,
                                        actor=api_user())
        db.session.commit()
        return _cert_dict(cert), 200, {"ETag": cert_etag(cert)}


# --- benchmarks -----------------------------------------------------------------------------------


@bp.route("/benchmarks", methods=["GET"])
@bp.arguments(BenchmarkArgs, location="query", as_kwargs=True)
@bp.response(200, Benchmark)
@problems(*READ_PROBLEMS)
def get_benchmarks(kpi: str, period: str | None, group: str, club: str | None):
    """Exactly what `flask benchmarks show --json` gives this user (closed periods only for members and
    governors, through the disclosure module). Without `period`: the latest published month."""
    user = api_user()
    target = home_club(club)
    if not (permissions.can_download_benchmarks(user) or permissions.can_see_identified_club_data(user, target)):
        raise ApiProblem(403, "Benchmarks are for members, governors and the club's facilitator.")
    if period is None:
        months = published_months(target)
        if not months:
            raise ApiProblem(404, "No benchmarks are published yet: no period has been closed.")
        period = months[0]
    try:
        payload = show_payload(target.code, kpi, period, group, None, user.email)
    except DomainError as exc:
        # An unknown KPI or an unpublished month is "not found"; a malformed month is invalid input.
        raise ApiProblem(422 if exc.field == "period" else 404, str(exc)) from None
    return jsonout.tidy(payload)  # the same rounding as the CLI's JSON


# --- ladder ---------------------------------------------------------------------------------------


def _stage_names(governor: Firm) -> dict[int, str]:
    return {s.number: s.name for s in ladder.ladder_for_reading(governor).stages}


def _change_dict(change, names: dict[int, str]) -> dict[str, Any]:
    return {"stage": change.stage, "stage_name": names.get(change.stage, f"Stage {change.stage}"),
            "effective_month": change.effective_month, "reason": change.reason or "",
            "recorded_at": services.iso(change.created_at)}


@bp.route("/ladder/suppliers", methods=["GET"])
@bp.response(200, StageList)
@problems(*READ_PROBLEMS)
def get_ladder_suppliers():
    """A governor's suppliers with their stage now: tier, stage number and name, since when."""
    user = api_user()
    if not permissions.can_use_ladder_dashboard(user):
        raise ApiProblem(403, "The supplier ladder is for governor staff.")
    names, links = _stage_names(user.firm), list_links(user.firm)
    histories = stage_histories(user.firm, [link.supplier_id for link in links])
    items = []
    for link in links:
        stage, since = current_stage(histories[link.supplier_id], "9999-12")
        items.append({"supplier": link.supplier.code, "name": link.supplier.name, "tier": link.tier,
                      "stage": stage, "stage_name": names.get(stage, f"Stage {stage}"), "since": since})
    return {"items": items}


@bp.route("/ladder/suppliers/<code>/history", methods=["GET"])
@bp.response(200, StageHistory)
@problems(*READ_PROBLEMS)
def get_ladder_history(code: str):
    """One supplier's stage changes with my firm, oldest first."""
    user = api_user()
    if not permissions.can_use_ladder_dashboard(user):
        raise ApiProblem(403, "The supplier ladder is for governor staff.")
    supplier = db.session.scalar(permissions.scope_firms(sa.select(Firm), user).where(Firm.code == code))
    if supplier is None or not permissions.can_view_supplier_stage(user, user.firm, supplier) \
            or supplier.id == user.firm_id:
        raise ApiProblem(404, f"'{code}' is not one of your suppliers.")
    names = _stage_names(user.firm)
    return {"supplier": supplier.code,
            "items": [_change_dict(c, names) for c in ladder.list_stage_history(user.firm, supplier)]}


@bp.route("/ladder/me", methods=["GET"])
@bp.response(200, MyStageList)
@problems(*READ_PROBLEMS)
def get_my_ladder():
    """My firm's stage with each governor, its history and the checklist to the next stage."""
    user = api_user()
    if not permissions.can_view_own_stages(user):
        raise ApiProblem(403, "Ladder stages are shown to the members of a supplier firm.")
    items = []
    for s in member_stages(user.firm):
        items.append({"governor": s.governor.code, "governor_name": s.governor.name, "tier": s.link.tier,
                      "stage": s.stage, "stage_name": s.stage_name, "since": s.since,
                      "history": [_change_dict(c, s.stage_names) for c in s.history],
                      "checklist": [{k: c[k] for k in ("stage", "name", "met", "detail", "purpose")}
                                    for c in s.criteria]})
    return {"items": items}


# --- workshops ------------------------------------------------------------------------------------


def _workshop_dict(workshop: Workshop, firm_id: int | None) -> dict[str, Any]:
    registered, waiting = workshop_queries.places(workshop)
    mine = workshop_queries.registration_of(workshop, firm_id)
    host = workshop.host_firm.name if workshop.host_firm and permissions.is_workshop_published(workshop) else None
    return {"id": workshop.id, "title": workshop.title, "kpi": workshop.kpi_code, "held_on": workshop.held_on,
            "place": workshop.place or "", "host": host, "status": workshop.status.value,
            "capacity": workshop.capacity, "registered": registered, "waiting": waiting,
            "my_registration": mine.status.value if mine else None}


@bp.route("/workshops", methods=["GET"])
@bp.arguments(PageArgs, location="query", as_kwargs=True)
@bp.response(200, WorkshopPage)
@problems(*READ_PROBLEMS)
def get_workshops(page: int, per_page: int):
    """The club's best-in-class workshops I may see, newest first, with places taken and my registration."""
    user = api_user()
    if not (permissions.is_member(user) or permissions.can_run_workshops(user, user.home_club_id)):
        raise ApiProblem(403, "Workshops are listed for club members and the facilitator.")
    club = home_club(None)
    visible = [w for w in workshop_queries.list_workshops(club) if permissions.can_view_workshop(user, w)]
    start = (page - 1) * per_page
    page_of = services.PageOf(visible[start:start + per_page], page, per_page, len(visible))
    return page_of.as_dict([_workshop_dict(w, user.firm_id) for w in page_of.items])


@bp.route("/workshops/<int:workshop_id>/registration", methods=["POST"])
@bp.response(201, Registration)
@problems(*WRITE_PROBLEMS)
def post_registration(workshop_id: int):
    """Register my firm (a place, or the waiting list when full)."""
    require_write()
    user = api_user()
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or not permissions.can_view_workshop(user, workshop):
        raise ApiProblem(404, f"There is no workshop {workshop_id} you can see.")
    if not permissions.can_register_for_workshop(user, workshop):
        raise ApiProblem(403, "Members of another supplier firm of the club register for a published workshop.")
    try:
        reg = workshop_services.register_firm(workshop, user.firm, actor=user)
    except DomainError as exc:
        raise ApiProblem(409, str(exc)) from None
    db.session.commit()
    return {"workshop": workshop.id, "status": reg.status.value}
