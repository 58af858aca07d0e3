"""`flask benchmarks show ...`: print exactly what one viewer would be shown, as JSON."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask

from .. import jsonout
from ..catalogue import list_kpis
from ..clubs.services import get_club, get_firm
from ..errors import DomainError
from ..extensions import db
from ..models import FirmKind, User
from ..periods.services import parse_month
from ..permissions import works_in_club
from . import queries
from .disclosure import FACILITATOR, MEMBER, Viewer
from .export import release_json


def _viewer(club, as_firm: str | None, as_user: str | None) -> Viewer:
    """The facilitator's view by default; a firm code or a user e-mail narrows it down."""
    if as_firm and as_user:
        raise click.UsageError("Give --as-firm or --as-user, not both.")
    if as_user:
        user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == as_user.strip().lower()))
        if user is None:
            raise click.ClickException(f"There is no user {as_user}.")
        if not works_in_club(user, club):
            raise click.ClickException(f"{as_user} does not belong to club {club.code}.")
        return Viewer.for_user(user, club)
    if as_firm:
        firm = get_firm(as_firm, club)
        if firm.kind == FirmKind.GOVERNOR:
            return Viewer.for_governor(firm)
        return Viewer(MEMBER, club.id, firm.id)
    return Viewer(FACILITATOR, club.id)


GROUP_KINDS = ("sector", "size", "tier", "country")


def _check_group_kind(group: str) -> None:
    """A typo in --group is an error, not an empty group."""
    kind, sep, value = group.partition(":")
    if group != "all" and (not sep or kind not in GROUP_KINDS or not value):
        raise DomainError(f"--group '{group}' is not a peer group: use all, " + ", ".join(f"{k}:VALUE" for k in GROUP_KINDS)
                          + " (e.g. sector:Castings).")


def _check_group_exists(snapshot, group: str) -> None:
    keys = queries.snapshot_group_keys(snapshot)
    if group not in keys:
        raise DomainError(f"No firm of the club is in group '{group}' in {snapshot.period.month}. Groups: "
                          + ", ".join(sorted(keys)) + ".")


def show_payload(club_code: str, kpi_code: str, month: str, group: str, as_firm: str | None,
                 as_user: str | None) -> dict:
    """Build the `benchmarks show` JSON object through disclosure (members/governors: closed periods only)."""
    club = get_club(club_code)
    month = parse_month(month)
    viewer = _viewer(club, as_firm, as_user)
    if kpi_code not in {k.code for k in list_kpis(club)}:
        raise DomainError(f"There is no KPI {kpi_code} in club {club.code}.")
    _check_group_kind(group)
    snapshot = queries.current_snapshot(club, month)
    if snapshot is None:
        raise DomainError(f"No published benchmarks for {month}: the period is open or was never closed.")
    _check_group_exists(snapshot, group)
    released = queries.release_for_snapshots([snapshot.id], group, viewer, club, kpi_code)
    stat = released.get((snapshot.id, kpi_code)) or queries.empty_release(kpi_code, group, club)
    comparators = queries.comparators_by_kpi(club).get(kpi_code, [])
    return release_json(kpi_code, month, group, stat, comparators, firm_view=viewer.is_member)


def register_cli(app: Flask) -> None:
    """Attach `flask benchmarks show`."""

    @app.cli.group("benchmarks")
    def benchmarks_group() -> None:
        """Anonymised benchmarks."""

    @benchmarks_group.command("show")
    @click.option("--kpi", "kpi_code", required=True, help="KPI code, e.g. otd_pct")
    @click.option("--period", "month", required=True, help="Closed period YYYY-MM")
    @click.option("--club", "club_code", required=True, help="Club code")
    @click.option("--group", default="all", show_default=True, help="all, sector:NAME, size:BAND, tier:N, country:CODE")
    @click.option("--as-firm", default=None, help="Show what this firm's members (or governor staff) see")
    @click.option("--as-user", default=None, help="Show what this user sees")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON (the only format)")
    def show(kpi_code: str, month: str, club_code: str, group: str, as_firm: str | None, as_user: str | None,
             as_json: bool) -> None:
        """Print exactly what a viewer would be shown (the facilitator's view when no viewer is given)."""
        try:
            payload = show_payload(club_code, kpi_code, month, group, as_firm, as_user)
        except DomainError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(jsonout.dumps(payload, indent=2 if not as_json else None))
