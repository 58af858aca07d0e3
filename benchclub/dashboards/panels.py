"""Home-page panels: each feature hands its providers to the app, so the home page needs no feature imports."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from ..models import User


@dataclass
class Panel:
    """One card on a user's home page: a template and what it shows."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50


PanelProvider = Callable[[User], "Panel | None"]
_EXTENSION_KEY = "benchclub.home_panels"


def add_home_panels(app: Flask, *providers: PanelProvider) -> None:
    """Let a feature's register(app) add its function(user) -> Panel | None providers; adding one twice is a no-op."""
    registered: list[PanelProvider] = app.extensions.setdefault(_EXTENSION_KEY, [])
    registered.extend(p for p in providers if p not in registered)


def panels_for(user: User) -> list[Panel]:
    """Every panel that has something to show this user, in order."""
    providers: list[PanelProvider] = current_app.extensions.get(_EXTENSION_KEY, [])
    panels = [p for p in (provider(user) for provider in providers) if p is not None]
    return sorted(panels, key=lambda p: p.order)
