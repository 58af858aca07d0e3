"""Access-matrix cases, one module per feature; tests/test_access_matrix.py runs them all.

A case names an endpoint, the method, a function that builds the URL from the World, and the
expected status for each role in tests.factories.ROLES. Roles left out default to `default`.
Status 302 for 'anonymous' means "sent to the login page".
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Case:
    endpoint: str
    url: Callable[[Any], str]
    expect: dict[str, int]
    method: str = "GET"
    default: int = 403
    data: Callable[[Any], dict] | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def status_for(self, role: str) -> int:
        if role in self.expect:
            return self.expect[role]
        if role == "anonymous":
            return 302
        return self.default
