"""Home-page card of the benchmarks feature: a member's position on every KPI at a glance."""
from __future__ import annotations

import sqlalchemy as sa

from .. import permissions
from ..dashboards.panels import Panel
from ..extensions import db
from ..models import Firm, KpiDefinition, KpiValue, Period, User
from .dashboard import build_dashboard
from .disclosure import Viewer
from .position import build_positions, weakest


def customer_measurements(firm: Firm, month: str) -> dict[str, list[tuple[str, float]]]:
    """KPI code -> (customer name, value) the firm's governors measured for it in a month (its own data)."""
    source = sa.orm.aliased(Firm)
    rows = db.session.execute(
        sa.select(KpiDefinition.code, source.name, KpiValue.value)
        .join(KpiValue, KpiValue.kpi_id == KpiDefinition.id)
        .join(Period, Period.id == KpiValue.period_id).join(source, source.id == KpiValue.source_firm_id)
        .where(KpiValue.firm_id == firm.id, KpiValue.source_firm_id != firm.id, Period.month == month,
               KpiValue.is_nil.is_(False)).order_by(source.name))
    out: dict[str, list[tuple[str, float]]] = {}
    for code, name, value in rows:
        out.setdefault(code, []).append((name, value))
    return out


def member_position_panel(user: User) -> Panel | None:
    """The member's first question, 'where do I stand?': one quartile bar per KPI and the three weakest."""
    if not permissions.can_view_member_benchmarks(user):
        return None
    club = user.firm.club
    board = build_dashboard(Viewer.for_user(user, club), club, None, "all")
    if board.month is None:
        return Panel("benchmarks/panel_position.html", {"board": board, "positions": [], "weakest": []}, order=5)
    positions = build_positions(board, customer_measurements(user.firm, board.month))
    return Panel("benchmarks/panel_position.html",
                 {"board": board, "positions": positions, "weakest": weakest(positions)}, order=5)
