"""Home-page cards: a member's stages and recent changes; a governor's pending decisions and overdue visits."""
from __future__ import annotations

import sqlalchemy as sa

from .. import permissions
from ..dashboards.panels import Panel
from ..extensions import db
from ..models import Firm, Ladder, LadderStage, StageChange, SupplyLink, User
from . import services
from .defaults import DEFAULT_STAGES
from .evaluation import list_links
from .rules import StageFact, current_stage
from .visits import visit_plans

RECENT_CHANGES = 5


def member_ladder_panel(user: User) -> Panel | None:
    """The member's current stage with each governor and its latest stage changes."""
    if not permissions.can_view_own_stages(user):
        return None
    firm = user.firm
    governors = list(db.session.scalars(sa.select(Firm).join(SupplyLink, SupplyLink.governor_id == Firm.id)
                                        .where(SupplyLink.supplier_id == firm.id).order_by(Firm.name)))
    if not governors:
        return None
    changes = list(db.session.scalars(sa.select(StageChange).where(StageChange.supplier_id == firm.id)
                                      .order_by(StageChange.created_at.desc(), StageChange.id.desc())))
    names = _stage_names([g.id for g in governors])
    rows = []
    for g in governors:
        history = sorted((c for c in changes if c.governor_id == g.id), key=lambda c: (c.effective_month, c.id))
        stage, since = current_stage([StageFact(c.stage, c.effective_month) for c in history], "9999-12")
        rows.append({"governor": g, "stage": stage, "name": names.get((g.id, stage), f"Stage {stage}"),
                     "since": since})
    recent = [{"change": c, "governor": next(g for g in governors if g.id == c.governor_id),
               "name": names.get((c.governor_id, c.stage), f"Stage {c.stage}")} for c in changes[:RECENT_CHANGES]
              if any(g.id == c.governor_id for g in governors)]
    return Panel("ladder/panel_member.html", {"rows": rows, "recent": recent}, order=30)


def _stage_names(governor_ids: list[int]) -> dict[tuple[int, int], str]:
    """(governor id, stage number) -> the stage's name in that governor's current ladder."""
    rows = db.session.execute(sa.select(Ladder.governor_id, LadderStage.number, LadderStage.name)
                              .join(LadderStage, LadderStage.ladder_id == Ladder.id)
                              .where(Ladder.governor_id.in_(governor_ids), Ladder.is_current.is_(True)))
    names = {(gid, n): name for gid, n, name in rows}
    for gid in governor_ids:
        for n, name, _ in DEFAULT_STAGES:
            names.setdefault((gid, n), name)
    return names


def governor_ladder_panel(user: User) -> Panel | None:
    """Recommendations waiting for the governor's decision and suppliers whose visit is overdue."""
    if not permissions.can_use_ladder_dashboard(user):
        return None
    governor = user.firm
    pending = services.list_pending(governor)
    overdue = [p for p in visit_plans(governor, list_links(governor)) if p.overdue]
    return Panel("ladder/panel_governor.html", {"pending": pending, "overdue": overdue}, order=20)
