"""Member benchmark pages and the downloads (member and governor). Everything shown comes through disclosure."""
from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user

from ... import jsonout, pagecache
from ...catalogue import find_kpi
from ...clubs.governor_pages import pick_governor, read_only_context, viewed_governor
from ...permissions import (
    Role,
    can_download_benchmarks,
    can_read_governor_pages,
    can_view_member_benchmarks,
    role_required,
)
from .. import charts, queries
from ..blueprint import bp
from ..dashboard import build_dashboard, build_kpi_detail, pick_month
from ..disclosure import Viewer
from ..export import dashboard_csv, dashboard_json
from . import charts as member_charts
from .position import build_positions, by_gap


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
    positions = build_positions(board, queries.customer_measurements(current_user.firm, board.month) if board.month else {})
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
    kpi = find_kpi(club, code) or abort(404)
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
                                         queries.own_valid_standards(viewer.firm_id, month))
    return render_template("benchmarks/certificates.html", figure=figure, months=months, month=month, group=group)


@bp.get("/download.<fmt>")
@role_required(Role.MEMBER, Role.GOVERNOR, Role.ADMIN)
def download(fmt: str):
    """The dashboard as CSV or JSON, exactly as released to this member or governor (the admin: the file of
    the governor in ?governor=CODE, read-only and audited, like that governor's benchmark page)."""
    if fmt not in ("csv", "json"):
        abort(404)
    if can_read_governor_pages(current_user):
        governor = viewed_governor()
        if governor is None:
            return pick_governor()
        read_only_context(governor, f"benchmarks download ({fmt})")
        club = governor.club
        viewer = Viewer.for_governor(governor, current_user.id)
    elif can_download_benchmarks(current_user):
        club = current_user.firm.club
        viewer = Viewer.for_user(current_user, club)
    else:
        abort(403)
    board = build_dashboard(viewer, club, request.args.get("period"), request.args.get("group"))
    name = f"benchmarks-{club.code}-{board.month or 'none'}-{board.group.replace(':', '-')}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(dashboard_csv(board), mimetype="text/csv", headers=headers)
    payload = dashboard_json(board, queries.comparators_by_kpi(club), firm_view=viewer.is_member)
    return Response(jsonout.dumps(payload, indent=2), mimetype="application/json", headers=headers)
