"""Member and governor benchmark pages and downloads. Everything shown comes through disclosure."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from .. import jsonout, pagecache
from ..models import Club, KpiDefinition
from ..permissions import (
    Role,
    can_download_benchmarks,
    can_view_governor_benchmarks,
    can_view_member_benchmarks,
    role_required,
)
from . import charts, queries
from . import snapshots as _snapshots  # noqa: F401  (subscribes publication to period_closed)
from .dashboard import build_dashboard, build_kpi_detail, governor_supplier_points, pick_month
from .disclosure import Viewer
from .export import dashboard_csv, dashboard_json

bp = Blueprint("benchmarks", __name__, url_prefix="/benchmarks")


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
    return render_template("benchmarks/member_dashboard.html", board=board, club=club)


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
    figures = [charts.distribution_chart(kpi, detail.stat, detail.comparators, detail.stat.firm_value),
               charts.histogram_chart(kpi, detail.stat, detail.stat.firm_value),
               charts.tail_over_time_chart(kpi, detail.history, detail.comparators),
               charts.cert_share_chart(detail.shares, detail.own_standards)]
    return render_template("benchmarks/kpi.html", kpi=kpi, detail=detail, figures=figures,
                           months=queries.published_months(club))


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
@role_required(Role.GOVERNOR)
def governor_view():
    """Club benchmarks under rule 7, with this governor's consenting suppliers placed on them."""
    if not can_view_governor_benchmarks(current_user):
        abort(403)
    club = current_user.firm.club
    viewer = Viewer.for_user(current_user, club)
    board = build_dashboard(viewer, club, request.args.get("period"), request.args.get("group"))
    kpis = [r.kpi for r in board.rows]
    selected = next((r for r in board.rows if r.kpi.code == request.args.get("kpi")), board.rows[0] if board.rows else None)
    points, figure = [], None
    if selected is not None:
        points = governor_supplier_points(viewer, current_user, club, board.month, board.group, selected.kpi,
                                          selected.stat)
        comps = queries.comparators_by_kpi(club).get(selected.kpi.code, [])
        figure = charts.distribution_chart(selected.kpi, selected.stat, comps, None,
                                           [(p.firm.name, p.value, p.band) for p in points], chart_id="suppliers")
    return render_template("benchmarks/governor.html", board=board, kpis=kpis, selected=selected, points=points,
                           figure=figure)


from . import views_club  # noqa: E402,F401  (facilitator and comparator routes on the same blueprint)
