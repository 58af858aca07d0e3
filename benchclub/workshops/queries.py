"""Reads for workshops: frozen snapshot figures, suggestions, impact, lists for each role."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..benchmarks.disclosure import MEMBER, ReleasedDifference, Viewer, release_median_difference
from ..catalogue import find_kpi
from ..errors import DomainError, NotFoundError
from ..extensions import db
from ..models import (
    ActionStatus,
    Club,
    Firm,
    FirmKind,
    ImprovementAction,
    KpiDefinition,
    Period,
    PeriodStatus,
    RegistrationStatus,
    Snapshot,
    SnapshotFirm,
    SnapshotStat,
    User,
    Workshop,
    WorkshopInvitation,
    WorkshopRegistration,
    WorkshopStatus,
)
from ..months import next_month
from ..periods.services import list_closed_months, parse_month
from ..permissions import is_workshop_published
from . import rules

ALL_GROUP = "all"


def get_kpi(club: Club, code: str) -> KpiDefinition:
    """The club's KPI with that code, or a NotFoundError naming it."""
    kpi = find_kpi(club, code, active_only=False)
    if kpi is None:
        raise NotFoundError(f"Club {club.code} has no KPI {code}.")
    return kpi


def closed_months(club: Club, up_to: str | None = None, limit: int | None = None) -> list[str]:
    """Closed months of a club, newest first, optionally up to (and including) a month."""
    return list_closed_months(club, up_to, newest_first=True, limit=limit)


def period_figures(club: Club, kpi_code: str, month: str) -> rules.PeriodFigures | None:
    """The current published snapshot of a closed month as plain data (None if not published)."""
    snapshot = db.session.scalar(
        sa.select(Snapshot).join(Period, Snapshot.period_id == Period.id)
        .where(Snapshot.club_id == club.id, Period.month == month, Period.status == PeriodStatus.CLOSED,
               Snapshot.is_current.is_(True))
        .order_by(Snapshot.revision.desc()).limit(1)
    )
    if snapshot is None:
        return None
    rows = db.session.execute(
        sa.select(SnapshotFirm.firm_id, SnapshotFirm.value).where(
            SnapshotFirm.snapshot_id == snapshot.id, SnapshotFirm.kpi_code == kpi_code)  # every row is in "all"
    ).all()
    stat = db.session.scalar(sa.select(SnapshotStat).where(
        SnapshotStat.snapshot_id == snapshot.id, SnapshotStat.kpi_code == kpi_code, SnapshotStat.group_key == ALL_GROUP))
    return rules.PeriodFigures(
        month=month, values={firm_id: value for firm_id, value in rows},
        p25=stat.p25 if stat else None, p50=stat.p50 if stat else None, p75=stat.p75 if stat else None,
    )


@dataclass
class SuggestionView:
    """Suggestions with the firms resolved, for the facilitator's page and the CLI."""

    kpi: KpiDefinition
    result: rules.Suggestions
    firms: dict[int, Firm]


def get_suggestions(club: Club, kpi_code: str, month: str) -> SuggestionView:
    """Hosts and invitees for a KPI, from the frozen snapshots of `month` and the 5 closed months before."""
    kpi = get_kpi(club, kpi_code)
    month = parse_month(month)
    if month not in closed_months(club, up_to=month, limit=1):
        raise DomainError(f"Period {month} is not closed; suggestions use published benchmarks only.",
                          field="period")
    months = sorted(closed_months(club, up_to=month, limit=rules.HOST_WINDOW))
    figures = [f for f in (period_figures(club, kpi.code, m) for m in months) if f is not None]
    if not figures or figures[-1].month != month:
        raise DomainError(f"No benchmark has been published for {month} yet.", field="period")
    result = rules.suggest(figures, kpi.higher_is_better)
    ids = {c.firm for c in result.hosts + result.invitees}
    firms = {f.id: f for f in db.session.scalars(sa.select(Firm).where(Firm.id.in_(ids)))} if ids else {}
    return SuggestionView(kpi=kpi, result=result, firms=firms)


# --- impact ------------------------------------------------------------------------------------


@dataclass
class ImpactView:
    """Impact of one workshop at each horizon, and what members may see of each (DOMAIN §5)."""

    workshop: Workshop
    kpi: KpiDefinition
    base_month: str
    horizons: list[rules.HorizonImpact]
    public: dict[int, ReleasedDifference | None]  # per horizon, as released to members (None: not available)
    note: str = ""

    @property
    def released(self) -> dict[int, tuple[bool, str]]:
        """Per horizon: (released to members, reason when not)."""
        out = {}
        for h in self.horizons:
            public = self.public.get(h.months)
            out[h.months] = (False, h.note) if public is None else (public.released, public.reason or "")
        return out


@dataclass(frozen=True)
class PublicHorizon:
    """One horizon as a member may receive it: released medians and banded counts, or a reason."""

    months: int
    month: str
    note: str
    release: ReleasedDifference | None


def public_horizons(view: ImpactView) -> list[PublicHorizon]:
    """The member-safe rows of an impact view: no per-firm change ever leaves this function."""
    return [PublicHorizon(h.months, h.month, h.note, view.public.get(h.months)) for h in view.horizons]


def _public_release(h: rules.HorizonImpact, club: Club) -> ReleasedDifference | None:
    """What a member may see of one horizon, decided by the benchmarks' disclosure control."""
    if not h.available:
        return None
    released = release_median_difference(h.attending_changes, h.other_changes, Viewer(MEMBER, club.id), club)
    if released.reason:
        released.reason = (released.reason.replace("the first group", "the group of attending firms")
                           .replace("the second group", "the group of other firms"))
    return released


def get_impact(workshop: Workshop) -> ImpactView:
    """Attending against non-attending firms over the following 3 and 6 closed periods."""
    kpi = get_kpi(workshop.club, workshop.kpi_code)
    base_month = workshop.held_on.strftime("%Y-%m")
    view = ImpactView(workshop=workshop, kpi=kpi, base_month=base_month, horizons=[], public={})
    if workshop.status != WorkshopStatus.HELD:
        view.note = "Impact is measured once the workshop has been held and attendance recorded."
        return view
    base = period_figures(workshop.club, kpi.code, base_month)
    attending = {r.firm_id for r in workshop.registrations if r.attended}
    exclude = {workshop.host_firm_id} if workshop.host_firm_id else set()
    for months in rules.IMPACT_HORIZONS:
        later_month = base_month
        for _ in range(months):
            later_month = next_month(later_month)
        later = period_figures(workshop.club, kpi.code, later_month)
        if base is None:
            h = rules.unavailable_horizon(months, later_month, f"No benchmark published for {base_month}.")
        elif later is None:
            h = rules.unavailable_horizon(months, later_month, f"Available once {later_month} is closed and published.")
        else:
            h = rules.horizon_impact(months, later_month, base.values, later.values, attending, exclude)
        view.horizons.append(h)
        view.public[months] = _public_release(h, workshop.club)
    return view


# --- lists -------------------------------------------------------------------------------------


def list_workshops(club: Club) -> list[Workshop]:
    """Every workshop of a club, upcoming first then past, newest first."""
    return list(db.session.scalars(sa.select(Workshop).where(Workshop.club_id == club.id)
                                   .order_by(Workshop.held_on.desc(), Workshop.id.desc())))


def overdue_actions(club: Club, today: date) -> list[ImprovementAction]:
    """Open improvement actions past their due date, oldest first: the facilitator's follow-up list."""
    return list(db.session.scalars(
        sa.select(ImprovementAction).join(Firm, ImprovementAction.firm_id == Firm.id)
        .where(Firm.club_id == club.id, ImprovementAction.status == ActionStatus.OPEN,
               ImprovementAction.due_on < today)
        .order_by(ImprovementAction.due_on, ImprovementAction.id)
    ))


@dataclass
class MemberOverview:
    """What a member's firm has going on in workshops: hosting, invitations, registrations, actions."""

    host_requests: list[Workshop]
    invitations: list[Workshop]
    registrations: list[WorkshopRegistration]
    open_workshops: list[Workshop]
    actions: list[ImprovementAction]


def member_overview(user: User, today: date) -> MemberOverview:
    """The member's view: nothing here names another firm except an agreed host."""
    firm_id = user.firm_id
    club_id = user.firm.club_id
    upcoming = [w for w in db.session.scalars(
        sa.select(Workshop).where(Workshop.club_id == club_id, Workshop.status == WorkshopStatus.PLANNED,
                                  Workshop.held_on >= today).order_by(Workshop.held_on))]
    regs = list(db.session.scalars(
        sa.select(WorkshopRegistration).join(Workshop).where(
            WorkshopRegistration.firm_id == firm_id, WorkshopRegistration.status != RegistrationStatus.CANCELLED)
        .order_by(Workshop.held_on.desc())))
    registered_ids = {r.workshop_id for r in regs}
    invited_ids = set(db.session.scalars(sa.select(WorkshopInvitation.workshop_id)
                                         .where(WorkshopInvitation.firm_id == firm_id)))
    published = [w for w in upcoming if is_workshop_published(w) and w.host_firm_id != firm_id]
    return MemberOverview(
        host_requests=[w for w in upcoming if w.host_firm_id == firm_id],
        invitations=[w for w in published if w.id in invited_ids and w.id not in registered_ids],
        registrations=regs,
        open_workshops=[w for w in published if w.id not in invited_ids and w.id not in registered_ids],
        actions=list(db.session.scalars(sa.select(ImprovementAction).where(ImprovementAction.firm_id == firm_id)
                                        .order_by(ImprovementAction.status == ActionStatus.DONE,
                                                  ImprovementAction.due_on))),
    )


def places(workshop: Workshop) -> tuple[int, int]:
    """(registered firms, waiting-list firms) of a workshop: the only registration facts members see."""
    registered = sum(1 for r in workshop.registrations if r.status == RegistrationStatus.REGISTERED)
    waiting = sum(1 for r in workshop.registrations if r.status == RegistrationStatus.WAITLISTED)
    return registered, waiting


def registration_of(workshop: Workshop, firm_id: int | None) -> WorkshopRegistration | None:
    """A firm's registration row for a workshop, if any (cancelled rows included)."""
    return next((r for r in workshop.registrations if r.firm_id == firm_id), None)


def club_firms(club: Club) -> list[Firm]:
    """Active supplier firms of a club, for the facilitator's pickers."""
    return list(db.session.scalars(sa.select(Firm).where(Firm.club_id == club.id, Firm.kind == FirmKind.SUPPLIER,
                                                          Firm.active.is_(True)).order_by(Firm.code)))
