"""Storing a demo Plan: one function per concern, existing services where they exist, bulk rows elsewhere.

Timestamps that a page shows (when a value was entered, a visit logged, a period closed) are derived
from the demo calendar, so the history reads like a real one; none of it depends on today's date.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from ..auth.services import create_user
from ..benchmarks.services import load_illustrative_comparator
from ..catalogue import list_kpis
from ..clubs.services import create_club, create_firm, link_supplier
from ..extensions import db
from ..ladder.services import ensure_default_ladder
from ..models import (
    ActionStatus,
    Certificate,
    Club,
    Consent,
    DecisionStatus,
    Firm,
    FirmKind,
    HostStatus,
    ImprovementAction,
    KpiValue,
    LadderEvaluation,
    MonthSubmission,
    Period,
    Role,
    StageChange,
    Target,
    User,
    Visit,
    VisitCadence,
    VisitorRole,
    VisitOutcome,
    Workshop,
    WorkshopInvitation,
    WorkshopRegistration,
    WorkshopStatus,
)
from ..months import month_start, previous_month
from ..periods.services import default_due_date, open_period
from .history import SELF
from .plan import Plan
from .stages import StageRow


def at(day: date, hour: int = 9) -> datetime:
    """A fixed UTC timestamp on a demo date."""
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


@dataclass
class Demo:
    """The stored club, its firms by code, and the demo users by role."""

    club: Club
    firms: dict[str, Firm] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    periods: dict[str, Period] = field(default_factory=dict)

    def user_of(self, firm_code: str) -> User | None:
        """The demo user working for that firm, if there is one."""
        return next((u for u in self.users.values() if u.firm is not None and u.firm.code == firm_code), None)


def _user(spec: dict[str, str], role: Role, password: str, **where: Any) -> User:
    user, _ = create_user(spec["email"], role, password=password, name=spec["name"], **where)
    return user


def create_club_and_people(plan: Plan) -> Demo:
    """The admin, the club with its firms and links, then the facilitator, member and governor users."""
    definition, people = plan.definition, plan.definition["users"]
    admin = _user(people["admin"], Role.ADMIN, people["password"])
    demo = Demo(club=create_club(definition["club"]["code"], definition["club"]["name"], actor=admin))
    demo.club.time_zone = definition["club"].get("time_zone", "Africa/Johannesburg")  # a South African club
    demo.users["admin"] = admin
    for spec in definition["suppliers"]:
        demo.firms[spec["code"]] = create_firm(demo.club, spec["code"], spec["name"], FirmKind.SUPPLIER,
                                               spec["country"], spec["sector"], spec["employees"], actor=admin)
    for spec in definition["governors"]:
        demo.firms[spec["code"]] = create_firm(demo.club, spec["code"], spec["name"], FirmKind.GOVERNOR,
                                               spec["country"], spec["sector"], spec["employees"], actor=admin)
    for governor, supplier, tier in plan.links:
        link = link_supplier(demo.firms[governor], demo.firms[supplier], tier, actor=admin)
        link.visit_cadence = VisitCadence.FORTNIGHTLY if tier >= 3 else VisitCadence.MONTHLY
    main_governor = max(definition["governors"], key=lambda g: len(g["links"]))["code"]
    demo.users["facilitator"] = _user(people["facilitator"], Role.FACILITATOR, people["password"], club=demo.club)
    demo.users["member"] = _user(people["member"], Role.MEMBER, people["password"], firm=demo.firms[plan.member_firm])
    demo.users["governor"] = _user(people["governor"], Role.GOVERNOR, people["password"],
                                   firm=demo.firms[main_governor])
    return demo


def open_periods(demo: Demo, plan: Plan) -> None:
    """Open every demo month, dated as if opened on its first day."""
    for month in plan.calendar.months:
        period = open_period(demo.club, month, actor=demo.users["facilitator"])
        period.opened_at = at(month_start(month), 7)
        demo.periods[month] = period


def write_values(demo: Demo, plan: Plan) -> int:
    """All monthly values in one bulk insert; entered a few days before each month's due date."""
    kpi_ids = {k.code: k.id for k in list_kpis(demo.club, active_only=False)}
    rows = []
    for r in plan.values:
        source = demo.firms[r.firm if r.source == SELF else r.source]
        editor = demo.user_of(source.code)
        entered = default_due_date(r.month) - timedelta(days=6 if r.source == SELF else 10)
        if r.month == plan.calendar.open_month:  # entered so far this month
            entered = month_start(r.month).replace(day=20)
        rows.append(dict(firm_id=demo.firms[r.firm].id, kpi_id=kpi_ids[r.kpi], period_id=demo.periods[r.month].id,
                         source_firm_id=source.id, value=r.value, is_nil=r.is_nil, comment=r.comment,
                         flagged=r.flagged, version=1, updated_by_id=editor.id if editor else None,
                         updated_at=at(entered)))
    db.session.execute(sa.insert(KpiValue), rows)
    return len(rows)


def write_certificates(demo: Demo, plan: Plan) -> None:
    """Certificates as records with their issue and expiry dates."""
    for c in plan.certificates:
        db.session.add(Certificate(firm_id=demo.firms[c.firm].id, standard=c.standard, number=c.number, body=c.body,
                                   issued_on=c.issued_on, expires_on=c.expires_on,
                                   evidence_note="Copy of the certificate seen by the facilitator.",
                                   created_at=at(c.issued_on + timedelta(days=7)),
                                   updated_at=at(c.issued_on + timedelta(days=7))))


def write_consents(demo: Demo, plan: Plan) -> None:
    """Each supplier's consent per governor (all KPIs or a list); a few revoked later."""
    for c in plan.consents:
        db.session.add(Consent(supplier_id=demo.firms[c.supplier].id, governor_id=demo.firms[c.governor].id,
                               all_kpis=c.kpi_codes is None, kpi_codes=list(c.kpi_codes or []),
                               granted_at=at(c.granted_on), revoked_at=at(c.revoked_on) if c.revoked_on else None))


def write_visits(demo: Demo, plan: Plan) -> None:
    """Governor staff's plant visits, logged on the day."""
    rows = []
    for v in plan.visits:
        author = demo.user_of(v.governor)
        rows.append(dict(governor_id=demo.firms[v.governor].id, supplier_id=demo.firms[v.supplier].id,
                         visited_on=v.visited_on, visitor_role=VisitorRole(v.role), purpose=v.purpose,
                         findings=v.findings, outcome=VisitOutcome(v.outcome),
                         created_by_id=author.id if author else None, created_at=at(v.visited_on, 16)))
    db.session.execute(sa.insert(Visit), rows)


def write_workshops(demo: Demo, plan: Plan) -> None:
    """Workshops with invitations, registrations and attendance, and the improvement actions after them."""
    stored = []
    for w in plan.workshops:
        host = demo.firms[w.host]
        month = w.held_on.strftime("%Y-%m")
        workshop = Workshop(
            club_id=demo.club.id, kpi_code=w.kpi, title=w.title, host_firm_id=host.id,
            host_status=HostStatus.AGREED, held_on=w.held_on,
            place=f"{host.name} plant", capacity=12, status=WorkshopStatus.PLANNED if w.planned else WorkshopStatus.HELD,
            agenda="Host's plant tour; how the host measures and improves; each firm picks one action.",
            notes="" if w.planned else f"{len(w.attended)} firms attended; each left with one improvement action.",
            suggested_from_month=previous_month(month), created_by_id=demo.users["facilitator"].id,
            created_at=at(w.held_on - timedelta(days=35)))
        workshop.invitations = [WorkshopInvitation(firm_id=demo.firms[f].id, invited_at=at(w.held_on - timedelta(33)),
                                                   reason=f"In the worse tail for this KPI in {previous_month(month)}")
                                for f in w.invited]
        workshop.registrations = [_registration(demo, f, f in w.attended, w.held_on) for f in w.registered]
        db.session.add(workshop)
        stored.append(workshop)
    db.session.flush()
    for a in plan.actions:
        db.session.add(ImprovementAction(
            workshop_id=stored[a.workshop_index].id, firm_id=demo.firms[a.firm].id, description=a.description,
            owner=a.owner, due_on=a.due_on, status=ActionStatus.DONE if a.completed_on else ActionStatus.OPEN,
            completed_on=a.completed_on, created_at=at(plan.workshops[a.workshop_index].held_on, 17)))


def _registration(demo: Demo, firm: str, attended: bool, held_on: date) -> WorkshopRegistration:
    user = demo.user_of(firm)
    return WorkshopRegistration(firm_id=demo.firms[firm].id, user_id=user.id if user else None, attended=attended,
                                registered_at=at(held_on - timedelta(days=31)))


def write_targets(demo: Demo, plan: Plan) -> None:
    """Each governor's published targets for its suppliers."""
    first = plan.calendar.closed[0]
    for spec in plan.definition["governors"]:
        for kpi, value in spec["targets"].items():
            db.session.add(Target(governor_id=demo.firms[spec["code"]].id, kpi_code=kpi, value=float(value),
                                  note=f"Requirement communicated to suppliers from {first}.",
                                  updated_at=at(month_start(first))))


def write_comparator(demo: Demo, plan: Plan) -> None:
    """The benchmarks feature's illustrative European comparator, labelled as not a published survey."""
    load_illustrative_comparator(demo.club, actor=demo.users["facilitator"])


def prepare_ladders(demo: Demo, plan: Plan) -> None:
    """Every governor's default CGL ladder, and stage 1 for every linked supplier from the first month."""
    for spec in plan.definition["governors"]:
        ensure_default_ladder(demo.firms[spec["code"]], actor=demo.users["admin"])
    write_stage_changes(demo, [s for s in plan.stages if s.month == plan.calendar.closed[0] and s.stage == 1])


def write_stage_changes(demo: Demo, rows: list[StageRow], *, leave_pending: bool = False) -> None:
    """Approved stage changes; a matching pending recommendation of the ladder feature is marked approved,
    or, with `leave_pending` (the month just closed), left for the governor to decide."""
    for row in rows:
        governor, supplier = demo.firms[row.governor], demo.firms[row.supplier]
        decider = demo.user_of(row.governor)
        evaluation = _pending_evaluation(governor, supplier, row) if row.stage > 1 else None
        if evaluation is not None and leave_pending:
            continue
        if evaluation is not None:
            evaluation.status = DecisionStatus.APPROVED
            evaluation.decided_by_id = decider.id if decider else None
            evaluation.decided_at = at(default_due_date(row.month) + timedelta(days=3))
            evaluation.comment = row.reason
        db.session.add(StageChange(governor_id=governor.id, supplier_id=supplier.id, stage=row.stage,
                                   effective_month=row.month, evaluation_id=evaluation.id if evaluation else None,
                                   decided_by_id=decider.id if decider else None, reason=row.reason,
                                   created_at=at(default_due_date(row.month) + timedelta(days=3))))
    db.session.flush()


def _pending_evaluation(governor: Firm, supplier: Firm, row: StageRow) -> LadderEvaluation | None:
    return db.session.scalar(sa.select(LadderEvaluation).where(
        LadderEvaluation.governor_id == governor.id, LadderEvaluation.supplier_id == supplier.id,
        LadderEvaluation.period_month == row.month, LadderEvaluation.status == DecisionStatus.PENDING,
        LadderEvaluation.target_stage == row.stage))


def write_submissions(demo: Demo, plan: Plan) -> None:
    """When each firm completed each month (timeliness): a few days before the due date, a few firms late."""
    total = len(list_kpis(demo.club))
    counts: dict[tuple[str, str], int] = {}
    for r in plan.values:
        if r.source == SELF:
            counts[(r.firm, r.month)] = counts.get((r.firm, r.month), 0) + 1
    rows = []
    for (firm, month), n in sorted(counts.items()):
        due = default_due_date(month)
        late = sum(map(ord, firm + month)) % 9 == 0  # deterministic: about one firm-month in nine is late
        done = due + timedelta(days=4) if late else due - timedelta(days=6)
        complete = n >= total and month != plan.calendar.open_month
        rows.append(dict(firm_id=demo.firms[firm].id, period_id=demo.periods[month].id,
                         first_at=at(due - timedelta(days=8)), completed_at=at(done) if complete else None))
    if rows:
        db.session.execute(sa.insert(MonthSubmission), rows)
