"""Home-page panels: each feature registers a provider, so the home page needs no feature imports."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..models import User


@dataclass
class Panel:
    """One card on a user's home page: a template and what it shows."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50


PanelProvider = Callable[[User], "Panel | None"]
_PROVIDERS: list[PanelProvider] = []


def home_panel(provider: PanelProvider) -> PanelProvider:
    """Decorator: register a function(user) -> Panel | None for the home page."""
    _PROVIDERS.append(provider)
    return provider


def panels_for(user: User) -> list[Panel]:
    """Every panel that has something to show this user, in order."""
    panels = [p for p in (provider(user) for provider in _PROVIDERS) if p is not None]
    return sorted(panels, key=lambda p: p.order)
