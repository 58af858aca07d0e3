"""Writing the audit log: one helper every service uses, so nothing changes unrecorded."""
from __future__ import annotations

from typing import Any

from .extensions import db
from .models import AuditEntry, User


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value)


def record(
    actor: User | None,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    club_id: int | None = None,
    summary: str = "",
    old: Any = None,
    new: Any = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry to the session (the caller's transaction commits it with the change)."""
    actor_id = getattr(actor, "id", None) if actor is not None and getattr(actor, "is_authenticated", True) else None
    entry = AuditEntry(
        actor_id=actor_id,
        club_id=club_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        summary=summary[:400],
        old_value=_text(old),
        new_value=_text(new),
        reason=reason or "",
        detail=detail,
    )
    db.session.add(entry)
    return entry
