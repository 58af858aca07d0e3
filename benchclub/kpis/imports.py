"""CSV import of KPI values: check every row against the database and the importer's role, then write
all of them or none (issue 2 item 9).

Who may import what is permissions.value_import_reach: a member imports its own firm's self-reported
values; governor staff import their own firm's measurements of linked suppliers (governor-measurable
KPIs only); a facilitator imports for the whole club, any source; the admin (and the CLI without --as)
imports anything. This module only turns that reach into row errors.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, NamedTuple

import sqlalchemy as sa

from ..catalogue import list_kpis
from ..csvimport import ImportRejectedError, RowError, all_or_nothing
from ..errors import DomainError
from ..extensions import db
from ..gcpause import collector_paused
from ..models import Firm, FirmKind, KpiDefinition, KpiValue, Period, PeriodStatus, SupplyLink, User
from ..periods.services import parse_month
from ..permissions import ImportReach, value_import_reach
from .bulk import StoredValue, write_planned
from .csv_io import CsvRow, read_rows
from .desk import record_submissions
from .validation import NUMBER_RE, CheckedValue, check_value, describe, parse_number

__all__ = ["ImportPlan", "ImportRejectedError", "ImportScope", "PlannedRow", "RowError", "apply_plan", "import_csv",
           "plan_and_apply", "plan_import", "plan_rows"]


@dataclass(frozen=True)
class ImportScope:
    """Whose rules apply: the importer's reach (permissions.py) and the firm or club it belongs to."""

    reach: ImportReach
    firm: Firm | None = None
    club_id: int | None = None

    @classmethod
    def of(cls, user: User | None) -> ImportScope:
        """The user's rules; no user (the CLI without --as) means admin rules."""
        reach = value_import_reach(user)
        if user is None or reach == ImportReach.ALL:
            return cls(reach)
        return cls(reach, firm=user.firm, club_id=user.home_club_id)


class FirmRef(NamedTuple):
    """The columns of a firm that checking and writing an import need (no ORM object per firm)."""

    id: int
    code: str
    club_id: int
    is_supplier: bool
    is_governor: bool


class PeriodRef(NamedTuple):
    """A period of a club, as plain columns."""

    id: int
    club_id: int
    month: str
    is_open: bool


class KpiRef(NamedTuple):
    """A KPI of a club's catalogue, as plain columns (what `validation.check_value` reads)."""

    id: int
    code: str
    name: str
    unit: str
    hard_min: float
    hard_max: float
    soft_min: float
    soft_max: float
    governor_measurable: bool


class PlannedRow:
    """A good row, resolved: what it will write and what it replaces (`action` is new, update or unchanged)."""

    __slots__ = ("line", "firm", "kpi", "period", "source", "checked", "current", "action")

    def __init__(self, line: int, firm: FirmRef, kpi: KpiRef, period: PeriodRef, source: FirmRef,
                 checked: CheckedValue, current: StoredValue | None):
        self.line, self.firm, self.kpi, self.period, self.source = line, firm, kpi, period, source
        self.checked, self.current = checked, current
        if current is None:
            self.action = "new"
        else:
            same = (current.value, current.is_nil, current.comment or "") == (
                checked.value, checked.is_nil, checked.comment)
            self.action = "unchanged" if same else "update"

    @property
    def old_text(self) -> str:
        """The stored value this row replaces, as people read it."""
        return describe(self.current.value, self.current.is_nil) if self.current else ""

    @property
    def new_text(self) -> str:
        """The value this row writes, as people read it."""
        return describe(self.checked.value, self.checked.is_nil)

    @property
    def source_label(self) -> str:
        """'self' or the measuring governor's code, as in the CSV."""
        return "self" if self.source.id == self.firm.id else self.source.code


@dataclass
class ImportPlan:
    """The outcome of checking a file: rows to write, or every error found."""

    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    written: dict[str, int] | None = None  # set by apply_plan: new/update/unchanged counts
    kpi_counts: dict[int, int] = field(default_factory=dict)  # club id -> KPIs in its catalogue (read while planning)

    @property
    def ok(self) -> bool:
        """True when no row has an error."""
        return not self.errors

    def count(self, action: str) -> int:
        """How many rows would be (or were) new, updated or unchanged."""
        return sum(1 for r in self.rows if r.action == action)


IN_CHUNK = 500  # ids or codes per IN (...) list: well under every database's parameter limit
WHOLE_TABLE_ABOVE = 2000  # more firm codes than this: read every firm's few columns instead of IN lists
WHOLE_PERIOD_ABOVE = 50  # more firms of one period than this: read the period's values whole
SELF = ("", "self")


def _problem(column: str, message: str) -> DomainError:
    return DomainError(message, field=column)


class _Resolver:
    """Looks codes up once per file (as plain columns), applying the importer's role rules as it goes.

    Every method raises DomainError naming the column; `fast_row` is the same rules for the common,
    all-good row, answering None whenever anything needs a closer look (then `_plan_row` collects errors).
    """

    def __init__(self, scope: ImportScope):
        self.scope = scope
        self._firms: dict[str, FirmRef | None] = {}
        self._kpis: dict[int, dict[str, KpiRef]] = {}
        self._periods: dict[tuple[int, str], PeriodRef | None] = {}
        self._values: dict[int, dict[tuple[int, int, int], StoredValue]] = {}
        self._linked: dict[int, set[int]] = {}
        self._club_firm_ids: dict[int, list[int]] = {}
        self._contexts: dict[tuple[str, str], Any] = {}  # (firm code, period text) -> see `_context`
        self._self_allowed = scope.reach != ImportReach.LINKED_SUPPLIERS  # may rows be the firm's own values?

    _FIRM_COLUMNS = (Firm.id, Firm.code, Firm.club_id, Firm.kind)

    @staticmethod
    def _ref(id_: int, code: str, club_id: int, kind: FirmKind) -> FirmRef:
        return FirmRef(id_, code, club_id, kind == FirmKind.SUPPLIER, kind == FirmKind.GOVERNOR)

    def preload(self, rows: list[CsvRow]) -> None:
        """Look every firm code of the file up in a few IN queries instead of one query per code."""
        codes = sorted({r.firm for r in rows} | {r.source for r in rows} - {"", "self", "SELF", "Self"})
        if len(codes) > WHOLE_TABLE_ABOVE:  # thousands of codes: reading the firms' columns is cheaper than IN lists
            found = {row[1]: self._ref(*row) for row in db.session.execute(sa.select(*self._FIRM_COLUMNS))}
            self._firms.update({code: found.get(code) for code in codes})
            return
        for start in range(0, len(codes), IN_CHUNK):
            chunk = codes[start:start + IN_CHUNK]
            found = {row[1]: self._ref(*row) for row in db.session.execute(
                sa.select(*self._FIRM_COLUMNS).where(Firm.code.in_(chunk)))}
            self._firms.update({code: found.get(code) for code in chunk})

    def _period_values(self, period: PeriodRef) -> dict[tuple[int, int, int], StoredValue]:
        """The stored values of the file's firms in a period, loaded once per period in IN chunks."""
        if period.id not in self._values:
            club_ids = self._club_firm_ids
            if not club_ids:
                for f in self._firms.values():
                    if f is not None:
                        club_ids.setdefault(f.club_id, []).append(f.id)
                for ids in club_ids.values():
                    ids.sort()
            ids = club_ids.get(period.club_id, [])
            found: dict[tuple[int, int, int], StoredValue] = {}
            columns = (KpiValue.firm_id, KpiValue.kpi_id, KpiValue.source_firm_id, KpiValue.id, KpiValue.value,
                       KpiValue.is_nil, KpiValue.comment, KpiValue.version)
            if len(ids) > WHOLE_PERIOD_ABOVE:  # most of a club's firms: read the club's month whole, no IN list
                for firm_id, kpi_id, source_id, *stored in db.session.execute(
                        sa.select(*columns).where(KpiValue.period_id == period.id)).fetchall():
                    found[(firm_id, kpi_id, source_id)] = StoredValue(*stored)
                ids = []
            for start in range(0, len(ids), IN_CHUNK):
                for firm_id, kpi_id, source_id, *stored in db.session.execute(sa.select(*columns).where(
                        KpiValue.period_id == period.id, KpiValue.firm_id.in_(ids[start:start + IN_CHUNK]))):
                    found[(firm_id, kpi_id, source_id)] = StoredValue(*stored)
            self._values[period.id] = found
        return self._values[period.id]

    def _lookup_firm(self, code: str) -> FirmRef | None:
        if code not in self._firms:
            row = db.session.execute(sa.select(*self._FIRM_COLUMNS).where(Firm.code == code)).first()
            self._firms[code] = self._ref(*row) if row else None
        return self._firms[code]

    def linked_suppliers(self, governor: FirmRef | Firm) -> set[int]:
        """Ids of the governor's linked suppliers (looked up once per file)."""
        if governor.id not in self._linked:
            self._linked[governor.id] = set(db.session.scalars(
                sa.select(SupplyLink.supplier_id).where(SupplyLink.governor_id == governor.id)))
        return self._linked[governor.id]

    def firm(self, code: str) -> FirmRef:
        """The row's firm, within what the importer may write (never revealing other firms exist)."""
        scope, firm = self.scope, self._lookup_firm(code)
        if not code:
            raise _problem("firm", "The firm code is missing.")
        if scope.reach == ImportReach.OWN_FIRM and (firm is None or firm.id != scope.firm.id):
            raise _problem("firm", f"You can only import values for your own firm ({scope.firm.code}), "
                                   f"not for '{code}'.")
        if scope.reach == ImportReach.LINKED_SUPPLIERS and (firm is None or firm.id not in self.linked_suppliers(scope.firm)):
            raise _problem("firm", f"'{code}' is not one of your linked suppliers.")
        if firm is None or (scope.reach == ImportReach.CLUB and firm.club_id != scope.club_id):
            raise _problem("firm", f"Unknown firm code '{code}'.")
        if not firm.is_supplier:
            raise _problem("firm", f"'{code}' is a governor firm; values are reported for supplier firms.")
        return firm

    def catalogue(self, club_id: int) -> dict[str, KpiRef]:
        """The club's KPIs by code: the catalogue of `list_kpis` (active KPIs in display order), read as
        columns for every club of the file in one query the first time any is asked for."""
        if club_id not in self._kpis:
            clubs = sorted({f.club_id for f in self._firms.values() if f is not None} | {club_id})
            for club in clubs:
                self._kpis.setdefault(club, {})
            k = KpiDefinition
            for club, *columns in db.session.execute(
                    sa.select(k.club_id, k.id, k.code, k.name, k.unit, k.hard_min, k.hard_max, k.soft_min, k.soft_max,
                              k.governor_measurable).where(k.club_id.in_(clubs), k.active.is_(True))
                    .order_by(k.club_id, k.position, k.id)):
                self._kpis[club][columns[1]] = KpiRef(*columns)
        return self._kpis[club_id]

    def kpi(self, firm: FirmRef, code: str) -> KpiRef:
        """The KPI of the firm's club catalogue with that code."""
        known = self.catalogue(firm.club_id)
        if code not in known:
            raise _problem("kpi", f"Unknown KPI code '{code}'. Known codes: {', '.join(known)}.")
        return known[code]

    def period(self, firm: FirmRef, text: str) -> PeriodRef:
        """An open period of the firm's club."""
        month = parse_month(text)
        key = (firm.club_id, month)
        if key not in self._periods:
            row = db.session.execute(sa.select(Period.id, Period.club_id, Period.month, Period.status).where(
                Period.club_id == firm.club_id, Period.month == month)).first()
            self._periods[key] = PeriodRef(*row[:3], row[3] == PeriodStatus.OPEN) if row else None
        period = self._periods[key]
        if period is None:
            raise _problem("period", f"Period {month} has not been opened yet; values cannot be entered for it.")
        if not period.is_open:
            raise _problem("period", f"Period {month} is closed; its values can no longer be changed.")
        return period

    def source(self, firm: FirmRef, kpi: KpiRef, text: str) -> FirmRef:
        """`self` (or blank, or the firm's own code), or a governor linked to the firm measuring that KPI."""
        scope, is_self = self.scope, text.lower() in SELF or text == firm.code
        if scope.reach == ImportReach.OWN_FIRM and not is_self:
            raise _problem("source", "Members import their own values: leave the source empty or write 'self'.")
        if scope.reach == ImportReach.LINKED_SUPPLIERS and (is_self or text != scope.firm.code):
            raise _problem("source", f"You import your own firm's measurements: the source must be {scope.firm.code}.")
        if is_self:
            return firm
        governor = self._lookup_firm(text)
        if governor is None or governor.club_id != firm.club_id or not governor.is_governor:
            raise _problem("source", f"'{text}' is neither 'self' nor a governor firm of this club.")
        if firm.id not in self.linked_suppliers(governor):
            raise _problem("source", f"{governor.code} is not linked to supplier {firm.code}.")
        if not kpi.governor_measurable:
            raise _problem("kpi", f"{kpi.name} ({kpi.code}) is not a KPI governors measure.")
        return governor

    def current(self, firm: FirmRef, kpi: KpiRef, period: PeriodRef, source: FirmRef) -> StoredValue | None:
        """The stored value this row would replace."""
        return self._period_values(period).get((firm.id, kpi.id, source.id))

    def _context(self, code: str, month_text: str) -> tuple[FirmRef, PeriodRef, dict, dict] | None:
        """For a firm code and period text: the firm, its open period, its club's catalogue and the stored
        values of that period, when `firm()` and `period()` accept them; else None."""
        try:
            firm = self.firm(code)
            period = self.period(firm, month_text)
        except DomainError:
            return None
        return firm, period, self.catalogue(firm.club_id), self._period_values(period)

    def fast_row(self, row: CsvRow) -> PlannedRow | None:
        """The row planned by the same rules as `_plan_row`, when every check passes; else None.

        Firm, open period and catalogue answers are memoised per (firm code, period text), so a good
        row costs a few dict lookups, one regular expression and the range comparisons.
        """
        code = row.firm
        key = (code, row.period)
        context = self._contexts.get(key, False)
        if context is False:
            context = self._contexts[key] = self._context(code, row.period)
        if context is None:
            return None
        firm, period, catalogue, stored = context
        kpi = catalogue.get(row.kpi)
        if kpi is None:
            return None
        checked = _fast_value(kpi, row.value, row.comment)
        if checked is None:
            return None
        source_text = row.source
        if self._self_allowed and (source_text in SELF or source_text == code or source_text.lower() == "self"):
            source = firm
        else:
            try:
                source = self.source(firm, kpi, source_text)
            except DomainError:
                return None
        return PlannedRow(row.line, firm, kpi, period, source, checked, stored.get((firm.id, kpi.id, source.id)))


def _fast_value(kpi: KpiRef, text: str, comment: str) -> CheckedValue | None:
    """`check_value(kpi, parse_number(text), ...)` when it accepts the value; None when it might not."""
    if comment:
        comment = comment.strip()
    if text == "":
        return CheckedValue(None, True, False, comment)
    if not NUMBER_RE.match(text):
        return None
    value = float(text)
    if not kpi.hard_min <= value <= kpi.hard_max:
        return None
    flagged = not kpi.soft_min <= value <= kpi.soft_max
    if flagged and not comment:
        return None
    return CheckedValue(value, False, flagged, comment)


def _number(row: CsvRow) -> float | None:
    return None if row.value == "" else parse_number(row.value)


def _plan_row(row: CsvRow, resolver: _Resolver) -> tuple[PlannedRow | None, list[RowError]]:
    """Check one row, collecting every independent problem rather than stopping at the first."""
    errors: list[RowError] = []

    def attempt(check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one check; record its error against the column it names."""
        try:
            return check(*args, **kwargs)
        except DomainError as exc:
            errors.append(RowError(row.line, exc.field or "", str(exc)))
            return None

    firm = attempt(resolver.firm, row.firm)
    before = len(errors)
    number = attempt(_number, row)
    number_ok = len(errors) == before
    if firm is None:
        attempt(parse_month, row.period)
        return None, errors
    kpi = attempt(resolver.kpi, firm, row.kpi)
    period = attempt(resolver.period, firm, row.period)
    source = attempt(resolver.source, firm, kpi, row.source) if kpi else None
    checked = attempt(check_value, kpi, number, is_nil=row.value == "", comment=row.comment) \
        if kpi and number_ok else None
    if errors:
        return None, errors
    return PlannedRow(row.line, firm, kpi, period, source, checked, resolver.current(firm, kpi, period, source)), []


def _duplicate_key(row: CsvRow) -> tuple[str, str, str, str]:
    source = row.source
    if source.lower() in SELF or source == row.firm:
        source = "self"
    return row.firm, row.period, row.kpi, source


def plan_rows(rows: list[CsvRow], *, actor: User | None) -> ImportPlan:
    """Check parsed rows under the actor's role rules; nothing is written."""
    resolver, plan, seen = _Resolver(ImportScope.of(actor)), ImportPlan(), {}
    resolver.preload(rows)
    with collector_paused():
        _plan_all(rows, resolver, plan, seen)
    plan.kpi_counts = {club_id: len(kpis) for club_id, kpis in resolver._kpis.items()}
    return plan


def _plan_all(rows: list[CsvRow], resolver: _Resolver, plan: ImportPlan, seen: dict) -> None:
    for row in rows:
        key = _duplicate_key(row)
        if key in seen:
            plan.errors.append(RowError(row.line, "", f"Repeats line {seen[key]}: the same firm, period, KPI and "
                                                      "source may appear only once in a file."))
            continue
        seen[key] = row.line
        planned = resolver.fast_row(row)
        if planned is None:
            planned, errors = _plan_row(row, resolver)
            plan.errors.extend(errors)
        if planned is not None:
            plan.rows.append(planned)


def plan_import(data: bytes, *, actor: User | None, limit: int) -> ImportPlan:
    """Read and check a whole file (size first, then UTF-8, header, every row)."""
    with collector_paused():
        rows, errors = read_rows(data, limit=limit)
    if errors:
        return ImportPlan(errors=errors)
    return plan_rows(rows, actor=actor)


def apply_plan(plan: ImportPlan, *, actor: User | None, via: str = "CSV import") -> ImportPlan:
    """Write every row of a clean plan, auditing each change; refuse the whole plan if any row is bad.

    All or nothing (`csvimport.all_or_nothing`): if writing fails part way (a value changed by someone
    else since planning, a deadlock), the session is rolled back before the error goes on.
    """
    if not plan.ok:
        raise ImportRejectedError(plan.errors)
    plan.written = {action: plan.count(action) for action in ("new", "update", "unchanged")}
    all_or_nothing(db.session, lambda: _write_plan(plan, actor, via))
    return plan


def _write_plan(plan: ImportPlan, actor: User | None, via: str) -> None:
    # Rows are written in one global order (firm, KPI, period, source), so two imports touching the same
    # rows queue behind each other instead of deadlocking (each waits for the row the other holds).
    ordered = sorted(plan.rows, key=attrgetter("firm.id", "kpi.id", "period.id", "source.id"))
    with collector_paused():
        write_planned(ordered, actor=actor, via=via)
    db.session.flush()
    own = [r for r in plan.rows if r.source.id == r.firm.id]
    per_club = {club_id: plan.kpi_counts[club_id] if club_id in plan.kpi_counts else len(list_kpis(club_id))
                for club_id in {r.firm.club_id for r in own}}
    record_submissions({(r.firm.id, r.period.id) for r in own}, {r.firm.id: per_club[r.firm.club_id] for r in own})


def plan_and_apply(data: bytes, *, actor: User | None, limit: int) -> ImportPlan:
    """Check the whole file, then write it if clean; a plan with errors is returned and writes nothing."""
    plan = plan_import(data, actor=actor, limit=limit)
    if plan.ok:
        apply_plan(plan, actor=actor)
    return plan


def import_csv(data: bytes, *, actor: User | None, limit: int) -> ImportPlan:
    """Check and write a file in one go (the CLI, the API); raises ImportRejectedError when any row is bad."""
    return apply_plan(plan_import(data, actor=actor, limit=limit), actor=actor)
