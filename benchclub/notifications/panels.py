"""Home-page card with the user's unread notifications."""
from __future__ import annotations

from ..dashboards.panels import Panel
from ..models import User
from . import services


def unread_notifications_panel(user: User) -> Panel | None:
    """The five newest unread notifications; no card when everything is read."""
    if not user.is_authenticated:
        return None
    unread = [n for n in services.list_notifications(user, limit=50) if n.read_at is None]
    if not unread:
        return None
    return Panel("notifications/_panel.html", {"notifications": unread[:5], "count": len(unread)}, order=10)
