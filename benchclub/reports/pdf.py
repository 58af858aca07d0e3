"""PDF rendering of reports: WeasyPrint for the page, Kaleido (driving the installed Chromium) for
static SVG charts. Without a usable Chromium the PDF still carries every data table."""
from __future__ import annotations

import base64
import logging
import os
import shutil
from typing import Any

from flask import render_template

from .queries import ClubReport

log = logging.getLogger(__name__)
CHART_SIZE = {"width": 900, "height": 360}


def _browser_path() -> str | None:
    """Kaleido needs a Chromium; prefer Debian's, never download one."""
    path = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if path and os.path.exists(path) else None


def render_svgs(figures: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Chart id -> SVG data URI, rendered in one Chromium session; {} when no browser is available."""
    browser = _browser_path()
    if not figures or browser is None:
        return {}
    os.environ.setdefault("BROWSER_PATH", browser)
    import kaleido

    images: dict[str, str] = {}
    try:
        kaleido.start_sync_server(silence_warnings=True)
        for chart_id, figure in figures.items():
            svg = kaleido.calc_fig_sync(figure, opts={"format": "svg", **CHART_SIZE})
            images[chart_id] = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    except Exception:  # a broken browser must not lose the report: tables still carry the data
        log.exception("static chart rendering failed; the PDF will hold tables only")
        return {}
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    return images


def report_figures(report: ClubReport) -> dict[str, dict[str, Any]]:
    """Every chart of a report that has data, by chart id."""
    charts = [section.tail_chart for section in report.kpis]
    if report.shares_chart is not None:
        charts.append(report.shares_chart)
    return {c.id: c.figure for c in charts if c.figure}


def render_report_pdf(report: ClubReport) -> bytes:
    """The report as a PDF document."""
    from weasyprint import HTML

    images = render_svgs(report_figures(report))
    html = render_template("reports/pdf.html", report=report, images=images)
    return HTML(string=html).write_pdf()
