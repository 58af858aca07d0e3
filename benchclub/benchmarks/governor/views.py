"""The governor's benchmark page: club benchmarks under rule 7, with its consenting suppliers placed on them."""
from __future__ import annotations

from types import SimpleNamespace

from flask import abort, render_template, request
from flask_login import current_user

from ...clubs.governor_pages import pick_governor, read_only_context, viewed_governor
from ...permissions import (
    Role,
    can_read_governor_pages,
    can_view_governor_benchmarks,
    role_required,
)
from .. import charts, queries
from ..blueprint import bp
from ..dashboard import build_dashboard
from ..disclosure import Viewer
from .points import governor_supplier_points


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
    viewer = Viewer.for_governor(governor, current_user.id)
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
