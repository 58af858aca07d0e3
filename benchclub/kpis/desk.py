"""The facilitator's data-quality desk (identified club data): values outside the soft range, big jumps from a
firm's own history and governor-vs-self disagreements in open months, each accepted or queried; the member
answers a query. Also when each firm submitted each month (timeliness) and reminders to missing firms."""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from ..audit import record
from ..errors import DomainError, NotFoundError
from ..extensions import db
from ..models import (
    CheckKind,
    CheckStatus,
    Club,
    DataCheck,
    Firm,
    FirmKind,
    KpiDefinition,
    KpiValue,
    MonthSubmission,
    Period,
    PeriodStatus,
    Role,
    User,
)
from .history import HISTORY_MONTHS, is_big_jump

DISAGREEMENT_PP = 2.0  # percentage KPIs: governor and self may differ by up to 2 percentage points
DISAGREEMENT_RELATIVE = 0.10  # other KPIs: by up to a tenth of the larger value


def disagrees(own: float, measured: float, kpi: KpiDefinition) -> bool:
    """True when a governor's measurement differs from the firm's own figure beyond the tolerance."""
    if kpi.unit.startswith("%"):
        return abs(own - measured) > DISAGREEMENT_PP
    return abs(own - measured) > DISAGREEMENT_RELATIVE * max(abs(own), abs(measured))


@dataclass
class DeskItem:
    """One questionable value with why it is on the desk and what has been decided about it."""

    firm: Firm
    period: Period
    kpi: KpiDefinition
    kind: CheckKind
    value: float
    reference: float | None  # the usual value (jump) or the governor's measurement (disagreement)
    reference_label: str
    comment: str
    check: DataCheck | None

    @property
    def state(self) -> str:
        """new, answered (the member replied: decide again), queried (waiting for the member), accepted."""
        if self.check is None or self.check.value != self.value:
            return "new"
        return self.check.status.value

    @property
    def needs_decision(self) -> bool:
        return self.state in ("new", "answered")


def _open_periods(club: Club, month: str | None) -> list[Period]:
    query = sa.select(Period).where(Period.club_id == club.id, Period.status == PeriodStatus.OPEN)
    if month:
        query = query.where(Period.month == month)
    return list(db.session.scalars(query.order_by(Period.month.desc())))


def _history(club: Club, periods: list[Period]) -> dict[tuple[int, int], list[tuple[str, float]]]:
    """(firm id, kpi id) -> [(month, value)] of self-reported values from HISTORY_MONTHS before the oldest period."""
    oldest = min(p.month for p in periods)
    year, mon = (int(x) for x in oldest.split("-"))
    index = year * 12 + mon - 1 - HISTORY_MONTHS
    start = f"{index // 12:04d}-{index % 12 + 1:02d}"
    rows = db.session.execute(
        sa.select(KpiValue.firm_id, KpiValue.kpi_id, Period.month, KpiValue.value)
        .join(Period, Period.id == KpiValue.period_id)
        .where(Period.club_id == club.id, Period.month >= start, KpiValue.source_firm_id == KpiValue.firm_id,
               KpiValue.is_nil.is_(False)))
    out: dict[tuple[int, int], list[tuple[str, float]]] = defaultdict(list)
    for firm_id, kpi_id, month, value in rows:
        out[(firm_id, kpi_id)].append((month, value))
    return out


def _usual(history: list[tuple[str, float]], month: str) -> float | None:
    before = sorted((m, v) for m, v in history if m < month)[-HISTORY_MONTHS:]
    return statistics.median(v for _, v in before) if before else None


def list_desk_items(club: Club, *, month: str | None = None) -> list[DeskItem]:
    """Every questionable self-reported value of the club's open months (or one month), newest month first."""
    periods = _open_periods(club, month)
    if not periods:
        return []
    values = list(db.session.scalars(sa.select(KpiValue).where(
        KpiValue.period_id.in_([p.id for p in periods]), KpiValue.is_nil.is_(False))))
    checks = {(c.firm_id, c.period_id, c.kpi_id, c.kind): c for c in db.session.scalars(
        sa.select(DataCheck).where(DataCheck.period_id.in_([p.id for p in periods])))}
    own = {(v.firm_id, v.period_id, v.kpi_id): v for v in values if v.is_self_reported}
    history = _history(club, periods)
    items: list[DeskItem] = []

    def add(v: KpiValue, kind: CheckKind, reference: float | None, label: str) -> None:
        items.append(DeskItem(v.firm, v.period, v.kpi, kind, v.value, reference, label, v.comment,
                              checks.get((v.firm_id, v.period_id, v.kpi_id, kind))))

    for v in own.values():
        if v.flagged:
            add(v, CheckKind.SOFT_RANGE, None, f"usual range {v.kpi.soft_min:g} to {v.kpi.soft_max:g}")
        usual = _usual(history.get((v.firm_id, v.kpi_id), []), v.period.month)
        if is_big_jump(v.value, usual, v.kpi):
            add(v, CheckKind.JUMP, usual, "firm's usual (median of its recent months)")
    for v in values:
        mine = own.get((v.firm_id, v.period_id, v.kpi_id))
        if not v.is_self_reported and mine is not None and disagrees(mine.value, v.value, v.kpi):
            items.append(DeskItem(mine.firm, mine.period, mine.kpi, CheckKind.DISAGREEMENT, mine.value, v.value,
                                  f"measured by {v.source_firm.name}", mine.comment,
                                  checks.get((mine.firm_id, mine.period_id, mine.kpi_id, CheckKind.DISAGREEMENT))))
    items.sort(key=lambda i: (i.period.month, i.firm.name, i.kpi.position, i.kind.value), reverse=False)
    items.sort(key=lambda i: i.period.month, reverse=True)
    return items


def _get_item(club: Club, firm_id: int, period_id: int, kpi_id: int, kind: CheckKind) -> DeskItem:
    period = db.session.get(Period, period_id)
    if period is None or period.club_id != club.id:
        raise NotFoundError("No such month in this club.")
    item = next((i for i in list_desk_items(club, month=period.month)
                 if i.firm.id == firm_id and i.kpi.id == kpi_id and i.kind == kind), None)
    if item is None:
        raise NotFoundError("This value is no longer on the desk (it may have been corrected).")
    return item


def decide_item(club: Club, firm_id: int, period_id: int, kpi_id: int, kind: CheckKind, *, accept: bool,
                question: str = "", actor: User) -> DataCheck:
    """Accept a questionable value, or query it (the firm's members are notified and can answer)."""
    item = _get_item(club, firm_id, period_id, kpi_id, kind)
    question = (question or "").strip()
    if not accept and not question:
        raise DomainError("Write the question the firm should answer.", field="question")
    check = item.check or DataCheck(firm_id=firm_id, period_id=period_id, kpi_id=kpi_id, kind=kind)
    check.status = CheckStatus.ACCEPTED if accept else CheckStatus.QUERIED
    check.value, check.decided_by_id, check.decided_at = item.value, actor.id, datetime.now(UTC)
    if not accept:
        check.question, check.answer, check.answered_at = question[:2000], "", None
    db.session.add(check)
    db.session.flush()
    record(actor, "accept" if accept else "query", "data_check", check.id, club_id=club.id,
           summary=f"{item.firm.code} {item.period.month} {item.kpi.code} {kind.value}",
           new=item.value, reason=question)
    if not accept:
        _notify_members(item, question)
    return check


def _notify_members(item: DeskItem, question: str) -> None:
    from ..notifications.reminders import link_for, members_of
    from ..notifications.services import notify

    notify(members_of(item.firm.id), kind="data_query",
           message=f"The facilitator asks about your {item.kpi.name} for {item.period.month}: {question}"[:500],
           link=link_for("kpis.member_queries"),
           dedupe_key=f"data-query:{item.firm.id}:{item.period.id}:{item.kpi.id}:{item.kind.value}:{item.value}")


def list_member_queries(firm: Firm) -> list[DataCheck]:
    """The facilitator's questions to this firm, open ones first."""
    return list(db.session.scalars(sa.select(DataCheck).where(
        DataCheck.firm_id == firm.id, DataCheck.status.in_([CheckStatus.QUERIED, CheckStatus.ANSWERED]))
        .order_by((DataCheck.status == CheckStatus.ANSWERED), DataCheck.decided_at.desc())))


def answer_query(firm: Firm, check_id: int, answer: str, *, actor: User) -> DataCheck:
    """The member's answer to a query; the item returns to the facilitator's queue."""
    check = db.session.get(DataCheck, check_id)
    if check is None or check.firm_id != firm.id or check.status == CheckStatus.ACCEPTED:
        raise NotFoundError("No such question for your firm.")
    answer = (answer or "").strip()
    if not answer:
        raise DomainError("Write an answer (or correct the value on the month's entry page).", field="answer")
    check.answer, check.status, check.answered_at = answer[:2000], CheckStatus.ANSWERED, datetime.now(UTC)
    db.session.flush()
    record(actor, "answer", "data_check", check.id, club_id=firm.club_id,
           summary=f"{firm.code} {check.period.month} {check.kpi.code}", reason=answer)
    return check


# --- timeliness --------------------------------------------------------------------------------------

def record_submission(firm: Firm, period: Period, *, complete: bool, at: datetime | None = None) -> MonthSubmission:
    """Remember when a firm first entered a month and when it was first complete (timeliness)."""
    at = at or datetime.now(UTC)
    sub = db.session.scalar(sa.select(MonthSubmission).where(MonthSubmission.firm_id == firm.id,
                                                             MonthSubmission.period_id == period.id))
    if sub is None:
        sub = MonthSubmission(firm_id=firm.id, period_id=period.id, first_at=at)
        db.session.add(sub)
    if complete and sub.completed_at is None:
        sub.completed_at = at
    db.session.flush()
    return sub


def record_submissions(pairs: set[tuple[int, int]], kpi_count: dict[int, int], *,
                       at: datetime | None = None) -> None:
    """Timeliness for many (firm id, period id) pairs at once (a CSV import): three statements, not three per firm.

    `kpi_count` maps a firm id to its club's number of KPIs: a month is complete once the firm's own values
    (nil returns included) cover them all.
    """
    if not pairs:
        return
    at = at or datetime.now(UTC)
    keys = sorted(pairs)
    by_period: dict[int, list[int]] = {}
    for f, p in keys:
        by_period.setdefault(p, []).append(f)
    counted, existing = _own_counts_and_submissions(by_period)
    complete = {k for k in keys if counted.get(k, 0) >= kpi_count.get(k[0], 0) > 0}
    new = [{"firm_id": f, "period_id": p, "first_at": at, "completed_at": at if (f, p) in complete else None}
           for f, p in keys if (f, p) not in existing]
    done = [{"f": f, "p": p, "at": at} for f, p in keys if (f, p) in existing and existing[(f, p)] is None
            and (f, p) in complete]
    table = MonthSubmission.__table__
    if new:  # one executemany each, not one statement per firm
        db.session.execute(table.insert(), new)
    if done:
        db.session.execute(table.update().where(table.c.firm_id == sa.bindparam("f"),
                                                table.c.period_id == sa.bindparam("p"))
                           .values(completed_at=sa.bindparam("at")), done)


def _own_counts_and_submissions(by_period: dict[int, list[int]]) -> tuple[dict, dict]:
    """Per (firm, period): how many of its own values there are, and its submission's completed_at if any.

    Per period, firm ids in IN chunks: a (firm, period) tuple IN list of thousands of pairs costs more
    to compile than to run.
    """
    table = MonthSubmission.__table__
    counted: dict[tuple[int, int], int] = {}
    existing: dict[tuple[int, int], datetime | None] = {}
    for period_id, firm_ids in by_period.items():
        # Many firms of the period: read the period whole (one club-month) rather than long IN lists.
        whole = len(firm_ids) > 50
        for start in range(0, 1 if whole else len(firm_ids), 500):
            chunk = firm_ids[start:start + 500]
            counted.update(((f, period_id), n) for f, n in db.session.execute(
                sa.select(KpiValue.firm_id, sa.func.count())
                .where(KpiValue.source_firm_id == KpiValue.firm_id, KpiValue.period_id == period_id,
                       sa.true() if whole else KpiValue.firm_id.in_(chunk))
                .group_by(KpiValue.firm_id)))
            existing.update(((f, period_id), done) for f, done in db.session.execute(
                sa.select(table.c.firm_id, table.c.completed_at)
                .where(table.c.period_id == period_id, sa.true() if whole else table.c.firm_id.in_(chunk))))
    return counted, existing


def timeliness(period: Period, completed_at: datetime | None, complete: bool, today: date) -> str:
    """on time, late (complete after the due date), missing (incomplete after it), due (not yet due), or ''."""
    deadline = datetime.combine(period.due_on, time.max, tzinfo=UTC)
    if completed_at is not None:
        completed_at = completed_at if completed_at.tzinfo else completed_at.replace(tzinfo=UTC)
        return "on time" if completed_at <= deadline else "late"
    if complete:
        return ""  # complete before timeliness was recorded
    return "missing" if today > period.due_on else "due"


def submissions(periods: list[Period]) -> dict[tuple[int, int], datetime | None]:
    """(firm id, period id) -> when the month was first complete."""
    if not periods:
        return {}
    return {(s.firm_id, s.period_id): s.completed_at for s in db.session.scalars(
        sa.select(MonthSubmission).where(MonthSubmission.period_id.in_([p.id for p in periods])))}


def remind_missing(club: Club, period: Period, firm_ids: list[int], *, actor: User) -> tuple[int, int]:
    """Notify the members of every firm still missing values for a month, in one action.

    Returns (firms reminded, firms without an active member account to remind)."""
    from ..notifications.reminders import link_for, members_of
    from ..notifications.services import notify

    suppliers = {f.id: f for f in db.session.scalars(sa.select(Firm).where(
        Firm.club_id == club.id, Firm.kind == FirmKind.SUPPLIER, Firm.id.in_(firm_ids)))}
    reminded = unreachable = 0
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M")
    for firm in suppliers.values():
        users = [u for u in members_of(firm.id) if u.role == Role.MEMBER]
        unreachable += not users
        if users and notify(users, kind="period_reminder", link=link_for("kpis.entry", month=period.month),
                  message=f"Reminder from your facilitator: please complete your KPIs for {period.month} "
                          f"(due {period.due_on.isoformat()}).",
                  dedupe_key=f"manual-reminder:{period.id}:{firm.id}:{stamp}"):
            reminded += 1
    record(actor, "remind", "period", period.id, club_id=club.id,
           summary=f"reminded {reminded} firm(s) missing {period.month}; {unreachable} without a member account")
    return reminded, unreachable


@dataclass
class MatrixCell:
    """One firm-month of the completeness matrix with its timeliness."""

    period: Period
    status: str
    timeliness: str


def matrix_rows(matrix, today: date, *, missing_only: bool = False) -> list[tuple[Firm, list[MatrixCell]]]:
    """The matrix's rows with timeliness per cell; `missing_only` keeps firms missing values in the current month."""
    timing = submissions(matrix.periods)
    current = next((i for i, p in enumerate(matrix.periods) if p.is_open), 0)
    rows = []
    for firm, cells in matrix.rows:
        if missing_only and cells[current] not in ("missing", "partial"):
            continue
        rows.append((firm, [MatrixCell(p, status, timeliness(p, timing.get((firm.id, p.id)),
                                                             status in ("complete", "nil return"), today))
                            for p, status in zip(matrix.periods, cells, strict=True)]))
    return rows
