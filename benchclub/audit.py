"""Writing the audit log: one helper every service uses, so nothing changes unrecorded."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

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


class AuditLogImmutableError(Exception):
    """The audit log is append-only: an entry can be added, never changed or removed."""


@sa.event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context: Any, _instances: Any) -> None:
    """No code path may edit or delete an audit entry through the ORM."""
    for obj in session.deleted:
        if isinstance(obj, AuditEntry):
            raise AuditLogImmutableError("Audit entries cannot be deleted.")
    for obj in session.dirty:
        if isinstance(obj, AuditEntry) and session.is_modified(obj, include_collections=False):
            raise AuditLogImmutableError("Audit entries cannot be changed.")


@sa.event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_audit_changes(state: Any) -> None:
    """Nor through a bulk update(AuditEntry) / delete(AuditEntry) statement."""
    if (state.is_update or state.is_delete) and AuditEntry.__table__ in _tables(state.statement):
        raise AuditLogImmutableError("Audit entries cannot be changed or deleted.")


def _tables(statement: Any) -> set[Any]:
    table = getattr(statement, "table", None)
    return {table} if table is not None else set()
