"""Home-page card of the benchmarks feature: a member's position on every KPI at a glance."""
from __future__ import annotations

from ... import permissions
from ...dashboards.panels import Panel
from ...models import User
from .. import queries
from ..dashboard import build_dashboard
from ..disclosure import Viewer
from .position import build_positions, weakest


def member_position_panel(user: User) -> Panel | None:
    """The member's first question, 'where do I stand?': one quartile bar per KPI and the three weakest."""
    if not permissions.can_view_member_benchmarks(user):
        return None
    club = user.firm.club
    board = build_dashboard(Viewer.for_user(user, club), club, None, "all")
    if board.month is None:
        return Panel("benchmarks/panel_position.html", {"board": board, "positions": [], "weakest": []}, order=5)
    positions = build_positions(board, queries.customer_measurements(user.firm, board.month))
    return Panel("benchmarks/panel_position.html",
                 {"board": board, "positions": positions, "weakest": weakest(positions)}, order=5)
