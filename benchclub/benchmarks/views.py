"""Member and governor benchmark pages and downloads. Everything shown comes through disclosure."""
from __future__ import annotations

from types import SimpleNamespace

from flask import Response, abort, render_template, request
from flask_login import current_user

from .. import jsonout, pagecache
from ..clubs.governor_pages import pick_governor, read_only_context, viewed_governor
from ..models import Club, KpiDefinition
from ..permissions import (
    Role,
    can_download_benchmarks,
    can_read_governor_pages,
    can_view_governor_benchmarks,
    can_view_member_benchmarks,
    consenting_supplier_ids,
    role_required,
)
from . import charts, member_charts, queries
from .blueprint import bp
from .dashboard import build_dashboard, build_kpi_detail, governor_supplier_points, own_valid_standards, pick_month
from .disclosure import GOVERNOR, Viewer
from .export import dashboard_csv, dashboard_json
from .panels import customer_measurements
from .position import build_positions, by_gap


def _find_kpi(club: Club, code: str) -> KpiDefinition:
    kpi = next((k for k in queries.list_kpi_definitions(club) if k.code == code), None)
    if kpi is None:
        abort(404)
    return kpi


@bp.get("/")
@role_required(Role.MEMBER)
def member_dashboard():
    """My KPIs against my peers and the international comparators, for a closed month and group."""
    if not can_view_member_benchmarks(current_user):
        abort(403)
    return pagecache.cached_page(_render_member_dashboard)


def _render_member_dashboard() -> str:
    club = current_user.firm.club
    viewer = Viewer.for_user(current_user, club)
    board = build_dashboard(viewer, club, request.args.get("period"), request.args.get("group"))
    sort = "catalogue" if request.args.get("sort") == "catalogue" else "gap"
    positions = build_positions(board, customer_measurements(current_user.firm, board.month) if board.month else {})
    return render_template("benchmarks/member_dashboard.html", board=board, club=club, sort=sort,
                           positions=by_gap(positions) if sort == "gap" else positions)


@bp.get("/kpi/<code>")
@role_required(Role.MEMBER)
def member_kpi(code: str):
    """One KPI: tail distribution, tail over time and certificate shares, with my own position."""
    if not can_view_member_benchmarks(current_user):
        abort(403)
    return pagecache.cached_page(lambda: _render_member_kpi(code))


def _render_member_kpi(code: str) -> str:
    club = current_user.firm.club
    kpi = _find_kpi(club, code)
    month = pick_month(queries.published_months(club), request.args.get("period"))
    if month is None:
        return render_template("benchmarks/kpi.html", kpi=kpi, detail=None, figures=[], months=[])
    viewer = Viewer.for_user(current_user, club)
    group = request.args.get("group") or "all"
    detail = build_kpi_detail(viewer, club, kpi, month, group)
    figures = [member_charts.member_distribution_chart(kpi, detail.stat, detail.comparators),
               member_charts.member_histogram_chart(kpi, detail.stat, detail.stat.firm_value),
               member_charts.member_tail_over_time_chart(kpi, detail.history, detail.comparators)]
    return render_template("benchmarks/kpi.html", kpi=kpi, detail=detail, figures=figures,
                           months=queries.published_months(club),
                           tail_share=member_charts.tail_share_text(kpi, detail.stat, detail.comparators))


@bp.get("/certificates")
@role_required(Role.MEMBER)
def member_certificates():
    """Share of peers holding each standard, on its own page rather than on every KPI page."""
    if not can_view_member_benchmarks(current_user):
        abort(403)
    club = current_user.firm.club
    months = queries.published_months(club)
    month = pick_month(months, request.args.get("period"))
    viewer = Viewer.for_user(current_user, club)
    group = request.args.get("group") or "all"
    figure = None
    if month is not None:
        snapshot = queries.current_snapshot(club, month)
        figure = charts.cert_share_chart(queries.released_shares(snapshot, group, viewer, club),
                                         own_valid_standards(viewer.firm_id, month))
    return render_template("benchmarks/certificates.html", figure=figure, months=months, month=month, group=group)


@bp.get("/download.<fmt>")
@role_required(Role.MEMBER, Role.GOVERNOR)
def download(fmt: str):
    """The dashboard as CSV or JSON, exactly as released to this member or governor."""
    if fmt not in ("csv", "json") or not can_download_benchmarks(current_user):
        abort(404 if fmt not in ("csv", "json") else 403)
    club = current_user.firm.club
    viewer = Viewer.for_user(current_user, club)
    board = build_dashboard(viewer, club, request.args.get("period"), request.args.get("group"))
    name = f"benchmarks-{club.code}-{board.month or 'none'}-{board.group.replace(':', '-')}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(dashboard_csv(board), mimetype="text/csv", headers=headers)
    payload = dashboard_json(board, queries.comparators_by_kpi(club), firm_view=viewer.is_member)
    return Response(jsonout.dumps(payload, indent=2), mimetype="application/json", headers=headers)


@bp.get("/governor")
@role_required(Role.GOVERNOR, Role.ADMIN)
def governor_view():
    """Club benchmarks under rule 7, with this governor's consenting suppliers placed on them (the admin reads
    any governor's page, read-only, exactly as released to that governor: ?governor=CODE)."""
    if not (can_view_governor_benchmarks(current_user) or can_read_governor_pages(current_user)):
        abort(403)
    governor = viewed_governor()
    if governor is None:
        return pick_governor()
    club = governor.club
    viewer = Viewer(GOVERNOR, club.id, governor.id, frozenset(consenting_supplier_ids(governor)), current_user.id)
    board = build_dashboard(viewer, club, request.args.get("period"), request.args.get("group"))
    kpis = [r.kpi for r in board.rows]
    selected = next((r for r in board.rows if r.kpi.code == request.args.get("kpi")), board.rows[0] if board.rows else None)
    points, figure = [], None
    if selected is not None:
        points = governor_supplier_points(viewer, SimpleNamespace(firm=governor), club, board.month, board.group,
                                          selected.kpi, selected.stat)
        comps = queries.comparators_by_kpi(club).get(selected.kpi.code, [])
        figure = charts.distribution_chart(selected.kpi, selected.stat, comps, None,
                                           [(p.firm.name, p.value, p.band) for p in points], chart_id="suppliers")
    return render_template("benchmarks/governor.html", board=board, kpis=kpis, selected=selected, points=points,
                           figure=figure, governor=governor, **read_only_context(governor, "benchmarks"))
