"""Shared column helpers for the models."""
from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-aware UTC now, used as a callable column default."""
    return datetime.now(UTC)
