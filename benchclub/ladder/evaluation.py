"""Running the ladder: load a governor's evidence in a few queries, apply the rules, store recommendations.

Evaluation runs for every governor of a club when a period closes (subscriber below) and on demand.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from ..audit import record
from ..errors import DomainError
from ..extensions import db
from ..gcpause import collector_paused
from ..models import (
    ActionStatus,
    Certificate,
    CriterionKind,
    DecisionStatus,
    Firm,
    FirmKind,
    ImprovementAction,
    KpiDefinition,
    KpiValue,
    Ladder,
    LadderEvaluation,
    Period,
    Recommendation,
    StageChange,
    SupplyLink,
    User,
    Visit,
    Workshop,
    WorkshopRegistration,
)
from ..models._base import utcnow
from ..periods.services import list_closed_months
from ..permissions import consented_kpis_by_supplier
from ..sqlbulk import insert_rows, to_driver
from . import services
from .batch import KpiColumn, Suppliers, evaluate_stored
from .months import month_from_index
from .redaction import preview_outcome, visible_facts
from .rules import (
    Assessment,
    CertificateFact,
    Criterion,
    LadderRules,
    StageFact,
    SupplierFacts,
    VisitFact,
    evaluate_many,
    kpi_criterion_name,
)


@dataclass
class SupplierAssessment:
    """A supplier, its link to the governor and the engine's assessment."""

    supplier: Firm
    link: SupplyLink
    assessment: Assessment


def closed_months(club_id: int, up_to: str | None = None) -> list[str]:
    """The club's closed periods, oldest first (optionally up to a month)."""
    return list_closed_months(club_id, up_to)


def _window_months(ladder: LadderRules) -> int:
    """How far back the evidence must reach (the longest window of any criterion)."""
    return max([int(c.params.get("months", 1)) for c in ladder.criteria] + [3])


#: Up to this many suppliers are named in the evidence queries; for more, the queries read through the
#: governor's links (no list of thousands of ids to bind) and rows of other firms are skipped here.
BY_ID_MAX = 200


def load_facts(governor: Firm, links: list[SupplyLink], ladder: LadderRules, period: str) -> dict[int, SupplierFacts]:
    """Every supplier's facts for the rules engine, loaded in one query per kind of evidence."""
    months = closed_months(governor.club_id, period)
    preferred = _governor_measurable(governor.club_id)
    facts = {link.supplier_id: SupplierFacts(
        closed_months=months, self_values={}, governor_values={}, certificates=[], visits=[], stage_history=[],
        actions_completed=[], workshops_attended=[], linked_month=link.created_at.strftime("%Y-%m"),
        governor_preferred=preferred) for link in links}
    if not facts:
        return facts
    ids = list(facts)
    _load_values(governor, ids, months[-_window_months(ladder):], ladder, facts)
    _load_records(governor, ids, facts)
    return facts


def _load_records(governor: Firm, ids: list[int], facts: dict[int, SupplierFacts]) -> None:
    """Certificates, this governor's visits and stage changes, completed actions, attended workshops."""
    for firm_id, attribute, fact in _records(governor, ids):
        f = facts.get(firm_id)
        if f is not None:  # a linked supplier that is not evaluated (inactive) when read through the links
            getattr(f, attribute).append(fact)


def _records(governor: Firm, ids: list[int]):
    """(firm id, SupplierFacts attribute, fact) for every record `_record_queries` reads."""
    for attribute, make, query in _record_queries(governor, ids):
        for firm_id, *values in db.session.execute(query):
            yield firm_id, attribute, make(*values)


def _record_queries(governor: Firm, ids: list[int]) -> tuple:
    """(SupplierFacts attribute, fact from a row's values, query of (firm id, values...)) per kind of record."""
    among = _among(governor, ids)
    return (
        ("certificates", CertificateFact,
         sa.select(Certificate.firm_id, Certificate.standard, Certificate.issued_on, Certificate.expires_on)
         .where(among(Certificate.firm_id)).order_by(Certificate.id)),
        ("visits", lambda on, role, outcome: VisitFact(on, role.value, outcome.value),
         sa.select(Visit.supplier_id, Visit.visited_on, Visit.visitor_role, Visit.outcome)
         .where(Visit.governor_id == governor.id, among(Visit.supplier_id)).order_by(Visit.id)),
        ("stage_history", StageFact,  # oldest first, as current_stage expects
         sa.select(StageChange.supplier_id, StageChange.stage, StageChange.effective_month)
         .where(StageChange.governor_id == governor.id, among(StageChange.supplier_id))
         .order_by(StageChange.effective_month, StageChange.id)),
        ("actions_completed", _same,
         sa.select(ImprovementAction.firm_id, ImprovementAction.completed_on)
         .where(among(ImprovementAction.firm_id), ImprovementAction.status == ActionStatus.DONE,
                ImprovementAction.completed_on.is_not(None))),
        ("workshops_attended", _same,
         sa.select(WorkshopRegistration.firm_id, Workshop.held_on).join(Workshop)
         .where(among(WorkshopRegistration.firm_id), WorkshopRegistration.attended.is_(True))),
    )


def _same(value):
    return value


def _among(governor: Firm, ids: list[int]):
    """A filter on a supplier id column: the ids themselves when few, else every supplier the governor links."""
    if len(ids) <= BY_ID_MAX:
        return lambda column: column.in_(ids)
    linked = sa.select(SupplyLink.supplier_id).where(SupplyLink.governor_id == governor.id).scalar_subquery()
    return lambda column: column.in_(linked)


def _governor_measurable(club_id: int) -> frozenset[str]:
    codes = db.session.scalars(sa.select(KpiDefinition.code).where(KpiDefinition.club_id == club_id,
                                                                   KpiDefinition.governor_measurable.is_(True)))
    return frozenset(codes)


def _load_values(governor: Firm, ids: list[int], months: list[str], ladder: LadderRules,
                 facts: dict[int, SupplierFacts]) -> None:
    """Self-reported values and this governor's measurements of the KPIs the ladder reads."""
    found = _values_query(governor, ids, months, ladder)
    if found is None:
        return
    query, keys = found
    for firm_id, source_id, value, _, kpi_id, period_id in db.session.execute(query):
        f = facts.get(firm_id)
        if f is not None:
            target = f.self_values if source_id == firm_id else f.governor_values
            target[keys[kpi_id][period_id]] = value  # type: ignore[index]


def _values_query(governor: Firm, ids: list[int], months: list[str], ladder: LadderRules):
    """The query of (firm, source, value, is_nil, KPI id, period id) rows the ladder reads, and the
    (code, month) key of each (KPI id, period id), or None when there is nothing to read.

    The (KPI, period) pairs are resolved first, so every supplier's (code, month) keys are the same
    tuples. When the suppliers are most of the club, the values are read by period and KPI (an index
    range each) and other firms' rows skipped; otherwise by supplier.
    """
    codes = {c.params["kpi_code"] for c in ladder.criteria if c.kind == "kpi_threshold"}
    if not codes or not months:
        return None
    kpi_codes = dict(db.session.execute(sa.select(KpiDefinition.id, KpiDefinition.code).where(
        KpiDefinition.code.in_(codes))).all())
    period_months = dict(db.session.execute(sa.select(Period.id, Period.month).where(
        Period.club_id == governor.club_id, Period.month.in_(months))).all())
    if not kpi_codes or not period_months:
        return None
    keys = {kpi_id: {period_id: (code, month) for period_id, month in period_months.items()}
            for kpi_id, code in kpi_codes.items()}
    query = (
        sa.select(KpiValue.firm_id, KpiValue.source_firm_id, KpiValue.value, KpiValue.is_nil, KpiValue.kpi_id,
                  KpiValue.period_id)
        .where(KpiValue.kpi_id.in_(kpi_codes), KpiValue.period_id.in_(period_months),
               sa.or_(KpiValue.source_firm_id == KpiValue.firm_id, KpiValue.source_firm_id == governor.id))
    )
    if len(ids) <= BY_ID_MAX or 2 * len(ids) < _club_firms(governor.club_id):
        query = query.where(KpiValue.firm_id.in_(ids))
    return query, keys


def load_suppliers(governor: Firm, links: list, ladder: LadderRules, period: str) -> Suppliers:
    """`load_facts` by position in `links` (`_link_rows`), the values as numpy columns."""
    months = closed_months(governor.club_id, period)
    by_index = {index: month_from_index(index) for index in {link.linked_index for link in links}}
    linked = [by_index[link.linked_index] for link in links]
    suppliers = Suppliers(len(links), months, _governor_measurable(governor.club_id), linked)
    if not links:
        return suppliers
    ids = [link.supplier_id for link in links]
    position = {supplier_id: i for i, supplier_id in enumerate(ids)}
    _value_columns(governor, ids, position, months[-_window_months(ladder):], ladder, suppliers)
    for firm_id, attribute, fact in _records(governor, ids):
        pos = position.get(firm_id)
        if pos is not None:
            f = suppliers.records.get(pos)
            if f is None:
                f = suppliers.records[pos] = SupplierFacts(months, certificates=[], visits=[], stage_history=[],
                                                           actions_completed=[], workshops_attended=[])
            getattr(f, attribute).append(fact)
    return suppliers


def _value_columns(governor: Firm, ids: list[int], position: dict[int, int], months: list[str],
                   ladder: LadderRules, suppliers: Suppliers) -> None:
    """Each (KPI, month)'s self-reported values and this governor's measurements as columns by position."""
    found = _values_query(governor, ids, months, ladder)
    rows = db.session.connection().execute(found[0]).all() if found is not None else []  # flushed: _link_rows
    if not rows:
        return
    firm, source, value, nil, kpi, period = (np.array(column) for column in zip(*rows, strict=True))
    pos = np.array([position.get(f, -1) for f in firm.tolist()], dtype=np.int64)
    nil = nil.astype(bool)
    value = np.where(nil, 0, value).astype(float)
    own = firm == source
    for kpi_id, months_by_id in found[1].items():
        for period_id, key in months_by_id.items():
            here = (kpi == kpi_id) & (period == period_id) & (pos >= 0)
            for columns, mine in ((suppliers.self_values, own), (suppliers.governor_values, ~own)):
                at = here & mine
                if at.any():
                    column = columns[key] = KpiColumn(*(np.zeros(len(ids), dtype=t) for t in (bool, bool, float)))
                    column.present[pos[at]] = True
                    column.nil[pos[at]], column.value[pos[at]] = nil[at], value[at]


def _club_firms(club_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Firm.id)).where(Firm.club_id == club_id)) or 0


def kpi_wording(club_id: int) -> tuple[dict[str, str], dict[str, str]]:
    """KPI code -> name and code -> short unit ('ppm', '%'), to word the criteria."""
    rows = db.session.execute(sa.select(KpiDefinition.code, KpiDefinition.name, KpiDefinition.unit)
                              .where(KpiDefinition.club_id == club_id)).all()
    short = {"parts per million": "ppm"}
    return ({code: name for code, name, _ in rows},
            {code: "%" if unit.startswith("%") else short.get(unit, unit) for code, _, unit in rows})


def list_links(governor: Firm) -> list[SupplyLink]:
    """The governor's supply links to active suppliers, by supplier name."""
    return list(db.session.scalars(
        sa.select(SupplyLink).join(Firm, Firm.id == SupplyLink.supplier_id)
        .options(contains_eager(SupplyLink.supplier))
        .where(SupplyLink.governor_id == governor.id, Firm.active.is_(True)).order_by(Firm.name)
    ))


def _link_rows(governor: Firm) -> list[sa.Row]:
    """`list_links` as plain (supplier_id, linked_index) rows, same order, linked_index being the month of
    the link's created_at as a month index: all a stored evaluation needs (read through the session's
    connection: no ORM row processing)."""
    db.session.flush()
    created = SupplyLink.created_at
    index = sa.cast(sa.extract("year", created), sa.Integer) * 12 + sa.cast(sa.extract("month", created), sa.Integer) - 1
    return db.session.connection().execute(
        sa.select(SupplyLink.supplier_id, index.label("linked_index")).join(Firm, Firm.id == SupplyLink.supplier_id)
        .where(SupplyLink.governor_id == governor.id, Firm.active.is_(True)).order_by(Firm.name)
    ).all()


def _assess(governor: Firm, period: str, rules: LadderRules, links: list) -> list[Assessment]:
    """The engine's assessment of each linked supplier (anything with supplier_id and created_at)."""
    facts = load_facts(governor, links, rules, period)
    labels, units = kpi_wording(governor.club_id)
    return evaluate_many(rules, [facts[link.supplier_id] for link in links], period, labels, units)


def assess_suppliers(governor: Firm, period: str, *, links: list[SupplyLink] | None = None,
                     actor: User | None = None) -> list[SupplierAssessment]:
    """Run the rules for the governor's suppliers in a period without storing anything.

    The ladder version is the one in force for the period, and each month is judged against the
    threshold in force when it closed: saving new settings changes nothing already closed (DOMAIN §6).
    """
    rules = rules_in_force(governor, period, actor=actor)
    links = list_links(governor) if links is None else links
    return [SupplierAssessment(link.supplier, link, a)
            for link, a in zip(links, _assess(governor, period, rules, links), strict=True)]


def rules_in_force(governor: Firm, period: str, *, actor: User | None = None) -> LadderRules:
    """The rules engine's ladder for a period, with every monthly threshold frozen at its month's close."""
    return services.ladder_rules(*_version_and_history(governor, period, actor=actor),
                                 closed_months(governor.club_id, period))


def _version_and_history(governor: Firm, period: str, *, actor: User | None = None, store: bool = False):
    """The version in force and all versions; a read never stores the default ladder, an evaluation does."""
    versions = services.list_ladder_versions(governor)
    if not versions:
        versions = [services.ensure_default_ladder(governor, actor=actor) if store
                    else services.ladder_for_reading(governor)]
    return services.ladder_in_force(versions, period), versions


def _ladder_for_evaluation(governor: Firm, period: str, actor: User | None) -> tuple[Ladder, LadderRules]:
    """The version in force for a closed period (stored if it is the default) and its rules."""
    if period not in closed_months(governor.club_id, period):
        raise DomainError(f"Period {period} is not closed; only closed periods are evaluated.", field="period")
    ladder, versions = _version_and_history(governor, period, actor=actor, store=True)
    return ladder, services.ladder_rules(ladder, versions, closed_months(governor.club_id, period))


def _statuses(governor: Firm, period: str, supplier_ids: list[int], holds: list[bool]) -> list[DecisionStatus]:
    """Each new evaluation's status, older pending ones superseded.

    A promotion or demotion waits for the governor's decision; a hold is recorded as noted. A new
    evaluation supersedes the pair's older pending recommendations, unless a later period's
    recommendation already waits (then the new one is stored as superseded).
    """
    pending: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for ev_id, supplier_id, month in db.session.execute(
            sa.select(LadderEvaluation.id, LadderEvaluation.supplier_id, LadderEvaluation.period_month)
            .where(LadderEvaluation.governor_id == governor.id, LadderEvaluation.status == DecisionStatus.PENDING)
            .order_by(LadderEvaluation.id)):
        pending[supplier_id].append((ev_id, month))
    statuses = [DecisionStatus.NOTED if hold else DecisionStatus.PENDING for hold in holds]
    superseded = []
    for i, supplier_id in enumerate(supplier_ids) if pending else ():
        older = pending.get(supplier_id, ())
        if any(month > period for _, month in older):
            statuses[i] = DecisionStatus.SUPERSEDED  # a later period's recommendation already waits
        else:
            superseded.extend(ev_id for ev_id, _ in older)
    for start in range(0, len(superseded), 500):  # ORM-enabled: evaluations already in the session follow
        db.session.execute(sa.update(LadderEvaluation).where(LadderEvaluation.id.in_(superseded[start:start + 500]))
                           .values(status=DecisionStatus.SUPERSEDED))
    return statuses


def _evaluation_rows(governor: Firm, period: str, links: list, *, actor: User | None) -> tuple[Ladder, list[dict]]:
    """The evaluations to store for a closed period (as column values), older pending ones superseded."""
    ladder, rules = _ladder_for_evaluation(governor, period, actor)
    assessments = _assess(governor, period, rules, links)
    statuses = _statuses(governor, period, [link.supplier_id for link in links],
                         [a.recommendation == "hold" for a in assessments])
    return ladder, [dict(governor_id=governor.id, supplier_id=link.supplier_id, ladder_id=ladder.id,
                         period_month=period, current_stage=a.current_stage,
                         recommendation=Recommendation(a.recommendation), target_stage=a.target_stage,
                         criteria=a.criteria_dicts(), status=status, reason=a.reason)
                    for link, a, status in zip(links, assessments, statuses, strict=True)]


def _record_evaluation(governor: Firm, ladder: Ladder, period: str, pending: int, actor: User | None) -> None:
    record(actor, "evaluate", "ladder", ladder.id, club_id=governor.club_id,
           summary=f"{governor.code} ladder v{ladder.version} evaluated for {period}: "
                   f"{pending} recommendations pending")


def evaluate_governor(governor: Firm, period: str, *, actor: User | None = None) -> list[LadderEvaluation]:
    """Evaluate every supplier of a governor for a closed period and store the recommendations.

    A promotion or demotion waits for the governor's decision; a hold is recorded as noted. A new
    evaluation supersedes the pair's older pending recommendations.
    """
    links = list_links(governor)
    with collector_paused():
        ladder, rows = _evaluation_rows(governor, period, links, actor=actor)
        stored = [LadderEvaluation(**row) for row in rows]
        db.session.add_all(stored)
        db.session.flush()
    _record_evaluation(governor, ladder, period, sum(1 for r in rows if r["status"] == DecisionStatus.PENDING),
                       actor)
    return stored


def evaluate_club(club_id: int, period: str, *, actor: User | None = None) -> int:
    """Evaluate every governor of a club for a period; returns how many evaluations were stored.

    The same evaluations as `evaluate_governor`, worked out for all of a governor's suppliers at once
    (`batch.evaluate_stored`) and written as plain rows in one bulk insert per governor: this runs inside
    every period close.
    """
    governors = db.session.scalars(sa.select(Firm).where(Firm.club_id == club_id, Firm.kind == FirmKind.GOVERNOR,
                                                         Firm.active.is_(True))).all()
    count = 0
    for governor in governors:
        with collector_paused():
            ladder, rows, pending = _stored_rows(governor, period, _link_rows(governor), actor=actor)
            insert_rows(LadderEvaluation.__tablename__, _COLUMNS, rows)  # COPY on PostgreSQL; criteria as JSON text
        _record_evaluation(governor, ladder, period, pending, actor)
        count += len(rows)
    return count


#: the columns `_stored_rows` fills, in order (decided_by_id and decided_at stay NULL)
_COLUMNS = ("governor_id", "supplier_id", "ladder_id", "period_month", "current_stage", "recommendation",
            "target_stage", "criteria", "reason", "status", "comment", "created_at")


def _as_stored(column: str, values) -> dict:
    """Each value as the database receives it in a column of ladder_evaluations (Enum names, SQLite's
    datetime text), so the rows need no per-row conversion."""
    process = to_driver(LadderEvaluation.__table__.c[column])
    return {value: process(value) for value in values}


def _stored_rows(governor: Firm, period: str, links: list, *,
                 actor: User | None) -> tuple[Ladder, list[tuple], int]:
    """`_evaluation_rows` as plain tuples in `_COLUMNS` order (the criteria already JSON text), and how
    many are pending."""
    ladder, rules = _ladder_for_evaluation(governor, period, actor)
    labels, units = kpi_wording(governor.club_id)
    stored = evaluate_stored(rules, load_suppliers(governor, links, rules, period), period, labels, units)
    statuses = _statuses(governor, period, [link.supplier_id for link in links], [s[1] == "hold" for s in stored])
    recommendations = {r.value: value for r, value in _as_stored("recommendation", Recommendation).items()}
    status_values = _as_stored("status", DecisionStatus)
    (created,) = _as_stored("created_at", [utcnow()]).values()
    rows = [(governor.id, link.supplier_id, ladder.id, period, stage, recommendations[recommendation], target,
             criteria, reason, status_values[status], "", created)
            for link, (stage, recommendation, target, reason, criteria), status in zip(links, stored, statuses,
                                                                                        strict=True)]
    return ladder, rows, statuses.count(DecisionStatus.PENDING)


def _on_period_closed(period: Period, actor: User | None = None, reopened: bool = False, **_: object) -> None:
    """Closing a period runs every governor's ladder for it (DOMAIN §4, §7)."""
    evaluate_club(period.club_id, period.month, actor=actor)


@dataclass
class ThresholdPreview:
    """A changed KPI criterion tried on the data the governor may see, supplier by supplier."""

    name: str
    period: str
    outcomes: list[tuple[Firm, str]]

    def count(self, outcome: str) -> int:
        """How many suppliers have this outcome."""
        return sum(1 for _, o in self.outcomes if o == outcome)


def preview_thresholds(governor: Firm, params: dict[int, dict], *, actor: User | None = None) -> list[ThresholdPreview]:
    """Try edited KPI thresholds on the latest closed period without saving, on visible data only.

    Only the governor's own measurements and KPIs a supplier shares with it are read; other months are
    unknown (redaction.preview_outcome), so a preview never tests an unshared value.
    """
    ladder = services.ensure_default_ladder(governor, actor=actor)
    months = closed_months(governor.club_id)
    changed = [Criterion(c.stage_number, c.kind.value, p) for c, p in
               ((c, services.validated_params(c, params.get(c.id, c.params), governor)) for c in ladder.criteria)
               if c.kind == CriterionKind.KPI_THRESHOLD and p != dict(c.params)]
    if not months or not changed:
        return []
    links = list_links(governor)
    facts = load_facts(governor, links, LadderRules(ladder.version, (), tuple(changed)), months[-1])
    shared_by = consented_kpis_by_supplier(governor)
    names, units = kpi_wording(governor.club_id)
    labels = {**names, **{f"{code}:unit": unit for code, unit in units.items()}}
    previews = []
    for c in changed:
        outcomes = []
        for link in links:
            shared = shared_by.get(link.supplier_id, set())
            outcomes.append((link.supplier, preview_outcome(c, visible_facts(facts[link.supplier_id], shared),
                                                            months[-1], shared)))
        previews.append(ThresholdPreview(f"Stage {c.stage}: {kpi_criterion_name(c.params, labels)}", months[-1],
                                         outcomes))
    return previews

