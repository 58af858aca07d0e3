"""The club report and a member's confidential report, read from frozen snapshots.

Everything in a report goes through the benchmarks' disclosure control: the club report is built
for an anonymous member (so the facilitator can hand it to the whole club), a member's report for
that member (its own value and rank marked). No peer value, minimum, maximum or identity is read
into a report, except the host firms of workshops, which agreed to be named.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from ..benchmarks import queries as bq
from ..benchmarks.charts import Chart, cert_share_chart
from ..benchmarks.club.rows import TailChange, tail_shortening
from ..benchmarks.disclosure import MEMBER, ReleasedShare, ReleasedStat, Viewer, audit_counts, n_label
from ..benchmarks.member.charts import member_tail_over_time_chart
from ..catalogue import list_kpis
from ..extensions import db
from ..kpis.queries import get_completeness
from ..ladder.defaults import DEFAULT_STAGES
from ..ladder.facts import StageFact
from ..ladder.rules import current_stage
from ..models import Club, Firm, FirmKind, KpiDefinition, StageChange, SupplyLink, Workshop, WorkshopStatus
from ..months import month_end, month_start
from ..periods.services import list_periods
from ..workshops.queries import PublicHorizon, get_impact, public_horizons
from .spans import ReportSpan

STAGE_NAMES = {number: name for number, name, _ in DEFAULT_STAGES}  # governors may rename theirs
HISTORY_MONTHS = 24


@dataclass
class KpiSection:
    """One KPI in a report: the distribution at the end of the span, its tail over time and shortening."""

    kpi: KpiDefinition
    end: ReleasedStat | None
    tail_chart: Chart
    tail: TailChange | None
    comparator: bq.ComparatorQuantiles | None


@dataclass
class StageMixRow:
    stage: int
    name: str
    count: int | str


@dataclass
class WorkshopSummary:
    workshop: Workshop
    kpi: KpiDefinition
    attending: int | str
    horizons: list[PublicHorizon]
    note: str = ""


@dataclass
class ClubReport:
    """Everything a report shows; built once, rendered as HTML or PDF."""

    club: Club
    span: ReportSpan
    firm: Firm | None
    end_month: str | None
    generated_at: datetime
    n_suppliers: int | str
    n_governors: int
    completeness: list[tuple[str, dict[str, int | str]]] = field(default_factory=list)
    kpis: list[KpiSection] = field(default_factory=list)
    shares: list[ReleasedShare] = field(default_factory=list)
    shares_chart: Chart | None = None
    stage_mix: list[StageMixRow] = field(default_factory=list)
    stage_pairs: int | str = 0
    workshops: list[WorkshopSummary] = field(default_factory=list)

    @property
    def is_member_report(self) -> bool:
        return self.firm is not None


def report_viewer(club: Club, firm: Firm | None) -> Viewer:
    """An anonymous member for the club report; the member itself for its confidential report."""
    return Viewer(MEMBER, club.id, firm.id if firm is not None else None)


def build_report(club: Club, span: ReportSpan, firm: Firm | None = None) -> ClubReport:
    """Assemble the report for a span: club, completeness, KPIs, certificates, ladder mix, workshops."""
    viewer = report_viewer(club, firm)
    published = [m for m in bq.published_months(club) if span.first <= m <= span.last]
    end_month = max(published) if published else None
    suppliers = [f for f in club.firms if f.kind == FirmKind.SUPPLIER and f.active]
    report = ClubReport(
        club=club, span=span, firm=firm, end_month=end_month, generated_at=datetime.now(UTC),
        n_suppliers=n_label(len(suppliers), club) if suppliers else 0,
        n_governors=sum(1 for f in club.firms if f.kind == FirmKind.GOVERNOR and f.active),
    )
    report.completeness = _completeness(club, span)
    if end_month is None:
        return report
    report.kpis = _kpi_sections(club, viewer, end_month)
    snapshot = bq.current_snapshot(club, end_month)
    report.shares = bq.released_shares(snapshot, "all", viewer, club)
    own = bq.own_valid_standards(firm.id, end_month) if firm is not None else set()
    report.shares_chart = cert_share_chart(report.shares, own, show_own=firm is not None, chart_id="report-certs")
    report.stage_mix, report.stage_pairs = _stage_mix(club, end_month)
    report.workshops = _workshops(club, span)
    return report


def _completeness(club: Club, span: ReportSpan) -> list[tuple[str, dict[str, int | str]]]:
    """Per month of the span: how many suppliers were complete, partial, nil return or missing, as the
    release audit lets them be printed (no count, and no total minus the others, of 1-4 firms)."""
    periods = [p for p in reversed(list_periods(club)) if p.month in span.months]
    if not periods:
        return []
    matrix = get_completeness(club, periods=periods)
    out = []
    for i, p in enumerate(periods):
        categories: dict[str, list[int]] = defaultdict(list)
        for firm, cells in matrix.rows:
            categories[cells[i]].append(firm.id)
        out.append((p.month, audit_counts(categories, club)[0]))
    return out


def _kpi_sections(club: Club, viewer: Viewer, end_month: str) -> list[KpiSection]:
    """Released statistics at the end of the span and the tail over the preceding two years."""
    history_ids = bq.snapshots_up_to(club, end_month, HISTORY_MONTHS)
    released = bq.release_for_snapshots([sid for sid, _ in history_ids], "all", viewer, club)
    comparators = bq.comparators_by_kpi(club)
    tails = {t.kpi.code: t for t in tail_shortening(club, viewer, end_month)}
    end_id = history_ids[-1][0] if history_ids else None
    sections = []
    for kpi in list_kpis(club):
        history = [(m, released[(sid, kpi.code)]) for sid, m in history_ids if (sid, kpi.code) in released]
        comps = comparators.get(kpi.code, [])
        # date axis with quarterly ticks: month labels are never clipped in the two-column layout
        chart = member_tail_over_time_chart(kpi, history, comps, chart_id=f"report-tail-{kpi.code}")
        sections.append(KpiSection(kpi, released.get((end_id, kpi.code)), chart, tails.get(kpi.code),
                                   comps[0] if comps else None))
    return sections


def _stage_mix(club: Club, month: str) -> tuple[list[StageMixRow], int | str]:
    """Supplier-governor pairs per ladder stage at a month, across every governor; small counts withheld."""
    links = db.session.execute(
        sa.select(SupplyLink.governor_id, SupplyLink.supplier_id).join(Firm, Firm.id == SupplyLink.supplier_id)
        .where(Firm.club_id == club.id)).all()
    history: dict[tuple[int, int], list[StageFact]] = defaultdict(list)
    for change in db.session.scalars(
            sa.select(StageChange).join(Firm, Firm.id == StageChange.supplier_id).where(Firm.club_id == club.id)):
        history[(change.governor_id, change.supplier_id)].append(StageFact(change.stage, change.effective_month))
    pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pair in map(tuple, links):
        pairs[current_stage(history[pair], month)[0]].append(pair)
    counts, total = audit_counts({stage: pairs.get(stage, []) for stage in sorted(set(STAGE_NAMES) | set(pairs))}, club)
    rows = [StageMixRow(stage, STAGE_NAMES.get(stage, f"Stage {stage}"), count) for stage, count in counts.items()]
    return rows, total


def _workshops(club: Club, span: ReportSpan) -> list[WorkshopSummary]:
    """Workshops held in the span with attendance (banded) and their released impact."""
    workshops = db.session.scalars(
        sa.select(Workshop).where(Workshop.club_id == club.id, Workshop.status == WorkshopStatus.HELD,
                                  Workshop.held_on.between(month_start(span.first), month_end(span.last)))
        .order_by(Workshop.held_on)).all()
    summaries = []
    for w in workshops:
        impact = get_impact(w)
        attending = sum(1 for r in w.registrations if r.attended)
        summaries.append(WorkshopSummary(w, impact.kpi, n_label(attending, club), public_horizons(impact), impact.note))
    return summaries
