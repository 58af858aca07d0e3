"""Reading a comparator CSV through the import framework (`benchclub.csvimport`): the file's shape, then
every row checked (year, sample size, KPI of the club, quantiles in range and never decreasing, one
description per comparator), every problem listed with its line and column. Writing is
`services.import_comparators`, all or nothing.
"""
from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa

from ..csvimport import Row, check_rows, read_table
from ..errors import DomainError
from ..extensions import db
from ..models import Club, KpiDefinition

CSV_COLUMNS = ["comparator", "region", "year", "source", "sample_size", "kpi", "p10", "p25", "p50", "p75", "p90"]
QUANTILE_KEYS = ("p10", "p25", "p50", "p75", "p90")
#: No survey has sampled more firms than this; a larger number is a typing mistake (and overflows the column).
MAX_SAMPLE_SIZE = 10_000_000


class QuantileError(ValueError):
    """A quantile outside its KPI's range or out of order; `key` is its column (p10 ... p90)."""

    def __init__(self, message: str, key: str):
        super().__init__(message)
        self.key = key


def check_quantiles(kpi: KpiDefinition, quantiles: dict[str, float | None]) -> None:
    """Quantiles inside the KPI's hard range and never decreasing from P10 to P90."""
    known = [(k, v) for k, v in quantiles.items() if v is not None]
    if not known:
        raise QuantileError(f"{kpi.code}: give at least one of P10, P25, P50, P75, P90", "p50")
    for k, v in known:
        if not kpi.hard_min <= v <= kpi.hard_max:
            raise QuantileError(f"{k.upper()} {v:g} is outside the range {kpi.hard_min:g} to {kpi.hard_max:g} "
                                f"of {kpi.code}", k)
    for (k1, v1), (k2, v2) in zip(known, known[1:], strict=False):
        if v2 < v1:
            raise QuantileError(f"{k2.upper()} ({v2:g}) is below {k1.upper()} ({v1:g}); quantiles must not "
                                "decrease", k2)


def _number(text: str, key: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise DomainError(f"{key.upper()} '{text}' is not a number", field=key) from None
    if not math.isfinite(value):
        raise DomainError(f"{key.upper()} must be a finite number", field=key)
    return value


def _parse_row(row: Row, kpis: dict[str, KpiDefinition]) -> dict[str, Any]:
    name, region, source = row["comparator"], row["region"], row["source"]
    if not name or not region or not source:
        column = next(c for c, v in (("comparator", name), ("region", region), ("source", source)) if not v)
        raise DomainError("comparator, region and source are required", field=column)
    year_text = row["year"]
    if not year_text.isdigit() or not 1950 <= int(year_text) <= 2100:
        raise DomainError(f"year '{year_text[:20]}' must be a year such as 2024", field="year")
    size_text = row["sample_size"]
    if size_text and (not size_text.isdigit() or not 1 <= int(size_text) <= MAX_SAMPLE_SIZE):
        raise DomainError(f"sample_size '{size_text[:20]}' must be a whole number of firms from 1 to "
                          f"{MAX_SAMPLE_SIZE:,}, or empty", field="sample_size")
    code = row["kpi"]
    if code not in kpis:
        raise DomainError(f"unknown KPI code '{code[:40]}'", field="kpi")
    quantiles = {k: _number(row[k], k) for k in QUANTILE_KEYS}
    try:
        check_quantiles(kpis[code], quantiles)
    except QuantileError as exc:
        raise DomainError(str(exc), field=exc.key) from None
    return {"name": name[:120], "region": region[:80], "year": int(year_text), "source": source[:300],
            "sample_size": int(size_text) if size_text else None, "kpi": code, "quantiles": quantiles}


def comparator_rows(club: Club, data: bytes | str) -> tuple[list[dict[str, Any]], list]:
    """Every row of a comparator file checked against the club's KPIs: (parsed rows, row errors)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    table = read_table(data, CSV_COLUMNS)
    if table.errors:
        return [], table.errors
    kpis = {k.code: k for k in db.session.scalars(sa.select(KpiDefinition).where(KpiDefinition.club_id == club.id))}
    headers: dict[tuple[str, int], tuple] = {}

    def check(row: Row) -> dict[str, Any]:
        item = _parse_row(row, kpis)
        described = (item["region"], item["source"], item["sample_size"])
        if headers.setdefault((item["name"], item["year"]), described) != described:
            raise DomainError("region, source and sample_size must be the same on every row of a comparator",
                              field="region")
        return item

    def key(row: Row) -> tuple[str, str, str]:
        return row["comparator"][:120], row["year"], row["kpi"]

    return check_rows(table.rows, check, key=key, key_column="kpi")
