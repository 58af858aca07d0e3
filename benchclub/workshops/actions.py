"""Improvement actions: what a firm commits to after a workshop (DOMAIN §8), with their follow-up."""
from __future__ import annotations

from datetime import date

from ..audit import record
from ..errors import DomainError
from ..extensions import db
from ..models import ActionStatus, Firm, ImprovementAction, User, Workshop


class ActionError(DomainError):
    """An improvement action is incomplete or does not fit its workshop."""


def _validate(firm: Firm, description: str, workshop: Workshop | None) -> str:
    description = (description or "").strip()
    if not description:
        raise ActionError("Describe the action.", field="description")
    if not firm.is_supplier:
        raise ActionError(f"{firm.code} is not a supplier firm.", field="firm_id")
    if workshop is not None and workshop.club_id != firm.club_id:
        raise ActionError("The workshop belongs to another club.", field="workshop_id")
    return description


def add_action(firm: Firm, description: str, due_on: date, *, actor: User | None, owner: str = "",
               workshop: Workshop | None = None) -> ImprovementAction:
    """A new open improvement action for a firm, optionally tied to the workshop it came from."""
    description = _validate(firm, description, workshop)
    action = ImprovementAction(firm_id=firm.id, description=description, owner=(owner or "").strip()[:120],
                               due_on=due_on, workshop_id=workshop.id if workshop else None,
                               status=ActionStatus.OPEN)
    db.session.add(action)
    db.session.flush()
    record(actor, "create", "improvement_action", action.id, club_id=firm.club_id,
           summary=f"action for {firm.code} due {due_on.isoformat()}", new=description)
    return action


def update_action(action: ImprovementAction, *, description: str, owner: str, due_on: date,
                  status: ActionStatus | str, actor: User | None, today: date | None = None) -> ImprovementAction:
    """Edit an action; marking it done stamps completed_on, reopening clears it. Every change audited."""
    status = ActionStatus(status)
    changes = {"description": _validate(action.firm, description, action.workshop),
               "owner": (owner or "").strip()[:120], "due_on": due_on, "status": status}
    if status == ActionStatus.DONE:
        changes["completed_on"] = action.completed_on or today or date.today()
    else:
        changes["completed_on"] = None
    for attr, new in changes.items():
        old = getattr(action, attr)
        if old != new:
            record(actor, "update", "improvement_action", action.id, club_id=action.firm.club_id,
                   summary=f"action.{attr}", old=getattr(old, "value", old), new=getattr(new, "value", new))
            setattr(action, attr, new)
    db.session.flush()
    return action


def complete_action(action: ImprovementAction, *, actor: User | None,
                    completed_on: date | None = None) -> ImprovementAction:
    """Mark an action done on a date (today by default)."""
    if action.status == ActionStatus.DONE:
        raise ActionError("This action is already done.")
    return update_action(action, description=action.description, owner=action.owner, due_on=action.due_on,
                         status=ActionStatus.DONE, actor=actor, today=completed_on)
