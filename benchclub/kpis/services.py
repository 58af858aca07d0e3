"""Monthly KPI values: submit, correct and audit (DOMAIN §3, §4; issue 2 items 4 and 5).

Every write goes through `upsert_value`, which checks the optimistic-lock version, writes one audit
entry per change (old value, new value, why) and never commits: the view or CLI command does.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from .. import permissions
from ..audit import record
from ..catalogue import list_kpis
from ..errors import ConflictError, DomainError, PermissionDeniedError
from ..extensions import db
from ..models import Firm, KpiDefinition, KpiValue, Period, User
from ..periods.services import PeriodClosedError, get_open_period
from ..transactions import is_unique_violation
from .validation import CheckedValue, check_value, describe, parse_number


class ValuesInvalidError(DomainError):
    """One or more entered values broke a rule; `errors` maps each KPI code to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("Some values need attention; nothing was saved.")
        self.errors = errors


@dataclass(frozen=True)
class KpiInput:
    """One KPI as entered: the text typed, the 'not measured' choice, a comment, the version read.

    `version` None skips the optimistic-lock check (imports overwrite, audited); 0 means the person
    saw no stored value; any other number must match the stored version.
    """

    kpi_code: str
    text: str = ""
    is_nil: bool = False
    comment: str = ""
    version: int | None = None

    @property
    def is_blank(self) -> bool:
        """Nothing typed and "not measured" not ticked: the KPI is left unentered."""
        return not self.is_nil and not (self.text or "").strip()


_LOOK_UP = object()  # upsert_value finds the stored value itself unless the caller already has it


def find_values(firm: Firm, period: Period, source: Firm) -> dict[int, KpiValue]:
    """The stored values of one firm, month and source, by KPI id."""
    rows = db.session.scalars(
        sa.select(KpiValue).where(
            KpiValue.firm_id == firm.id, KpiValue.period_id == period.id, KpiValue.source_firm_id == source.id
        )
    )
    return {v.kpi_id: v for v in rows}


def check_input(kpi: KpiDefinition, item: KpiInput) -> CheckedValue:
    """Parse and check one entered KPI: non-numbers, NaN/infinity, hard and soft range."""
    if item.is_nil:
        return check_value(kpi, None, is_nil=True, comment=item.comment)
    number = parse_number(item.text, label=f"{kpi.name}: the value")
    return check_value(kpi, number, comment=item.comment)


def _check_version(current: KpiValue | None, expected: int | None, kpi: KpiDefinition) -> None:
    if expected is None:
        return
    stored = current.version if current is not None else 0
    if stored != expected:
        raise ConflictError(
            f"{kpi.name} was changed by someone else since you opened the page. "
            "Reload the page to see the current value, then enter yours again.",
            field=kpi.code,
        )


def upsert_value(
    firm: Firm,
    kpi: KpiDefinition,
    period: Period,
    source: Firm,
    checked: CheckedValue,
    *,
    actor: User | None,
    expected_version: int | None = None,
    current: KpiValue | None | object = _LOOK_UP,
    via: str = "form",
) -> KpiValue:
    """Create or update one value in an open period, auditing the change; unchanged values are left alone."""
    if not period.is_open:
        raise PeriodClosedError(f"Period {period.month} is closed; its values can no longer be changed.",
                                field="period")
    if current is _LOOK_UP:
        current = find_values(firm, period, source).get(kpi.id)
    _check_version(current, expected_version, kpi)
    if current is None:
        current = KpiValue(firm_id=firm.id, kpi_id=kpi.id, period_id=period.id, source_firm_id=source.id)
        db.session.add(current)
        old_text, action = None, "create"
    elif (current.value, current.is_nil, current.comment or "") == (checked.value, checked.is_nil, checked.comment):
        return current
    else:
        old_text, action = describe(current.value, current.is_nil), "update"
    _apply_checked(current, checked, actor)
    _flush_value(kpi)
    source_label = "self" if source.id == firm.id else source.code
    record(actor, action, "kpi_value", current.id, club_id=firm.club_id,
           summary=f"{firm.code} {kpi.code} {period.month} ({source_label})", old=old_text,
           new=describe(checked.value, checked.is_nil), reason=checked.comment or f"entered via {via}",
           detail={"firm": firm.code, "kpi": kpi.code, "period": period.month, "source": source_label, "via": via})
    return current


def _apply_checked(value: KpiValue, checked: CheckedValue, actor: User | None) -> None:
    """Copy a checked value onto the stored row, with who changed it (None for the CLI or an anonymous actor)."""
    value.value, value.is_nil = checked.value, checked.is_nil
    value.comment, value.flagged = checked.comment, checked.flagged
    value.updated_by_id = actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None


def _flush_value(kpi: KpiDefinition) -> None:
    """Flush one value; a concurrent change or a concurrent first entry of the same value is a ConflictError."""
    name, code = kpi.name, kpi.code  # a failed flush expires every object: read them before
    try:
        db.session.flush()
    except StaleDataError:
        raise ConflictError(f"{name} was changed by someone else at the same moment; try again.",
                            field=code) from None
    except sa.exc.IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise ConflictError(f"{name} was entered by someone else at the same moment; try again.",
                            field=code) from None


def _store_inputs(firm: Firm, source: Firm, period: Period, kpis: dict[str, KpiDefinition],
                  inputs: Iterable[KpiInput], *, actor: User, via: str) -> list[KpiValue]:
    """Check every input first (all errors at once), then write; nothing is written if any is bad."""
    existing = find_values(firm, period, source)
    checked: list[tuple[KpiDefinition, CheckedValue, KpiInput]] = []
    errors: dict[str, str] = {}
    for item in inputs:
        kpi = kpis.get(item.kpi_code)
        if kpi is None:
            errors[item.kpi_code] = f"'{item.kpi_code}' is not a KPI you can enter here."
            continue
        _check_version(existing.get(kpi.id), item.version, kpi)
        if item.is_blank:
            if kpi.id in existing:
                errors[kpi.code] = (f"{kpi.name}: a saved value cannot be left empty; enter a value or tick "
                                    "'not measured'.")
            continue
        try:
            checked.append((kpi, check_input(kpi, item), item))
        except DomainError as exc:
            errors[kpi.code] = str(exc)
    if errors:
        raise ValuesInvalidError(errors)
    stored = [upsert_value(firm, kpi, period, source, value, actor=actor, current=existing.get(kpi.id), via=via)
              for kpi, value, _item in checked]
    db.session.flush()
    return stored


def submit_values(firm: Firm, month: str, inputs: Iterable[KpiInput], *, actor: User) -> list[KpiValue]:
    """A member stores its own firm's self-reported values for an open month."""
    if not permissions.can_edit_firm_values(actor, firm):
        raise PermissionDeniedError("You can only enter values for your own firm.")
    period = get_open_period(firm.club, month)
    kpis = {k.code: k for k in list_kpis(firm.club)}
    stored = _store_inputs(firm, firm, period, kpis, inputs, actor=actor, via="monthly entry")
    record_timeliness(firm, period, len(kpis))
    return stored


def record_timeliness(firm: Firm, period: Period, kpi_count: int) -> None:
    """Note when the month was first entered and first complete (the completeness matrix shows on time or late)."""
    from .desk import record_submission

    record_submission(firm, period, complete=len(find_values(firm, period, firm)) >= kpi_count > 0)


def submit_measurements(supplier: Firm, month: str, inputs: Iterable[KpiInput], *, actor: User) -> list[KpiValue]:
    """Governor staff store their own firm's measurements of a linked supplier (measurable KPIs only)."""
    if not permissions.can_measure_supplier(actor, supplier):
        raise PermissionDeniedError("You can only measure suppliers linked to your firm.")
    period = get_open_period(supplier.club, month)
    kpis = {k.code: k for k in list_kpis(supplier.club) if k.governor_measurable}
    return _store_inputs(supplier, actor.firm, period, kpis, inputs, actor=actor, via="governor measurement")
