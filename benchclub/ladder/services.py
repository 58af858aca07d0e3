"""Ladder versions, stage history and the governor's decisions on recommendations (DOMAIN §7)."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ..audit import record
from ..catalogue import find_kpi
from ..errors import ConflictError, DomainError, PermissionDeniedError
from ..extensions import db
from ..models import (
    CriterionKind,
    DecisionStatus,
    Firm,
    Ladder,
    LadderCriterion,
    LadderEvaluation,
    LadderStage,
    Period,
    PeriodStatus,
    Recommendation,
    StageChange,
    SupplyLink,
    User,
)
from .defaults import DEFAULT_CRITERIA, DEFAULT_STAGES
from .rules import Criterion, LadderRules, Stage, StageFact, current_stage


def _n(value: float) -> str:
    """1000000.0 -> '1,000,000'; 2.5 -> '2.5'."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


class NotLinkedError(PermissionDeniedError):
    """The supplier is not linked to this governor."""


# --- ladders ----------------------------------------------------------------------------------


def get_current_ladder(governor: Firm) -> Ladder | None:
    """The governor's ladder version in force, if it has one yet."""
    return db.session.scalar(
        sa.select(Ladder).where(Ladder.governor_id == governor.id, Ladder.is_current.is_(True))
        .order_by(Ladder.version.desc()).limit(1)
    )


def _default_ladder(governor: Firm, actor: User | None) -> Ladder:
    """Version 1 of the CGL default ladder for a governor, not yet added to the session."""
    ladder = Ladder(governor_id=governor.id, version=1, is_current=True, created_by_id=getattr(actor, "id", None))
    ladder.stages = [LadderStage(number=n, name=name, description=desc) for n, name, desc in DEFAULT_STAGES]
    ladder.criteria = [LadderCriterion(stage_number=s, kind=CriterionKind(k), params=dict(p))
                       for s, k, p in DEFAULT_CRITERIA]
    return ladder


def ensure_default_ladder(governor: Firm, *, actor: User | None = None) -> Ladder:
    """The governor's current ladder, creating version 1 from the CGL default when it has none (writes only)."""
    if not governor.is_governor:
        raise DomainError(f"{governor.code} is not a governor firm.", field="governor")
    ladder = get_current_ladder(governor)
    if ladder is not None:
        return ladder
    ladder = _default_ladder(governor, actor)
    db.session.add(ladder)
    db.session.flush()
    record(actor, "create", "ladder", ladder.id, club_id=governor.club_id,
           summary=f"default CGL ladder v1 for {governor.code}")
    return ladder


def ladder_for_reading(governor: Firm) -> Ladder:
    """The ladder in force for reads: the stored one, or the unsaved CGL default (a read never creates it)."""
    if not governor.is_governor:
        raise DomainError(f"{governor.code} is not a governor firm.", field="governor")
    return get_current_ladder(governor) or _default_ladder(governor, None)


def on_governor_added(governor: Firm, actor: User | None = None, **_: object) -> None:
    """Subscriber to events.governor_added: a governor gets its default ladder when created or linked."""
    ensure_default_ladder(governor, actor=actor)



def list_ladder_versions(governor: Firm) -> list[Ladder]:
    """Every version of the governor's ladder, oldest first."""
    return list(db.session.scalars(sa.select(Ladder).where(Ladder.governor_id == governor.id)
                                   .order_by(Ladder.version)))


def ladder_in_force(versions: list[Ladder], month: str) -> Ladder:
    """The version that applies to a period: the latest one saved before that period closed (DOMAIN §6)."""
    applicable = [v for v in versions if v.effective_after is None or v.effective_after < month]
    return max(applicable or versions[:1], key=lambda v: v.version)


def ladder_rules(ladder: Ladder, versions: list[Ladder] | None = None, months: list[str] = ()) -> LadderRules:
    """The stored ladder as the plain data the rules engine reads.

    With `versions` and `months`, each monthly threshold is frozen per month at the version in force for
    that month, so a later edit never re-tests a closed month's (possibly unshared) value.
    """
    frozen: list[dict[str, float]] = [{} for _ in ladder.criteria]
    for month in months if versions else ():
        then = ladder_in_force(versions or [], month)
        for i, (now_c, then_c) in enumerate(zip(ladder.criteria, then.criteria, strict=False)):
            if now_c.kind == CriterionKind.KPI_THRESHOLD and then_c.kind == now_c.kind \
                    and then_c.params.get("kpi_code") == now_c.params.get("kpi_code"):
                frozen[i][month] = float(then_c.params["threshold"])
    return LadderRules(
        version=ladder.version,
        stages=tuple(Stage(s.number, s.name) for s in ladder.stages),
        criteria=tuple(Criterion(c.stage_number, c.kind.value, dict(c.params), frozen[i])
                       for i, c in enumerate(ladder.criteria)),
    )


def last_assessed_month(governor: Firm) -> str | None:
    """The latest period closed in the club or evaluated for this governor (a reopened period was closed once)."""
    closed = db.session.scalar(sa.select(sa.func.max(Period.month)).where(Period.club_id == governor.club_id,
                                                                          Period.status == PeriodStatus.CLOSED))
    evaluated = db.session.scalar(sa.select(sa.func.max(LadderEvaluation.period_month))
                                  .where(LadderEvaluation.governor_id == governor.id))
    return max((m for m in (closed, evaluated) if m), default=None)


def save_ladder_version(governor: Firm, stage_names: dict[int, str], params: dict[int, dict[str, Any]], *,
                        actor: User) -> Ladder:
    """Store edited stage names and criterion parameters as a new ladder version, in force from the next close.

    `params` maps the id of a criterion of the current version to its new parameters; criteria not
    named keep theirs. Earlier evaluations keep pointing at the version they used.
    """
    old = ensure_default_ladder(governor, actor=actor)
    names = {s.number: (stage_names.get(s.number) or "").strip() or s.name for s in old.stages}
    new_params = {c.id: validated_params(c, params.get(c.id, c.params), governor) for c in old.criteria}
    changed = {n for n, name in names.items() if name != _stage(old, n).name} | \
        {cid for cid, p in new_params.items() if p != dict(_criterion(old, cid).params)}
    if not changed:
        raise DomainError("Nothing changed: the ladder keeps its current version.", field="form")
    for name in names.values():
        if len(name) > 80:
            raise DomainError("A stage name has at most 80 characters.", field="form")
    old.is_current = False
    new = Ladder(governor_id=governor.id, version=old.version + 1, is_current=True, created_by_id=actor.id,
                 effective_after=last_assessed_month(governor))  # from the next period close on
    new.stages = [LadderStage(number=s.number, name=names[s.number], description=s.description) for s in old.stages]
    new.criteria = [LadderCriterion(stage_number=c.stage_number, kind=c.kind, params=new_params[c.id])
                    for c in old.criteria]
    db.session.add(new)
    db.session.flush()
    record(actor, "update", "ladder", new.id, club_id=governor.club_id,
           summary=f"ladder of {governor.code} v{old.version} -> v{new.version}",
           old=_ladder_summary(old), new=_ladder_summary(new))
    return new


def _stage(ladder: Ladder, number: int) -> LadderStage:
    return next(s for s in ladder.stages if s.number == number)


def _criterion(ladder: Ladder, cid: int) -> LadderCriterion:
    return next(c for c in ladder.criteria if c.id == cid)


def _ladder_summary(ladder: Ladder) -> str:
    stages = ", ".join(f"{s.number}={s.name}" for s in ladder.stages)
    crits = "; ".join(f"s{c.stage_number} {c.kind.value} {c.params}" for c in ladder.criteria)
    return f"v{ladder.version}: {stages} | {crits}"


def validated_params(criterion: LadderCriterion, new: dict[str, Any], governor: Firm) -> dict[str, Any]:
    """Keep the criterion's kind and fixed fields; check the editable numbers against the rules."""
    from ..models import DEFAULT_STANDARDS

    merged = {**criterion.params, **new}
    where = f"stage {criterion.stage_number}"
    for key in ("months", "count"):
        if key in merged:
            value = int(merged[key])
            if not 1 <= value <= 36:
                raise DomainError(f"{key.title()} for {where} must be between 1 and 36.", field=f"c{criterion.id}_{key}")
            merged[key] = value
    if criterion.kind == CriterionKind.KPI_THRESHOLD:
        kpi = find_kpi(governor.club_id, merged["kpi_code"], active_only=False)
        threshold = float(merged["threshold"])
        if kpi is not None and not kpi.hard_min <= threshold <= kpi.hard_max:
            raise DomainError(f"The {kpi.name} threshold for {where} must lie between {_n(kpi.hard_min)} and "
                              f"{_n(kpi.hard_max)} {kpi.unit}.", field=f"c{criterion.id}_threshold")
        merged["threshold"] = threshold
    if criterion.kind == CriterionKind.CERTIFICATE:
        standards = [s for s in merged["standards"] if s]
        if not standards or any(s not in DEFAULT_STANDARDS for s in standards):
            raise DomainError(f"Choose at least one standard for {where}.", field=f"c{criterion.id}_standards")
        merged["standards"] = standards
    return merged


# --- stage history ----------------------------------------------------------------------------


def require_link(governor: Firm, supplier: Firm) -> SupplyLink:
    """The supply link, or an error: a governor only runs the ladder for its own suppliers."""
    link = db.session.scalar(sa.select(SupplyLink).where(SupplyLink.governor_id == governor.id,
                                                         SupplyLink.supplier_id == supplier.id))
    if link is None:
        raise NotLinkedError(f"{supplier.name} is not a supplier of {governor.name}.", field="supplier")
    return link


def list_stage_history(governor: Firm, supplier: Firm) -> list[StageChange]:
    """The supplier's stage changes with this governor, oldest first."""
    return list(db.session.scalars(
        sa.select(StageChange).where(StageChange.governor_id == governor.id, StageChange.supplier_id == supplier.id)
        .order_by(StageChange.effective_month, StageChange.id)
    ))


def get_stage(governor: Firm, supplier: Firm, period: str | None = None) -> int:
    """The supplier's stage with this governor in a month (default: latest); 1 when never changed."""
    history = [StageFact(h.stage, h.effective_month) for h in list_stage_history(governor, supplier)]
    return current_stage(history, period or "9999-12")[0]


def record_stage_change(governor: Firm, supplier: Firm, stage: int, effective_month: str, reason: str, *,
                        actor: User | None, evaluation: LadderEvaluation | None = None) -> StageChange:
    """Put a supplier at a stage from a month on, with who and why (also used to load history)."""
    require_link(governor, supplier)
    ladder = ensure_default_ladder(governor, actor=actor)
    if not 1 <= stage <= max(s.number for s in ladder.stages):
        raise DomainError(f"Stage must be between 1 and {len(ladder.stages)}.", field="stage")
    if not (reason or "").strip():
        raise DomainError("Say why the stage changes.", field="reason")
    old = get_stage(governor, supplier, effective_month)
    change = StageChange(governor_id=governor.id, supplier_id=supplier.id, stage=stage,
                         effective_month=effective_month, evaluation_id=getattr(evaluation, "id", None),
                         decided_by_id=getattr(actor, "id", None), reason=reason.strip())
    db.session.add(change)
    db.session.flush()
    record(actor, "create", "stage_change", change.id, club_id=governor.club_id,
           summary=f"{supplier.code} with {governor.code}: stage {old} -> {stage} from {effective_month}",
           old=old, new=stage, reason=reason.strip())
    return change


# --- decisions --------------------------------------------------------------------------------


def list_pending(governor: Firm) -> list[LadderEvaluation]:
    """Recommendations waiting for this governor's decision, newest period first."""
    return list(db.session.scalars(
        sa.select(LadderEvaluation).where(LadderEvaluation.governor_id == governor.id,
                                          LadderEvaluation.status == DecisionStatus.PENDING)
        .order_by(LadderEvaluation.period_month.desc(), LadderEvaluation.id)
    ))


def decide_evaluation(evaluation: LadderEvaluation, approve: bool, comment: str, *,
                      actor: User | None) -> LadderEvaluation:
    """Approve (the stage changes from the evaluated period) or reject (a comment is required)."""
    comment = (comment or "").strip()
    if evaluation.status != DecisionStatus.PENDING:
        raise ConflictError(f"This recommendation is already {evaluation.status.value}.", field="comment")
    if not approve and not comment:
        raise DomainError("Say why you reject the recommendation.", field="comment")
    governor, supplier = evaluation.governor, evaluation.supplier
    if get_stage(governor, supplier, evaluation.period_month) != evaluation.current_stage:
        raise ConflictError("The supplier's stage changed since this evaluation; evaluate again.", field="comment")
    evaluation.status = DecisionStatus.APPROVED if approve else DecisionStatus.REJECTED
    evaluation.decided_by_id = getattr(actor, "id", None)
    evaluation.decided_at = datetime.now(UTC)
    evaluation.comment = comment
    record(actor, "approve" if approve else "reject", "ladder_evaluation", evaluation.id, club_id=governor.club_id,
           summary=f"{evaluation.recommendation.value} {supplier.code} to stage {evaluation.target_stage} "
                   f"({evaluation.period_month})", old=DecisionStatus.PENDING.value, new=evaluation.status.value,
           reason=comment)
    if approve:
        verb = "Promoted" if evaluation.recommendation == Recommendation.PROMOTE else "Demoted"
        reason = comment or f"{verb} on the {evaluation.period_month} evaluation (ladder v{evaluation.ladder.version})"
        record_stage_change(governor, supplier, evaluation.target_stage, evaluation.period_month, reason,
                            actor=actor, evaluation=evaluation)
    db.session.flush()
    return evaluation
