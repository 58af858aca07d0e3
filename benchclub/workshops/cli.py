"""`flask workshops suggest`: hosts and invitees for a KPI and closed period, for scripts."""
from __future__ import annotations

import click
from flask import Flask

from .. import jsonout
from ..audit import record
from ..clubs.services import get_club
from ..errors import DomainError
from ..extensions import db
from . import queries


def register_cli(app: Flask) -> None:
    """Attach the `workshops` command group."""

    @app.cli.group("workshops")
    def workshops_group() -> None:
        """Best-in-class workshops."""

    @workshops_group.command("suggest")
    @click.option("--kpi", "kpi_code", required=True, help="KPI code, e.g. otd_pct.")
    @click.option("--period", required=True, help="A closed period, YYYY-MM.")
    @click.option("--club", "club_code", required=True, help="Club code.")
    @click.option("--json", "as_json", is_flag=True, help='Print {"hosts": [...], "invitees": [...]} firm codes.')
    def suggest(kpi_code: str, period: str, club_code: str, as_json: bool) -> None:
        """Propose hosts and invitees from the published benchmarks (identified data; logged)."""
        try:
            club = get_club(club_code)
            view = queries.get_suggestions(club, kpi_code, period)
        except DomainError as exc:
            raise click.ClickException(str(exc)) from None
        record(None, "view", "workshop_suggestions", None, club_id=club.id,
               summary=f"suggestions {view.kpi.code} {view.result.month} (CLI)")
        db.session.commit()
        hosts = [view.firms[c.firm].code for c in view.result.hosts]
        invitees = [view.firms[c.firm].code for c in view.result.invitees]
        if as_json:
            click.echo(jsonout.dumps({"hosts": hosts, "invitees": invitees}))
            return
        click.echo(f"{view.kpi.name}, {view.result.month} ({view.result.n} firms)")
        for title, rows in (("Hosts", view.result.hosts), ("Invitees", view.result.invitees)):
            click.echo(f"{title}:")
            for c in rows or []:
                click.echo(f"  {view.firms[c.firm].code:<16} {c.reason}")
            if not rows:
                click.echo("  (none)")
