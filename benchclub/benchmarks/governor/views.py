"""The governor's benchmark page: club benchmarks under rule 7, with its consenting suppliers placed on them."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from ...permissions import Role, can_view_governor_benchmarks, role_required
from .. import charts, queries
from ..blueprint import bp
from ..dashboard import build_dashboard
from ..disclosure import Viewer
from .points import governor_supplier_points


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
