"""Building the synthetic programme: clubs, firms, supply links, months of values, closed history.

Values are written with Core executemany (they are the fixture, not what is measured); everything
that is measured later goes through the application's own services.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa

SECTORS = ("Castings", "Plastics", "Machining", "Electronics", "Wiring", "Rubber", "Stampings", "Fasteners")
COUNTRIES = ("ZA", "IN", "MY", "TH", "BR", "MX", "PL", "TR")
PASSWORD = "bench-password-1"


class DatabaseNotEmptyError(RuntimeError):
    """The bench only ever writes into an empty database it may fill and empty again."""


@dataclass(frozen=True)
class Size:
    """How big the programme is."""

    firms: int = 5000
    clubs: int = 50
    months: int = 60
    governor_suppliers: int = 1000
    history_closes: int = 12  # months of the member's club closed through close_period (published)


@dataclass
class Programme:
    """What the measurements need to find again."""

    size: Size
    club_ids: list[int] = field(default_factory=list)
    big_club_id: int = 0
    member_club_id: int = 0
    big_governor_id: int = 0
    months: list[str] = field(default_factory=list)
    firm_count: int = 0
    value_rows: int = 0

    @property
    def import_month(self) -> str:
        """The last month: opened empty everywhere, filled by the measured import."""
        return self.months[-1]


def refuse_non_empty(engine: sa.Engine) -> None:
    """Stop before touching a database that holds any table (it may be somebody's real data)."""
    tables = sa.inspect(engine).get_table_names()
    if tables:
        raise DatabaseNotEmptyError(
            f"{engine.url.render_as_string(hide_password=True)} already holds {len(tables)} table(s) "
            f"({', '.join(sorted(tables)[:5])}...); the bench only runs on an empty database.")


def month_list(count: int, start: str = "2021-01") -> list[str]:
    """`count` consecutive months from `start`."""
    year, month = int(start[:4]), int(start[5:])
    out = []
    for _ in range(count):
        out.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def club_sizes(size: Size) -> list[int]:
    """Suppliers per club: the first club holds the big governor's suppliers, the rest share the others."""
    if size.clubs == 1:
        return [size.firms]
    rest, others = size.firms - size.governor_suppliers, size.clubs - 1
    return [size.governor_suppliers] + [rest // others + (1 if i < rest % others else 0) for i in range(others)]


def _add_firms(club_id: int, index: int, count: int, rng: random.Random) -> tuple[int, list[int]]:
    from benchclub.extensions import db
    from benchclub.models import Firm, FirmKind, SupplyLink

    rows = [dict(club_id=club_id, code=f"C{index:02d}S{i:05d}", name=f"Supplier {index:02d}-{i:05d}",
                 kind=FirmKind.SUPPLIER, country=rng.choice(COUNTRIES), sector=rng.choice(SECTORS),
                 employees=rng.choice((8, 30, 120, 400)), active=True) for i in range(count)]
    db.session.execute(sa.insert(Firm), rows)
    gov = Firm(club_id=club_id, code=f"C{index:02d}GOV", name=f"Governor {index:02d}", kind=FirmKind.GOVERNOR,
               country="DE", sector="Assembly", employees=9000)
    db.session.add(gov)
    db.session.flush()
    ids = list(db.session.scalars(sa.select(Firm.id).where(Firm.club_id == club_id, Firm.kind == FirmKind.SUPPLIER)
                                  .order_by(Firm.id)))
    linked = ids if index == 0 else ids[: max(1, len(ids) // 2)]
    db.session.execute(sa.insert(SupplyLink), [dict(governor_id=gov.id, supplier_id=f, tier=rng.randint(1, 4))
                                               for f in linked])
    return gov.id, ids


def value_of(kpi, step: int, rng: random.Random) -> float:
    """A plausible value drifting towards better over the months, inside the hard range."""
    lo, hi = kpi.soft_min, kpi.soft_max
    centre = lo + (hi - lo) * (0.55 + 0.002 * step if kpi.higher_is_better else 0.45 - 0.002 * step)
    return round(min(max(rng.gauss(centre, (hi - lo) * 0.12), kpi.soft_min), kpi.soft_max), 3)


def _insert_month(period_ids: dict[int, int], firms: dict[int, list[int]], kpis: dict[int, list], step: int,
                  rng: random.Random) -> int:
    from benchclub.extensions import db
    from benchclub.models import KpiValue

    rows = [dict(firm_id=f, kpi_id=k.id, period_id=period_ids[club_id], source_firm_id=f,
                 value=value_of(k, step, rng), is_nil=False, comment="", flagged=False, version=1)
            for club_id, ids in firms.items() for k in kpis[club_id] for f in ids]
    db.session.execute(KpiValue.__table__.insert(), rows)
    return len(rows)


def _add_periods(club_ids: list[int], months: list[str], closed: int) -> dict[tuple[int, str], int]:
    from benchclub.extensions import db
    from benchclub.models import Period, PeriodStatus
    from benchclub.periods.services import default_due_date

    now = datetime.now(UTC)
    rows = [dict(club_id=c, month=m, due_on=default_due_date(m), opened_at=now,
                 status=PeriodStatus.CLOSED if i < closed else PeriodStatus.OPEN, closed_at=now if i < closed else None)
            for c in club_ids for i, m in enumerate(months)]
    db.session.execute(sa.insert(Period), rows)
    return {(c, m): i for i, c, m in db.session.execute(sa.select(Period.id, Period.club_id, Period.month))}


def build(size: Size, log) -> Programme:
    """Create every club, firm, link and value; close the member club's recent months through the app."""
    from benchclub.auth.services import create_user
    from benchclub.catalogue import list_kpis
    from benchclub.clubs.services import create_club
    from benchclub.extensions import db
    from benchclub.models import Firm, Period, PeriodStatus, Role
    from benchclub.periods.services import close_period

    rng = random.Random(2024)
    prog = Programme(size=size, months=month_list(size.months))
    firms: dict[int, list[int]] = {}
    kpis: dict[int, list] = {}
    for index, count in enumerate(club_sizes(size)):
        club = create_club(f"BENCH{index:02d}", f"Bench club {index:02d}")
        gov_id, firms[club.id] = _add_firms(club.id, index, count, rng)
        kpis[club.id] = list_kpis(club)
        prog.club_ids.append(club.id)
        if index == 0:
            prog.big_club_id, prog.big_governor_id = club.id, gov_id
    prog.member_club_id = prog.club_ids[1] if len(prog.club_ids) > 1 else prog.club_ids[0]
    prog.firm_count = sum(len(v) for v in firms.values())
    member_firm = db.session.get(Firm, firms[prog.member_club_id][0])
    gov = db.session.get(Firm, prog.big_governor_id)
    create_user("bench@member.test", Role.MEMBER, firm=member_firm, password=PASSWORD)
    create_user("bench@governor.test", Role.GOVERNOR, firm=gov, password=PASSWORD)
    create_user("bench@facilitator.test", Role.FACILITATOR, club=db.session.get(type(gov.club), prog.member_club_id),
                password=PASSWORD)
    history = prog.months[:-1]
    periods = _add_periods(prog.club_ids, prog.months, closed=len(history))
    db.session.commit()
    for step, month in enumerate(history):
        prog.value_rows += _insert_month({c: periods[(c, month)] for c in prog.club_ids}, firms, kpis, step, rng)
        db.session.commit()
        log(f"  values {month}: {prog.value_rows:,} rows")
    # The member's club publishes its recent months through the real close (snapshots + ladders).
    club = db.session.get(type(gov.club), prog.member_club_id)
    recent = history[-size.history_closes:]
    db.session.execute(sa.update(Period).where(Period.club_id == club.id, Period.month.in_(recent))
                       .values(status=PeriodStatus.OPEN, closed_at=None))
    for month in recent:
        close_period(club, month)
        db.session.commit()
    log(f"  published {min(len(history), size.history_closes)} months of club {club.code}")
    assert db.session.scalar(sa.select(sa.func.count(Period.id)).where(Period.status == PeriodStatus.OPEN)) == len(
        prog.club_ids)
    return prog


def import_csv_bytes(prog: Programme) -> bytes:
    """The import month for every supplier of every club: firm,period,kpi,value,source,comment."""
    from benchclub.catalogue import list_kpis
    from benchclub.extensions import db
    from benchclub.models import Firm, FirmKind

    rng = random.Random(7)
    lines = ["firm,period,kpi,value,source,comment"]
    step = len(prog.months)
    for club_id in prog.club_ids:
        kpis = list_kpis(club_id)
        codes = db.session.scalars(sa.select(Firm.code).where(Firm.club_id == club_id, Firm.kind == FirmKind.SUPPLIER)
                                   .order_by(Firm.id))
        for code in codes:
            lines.extend(f"{code},{prog.import_month},{k.code},{value_of(k, step, rng)},self," for k in kpis)
    return ("\n".join(lines) + "\n").encode()


def today() -> date:
    """Today's date (a seam for the report)."""
    return date.today()
