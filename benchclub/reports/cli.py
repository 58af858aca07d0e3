"""`flask reports club`: write a club report as PDF, for cron or by hand."""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask

from ..clubs.services import get_club
from ..errors import DomainError
from .pdf import render_report_pdf
from .queries import build_report
from .spans import parse_span


def _check_writable(path: Path) -> None:
    """Fail fast when the PDF could not be written: a missing or read-only folder."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise click.ClickException(f"The folder {folder} does not exist; create it or choose another --pdf path.")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise click.ClickException(f"Cannot write {path}: permission denied.")


def register_cli(app: Flask) -> None:
    """Attach the `reports` command group."""

    @app.cli.group("reports")
    def reports_group() -> None:
        """Club reports."""

    @reports_group.command("club")
    @click.option("--club", "club_code", required=True, help="Club code.")
    @click.option("--period", required=True, help="A quarter (YYYY-Qn) or a year (YYYY).")
    @click.option("--pdf", "pdf_path", required=True, type=click.Path(dir_okay=False, writable=True),
                  help="Where to write the PDF.")
    def club_report(club_code: str, period: str, pdf_path: str) -> None:
        """Write the club report for a quarter or a year as a PDF (anonymised: safe to share)."""
        try:
            club = get_club(club_code)
            span = parse_span(period)
        except DomainError as exc:
            raise click.ClickException(str(exc)) from exc
        _check_writable(Path(pdf_path))  # before minutes of rendering, not after
        report = build_report(club, span)
        with app.test_request_context():
            pdf = render_report_pdf(report)
        Path(pdf_path).write_bytes(pdf)
        click.echo(f"Wrote {pdf_path} ({len(pdf):,} bytes): {club.name}, {span.label}, "
                   f"benchmarks up to {report.end_month or 'no closed month'}.")
