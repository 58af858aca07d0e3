"""Pure checks of one KPI value against its definition (DOMAIN §3): no database, no Flask.

The web form, the CSV import, the CLI and the API all go through these two functions, so a value
that one entry path rejects is rejected by all of them with the same message.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from ..errors import DomainError

# A plain decimal number with '.' as the decimal point: no thousands separators, no exponent tricks.
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
NON_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


class InvalidValueError(DomainError):
    """Base of the value errors below."""


class NotANumberError(InvalidValueError):
    """The text is not a number written with '.' as the decimal point."""


class NotFiniteError(InvalidValueError):
    """NaN or infinity: never a measurement."""


class OutOfRangeError(InvalidValueError):
    """Outside the KPI's hard range: rejected."""


class CommentRequiredError(InvalidValueError):
    """Outside the KPI's soft range without a comment explaining it."""


@dataclass(frozen=True)
class CheckedValue:
    """A value that passed the checks: the number (None for a nil return) and whether to flag it."""

    value: float | None
    is_nil: bool
    flagged: bool
    comment: str


def fmt(number: float) -> str:
    """A range bound or value as people write it: 100 not 100.0, 1,000,000 with separators."""
    if float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:,}"


def parse_number(text: str, *, label: str = "The value") -> float:
    """Read a number written with '.' as decimal point; NaN, infinity and words are refused."""
    cleaned = (text or "").strip()
    if cleaned.lower() in NON_FINITE:
        raise NotFiniteError(f"{label} '{cleaned}' is not a finite number; NaN and infinity are not allowed.",
                             field="value")
    if not NUMBER_RE.match(cleaned):
        hint = " Use '.' as the decimal point, without thousands separators." if "," in cleaned else ""
        raise NotANumberError(f"{label} '{cleaned}' is not a number.{hint}", field="value")
    return float(cleaned)


def check_value(kpi, value: float | None, *, is_nil: bool = False, comment: str = "") -> CheckedValue:
    """Check a value against the KPI's hard range (reject) and soft range (needs a comment, flagged).

    `kpi` is anything with code, name, unit, hard_min/max and soft_min/max (a KpiDefinition).
    """
    comment = (comment or "").strip()
    if is_nil:
        return CheckedValue(value=None, is_nil=True, flagged=False, comment=comment)
    if value is None:
        raise NotANumberError(f"{kpi.name}: enter a value or mark the month as not measured.", field="value")
    if isinstance(value, bool) or not math.isfinite(float(value)):
        raise NotFiniteError(f"{kpi.name}: NaN and infinity are not allowed.", field="value")
    value = float(value)
    if not kpi.hard_min <= value <= kpi.hard_max:
        raise OutOfRangeError(
            f"{kpi.name} ({kpi.code}) must be between {fmt(kpi.hard_min)} and {fmt(kpi.hard_max)} {kpi.unit}; "
            f"{fmt(value)} is outside that range.",
            field="value",
        )
    flagged = not kpi.soft_min <= value <= kpi.soft_max
    if flagged and not comment:
        raise CommentRequiredError(
            f"{kpi.name}: {fmt(value)} is outside the usual range {fmt(kpi.soft_min)} to {fmt(kpi.soft_max)} "
            f"{kpi.unit}. Add a comment explaining it.",
            field="comment",
        )
    return CheckedValue(value=value, is_nil=False, flagged=flagged, comment=comment)


def describe(value: float | None, is_nil: bool) -> str:
    """How a stored value reads in the audit log and the history page."""
    if is_nil:
        return "not measured"
    if value is None:
        return ""
    return plain_number(value)


def plain_number(value: float) -> str:
    """A float written the way the CSV format reads it back exactly: '97.5', '1000000', '0.00001'."""
    if float(value).is_integer():
        return str(int(value))
    text = repr(float(value))
    if "e" not in text:
        return text  # already the shortest exact decimal: the Decimal round trip below gives the same
    return format(Decimal(text), "f")
