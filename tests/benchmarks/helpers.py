"""A small benchmark club for tests: N suppliers with distinctive values, governors, users, periods."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from benchclub.catalogue import list_kpis
from benchclub.clubs.services import create_club, create_firm, link_supplier
from benchclub.extensions import db
from benchclub.models import Club, Consent, Firm, FirmKind, KpiDefinition, KpiValue, Period, Role, User
from benchclub.periods.services import close_period, open_period
from tests.factories import make_user


@dataclass
class BenchClub:
    club: Club
    suppliers: list[Firm]
    governor: Firm
    kpis: dict[str, KpiDefinition]
    users: dict[str, User] = field(default_factory=dict)
    periods: dict[str, Period] = field(default_factory=dict)
    values: dict[tuple[str, str, int], float] = field(default_factory=dict)  # (month, kpi, firm id) -> value

    def peer_values(self, exclude: set[int] = frozenset()) -> list[float]:
        return [v for (_, _, f), v in self.values.items() if f not in exclude]


def distinctive_values(kpi: KpiDefinition, n: int, rng: random.Random, shift: float = 0.0) -> list[float]:
    """n spread-out values inside the soft range, each with 4 distinctive decimals, in random order.

    The decimals grow non-linearly so that no mean of two values equals a third one (a quantile over
    an even number of firms must never coincide with a firm's value by accident).
    """
    lo, hi = kpi.soft_min, kpi.soft_max
    values = [round(lo + (hi - lo) * (i + 0.5 + shift) / (n + 1) + 0.0001 * (7 * i * i + 37 * i + 11), 4)
              for i in range(n)]
    rng.shuffle(values)
    return values


def add_value(firm: Firm, kpi: KpiDefinition, period: Period, value: float | None, *, source: Firm | None = None) -> KpiValue:
    row = KpiValue(firm_id=firm.id, kpi_id=kpi.id, period_id=period.id, source_firm_id=(source or firm).id,
                   value=value, is_nil=value is None)
    db.session.add(row)
    return row


def build_bench_club(n: int = 16, *, code: str = "BC", months: tuple[str, ...] = ("2025-01",), close: bool = True,
                     sectors: list[str] | None = None, countries: list[str] | None = None,
                     employees: list[int] | None = None, kpi_codes: tuple[str, ...] | None = None,
                     consenting: int = 2, seed: int = 7) -> BenchClub:
    """Suppliers SUP-00..; governor GOV-1 linked (tier 1) to the first `consenting`+1 suppliers, of which
    the first `consenting` consent; users member (SUP-00), governor, facilitator."""
    rng = random.Random(seed)
    club = create_club(code, f"{code} Test Club")
    suppliers = []
    for i in range(n):
        sector = sectors[i] if sectors else "Castings"
        country = countries[i] if countries else "ZA"
        staff = employees[i] if employees else 30
        suppliers.append(create_firm(club, f"{code}-SUP-{i:02d}", f"{code} Supplier Firm {i:02d}", FirmKind.SUPPLIER,
                                     country, sector, staff))
    governor = create_firm(club, f"{code}-GOV-1", f"{code} Governor Motors", FirmKind.GOVERNOR, "DE", "Assembly", 5000)
    for i in range(min(consenting + 1, n)):
        link_supplier(governor, suppliers[i], 1)
    for i in range(min(consenting, n)):
        db.session.add(Consent(supplier_id=suppliers[i].id, governor_id=governor.id, all_kpis=True))
    kpis = {k.code: k for k in list_kpis(club) if kpi_codes is None or k.code in kpi_codes}
    bc = BenchClub(club, suppliers, governor, kpis)
    bc.users["member"] = make_user(f"member@{code.lower()}.test", Role.MEMBER, firm=suppliers[0])
    bc.users["governor"] = make_user(f"gov@{code.lower()}.test", Role.GOVERNOR, firm=governor)
    bc.users["facilitator"] = make_user(f"fac@{code.lower()}.test", Role.FACILITATOR, club=club)
    for step, month in enumerate(months):
        period = open_period(club, month)
        bc.periods[month] = period
        for kpi in kpis.values():
            for firm, value in zip(suppliers, distinctive_values(kpi, n, rng, shift=0.01 * step), strict=True):
                add_value(firm, kpi, period, value)
                bc.values[(month, kpi.code, firm.id)] = value
        db.session.flush()
        if close:
            close_period(club, month)
    db.session.commit()
    return bc
