"""Club reports (facilitator) and confidential member reports: printable pages and PDF downloads."""
from __future__ import annotations

from flask import Response, abort, render_template, url_for
from flask_login import current_user

from ..benchmarks.queries import published_months
from ..clubs.context import club_picker, current_club
from ..errors import DomainError
from ..models import Club
from ..permissions import Role, can_read_member_report, is_admin, is_member, role_required
from .blueprint import bp
from .pdf import render_report_pdf
from .queries import build_report
from .spans import ReportSpan, parse_span, spans_for_months


def _span_or_404(period: str) -> ReportSpan:
    try:
        return parse_span(period)
    except DomainError:
        abort(404)


def _pdf_response(report, filename: str) -> Response:
    pdf = render_report_pdf(report)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _member_club() -> Club:
    if not can_read_member_report(current_user):
        abort(403)
    return current_user.firm.club


@bp.get("/")
@role_required(Role.MEMBER, Role.FACILITATOR)
def index():
    if is_member(current_user):
        club = _member_club()
        return render_template("reports/index.html", club=club, member=True, extra={},
                               spans=spans_for_months(published_months(club)),
                               view_endpoint="reports.member_report", pdf_endpoint="reports.member_report_pdf")
    club = current_club()
    if club is None:
        return club_picker("Club reports")
    extra = {"club": club.code} if is_admin(current_user) else {}
    return render_template("reports/index.html", club=club, member=False, extra=extra,
                           spans=spans_for_months(published_months(club)),
                           view_endpoint="reports.club_report", pdf_endpoint="reports.club_report_pdf")


@bp.get("/club/<period>")
@role_required(Role.FACILITATOR)
def club_report(period: str):
    span = _span_or_404(period)
    club = current_club()
    if club is None:
        return club_picker("Club report")
    extra = {"club": club.code} if is_admin(current_user) else {}
    return render_template("reports/report.html", report=build_report(club, span),
                           back_url=url_for("reports.index", **extra), pdf_job_url=url_for("jobs.report", **extra))


@bp.get("/club/<period>.pdf")
@role_required(Role.FACILITATOR)
def club_report_pdf(period: str):
    span = _span_or_404(period)
    club = current_club()
    if club is None:
        return club_picker("Club report")
    return _pdf_response(build_report(club, span), f"{club.code}-report-{span.code}.pdf")


@bp.get("/mine/<period>")
@role_required(Role.MEMBER)
def member_report(period: str):
    span = _span_or_404(period)
    club = _member_club()
    report = build_report(club, span, firm=current_user.firm)
    return render_template("reports/report.html", report=report, back_url=url_for("reports.index"),
                           pdf_job_url=url_for("jobs.report"))


@bp.get("/mine/<period>.pdf")
@role_required(Role.MEMBER)
def member_report_pdf(period: str):
    span = _span_or_404(period)
    club = _member_club()
    report = build_report(club, span, firm=current_user.firm)
    return _pdf_response(report, f"{current_user.firm.code}-confidential-report-{span.code}.pdf")
