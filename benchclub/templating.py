"""Jinja filters and globals: formatting and permission questions, never business rules."""
from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from markupsafe import Markup

from . import permissions


def fmt_number(value: float | None, digits: int = 1) -> str:
    """A number for people: thousands separators, fixed decimals, an em dash for nothing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "\u2014"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    # A non-zero value that would round to 0.0 keeps enough decimals to show it is not zero.
    while value and abs(value) < 0.5 * 10 ** -digits and digits < 4:
        digits += 1
    return f"{value:,.{digits}f}"


def kpi_value(value: float | None, kpi) -> str:
    """A value with its KPI's unit, e.g. '97.5 %' or '340 ppm'."""
    if value is None:
        return "\u2014"
    unit = getattr(kpi, "unit", "") or ""
    short = {"% of order lines": "%", "% of material used": "%", "% of production time": "%",
             "% of deliveries": "%", "% of scheduled hours": "%", "parts per million": "ppm",
             "turns per year": "turns/yr", "hours per employee": "h/employee"}.get(unit, unit)
    return f"{fmt_number(value)} {short}".strip()


def kpi_gap(value: float | None, kpi) -> str:
    """A difference of two KPI values: percentage points ('0.3 pp') for % units, else the unit."""
    if value is None:
        return "\u2014"
    if str(getattr(kpi, "unit", "")).startswith("%"):
        return f"{fmt_number(abs(value))} pp"
    return kpi_value(abs(value), kpi)


def num_plain(value: float | None) -> str:
    """A range bound as people write it: '100' not '100.0', '1,000,000' with separators."""
    if value is None:
        return "\u2014"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def pct(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "\u2014"
    return f"{value:.{digits}f}%"


def fmt_date(value: date | datetime | None) -> str:
    """Dates as 2026-11-30; times in the viewer's club time zone, named: '2026-11-30 09:02 SAST'."""
    if value is None:
        return "\u2014"
    if isinstance(value, datetime):
        zone = _viewer_zone()
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
    return value.isoformat()


def _viewer_zone():
    """The logged-in user's club time zone (UTC for the admin, outside a request, or an unknown zone)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from flask import has_request_context
    from flask_login import current_user

    club = None
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        club = current_user.club or (current_user.firm.club if current_user.firm else None)
    try:
        return ZoneInfo(getattr(club, "time_zone", None) or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def month_label(month: str | None) -> str:
    """'2025-03' -> 'March 2025'."""
    if not month:
        return ""
    year, mon = month.split("-")
    return f"{date(int(year), int(mon), 1):%B %Y}"


def status_badge(status: str) -> Markup:
    """A coloured badge for a status word (valid, expiring, overdue, open...)."""
    colours = {
        "valid": "success", "done": "success", "complete": "success", "closed": "secondary",
        "open": "primary", "expiring": "warning", "partial": "warning", "due": "info",
        "overdue": "danger", "expired": "danger", "missing": "danger", "nil return": "secondary",
        "pending": "warning", "approved": "success", "rejected": "secondary", "promote": "success",
        "hold": "secondary", "demote": "danger", "passed": "success", "follow-up": "warning",
        "failed": "danger", "registered": "success", "waitlisted": "warning", "cancelled": "secondary",
        "agreed": "success", "declined": "secondary", "planned": "primary", "held": "success",
    }
    colour = colours.get(str(status), "light text-dark")
    return Markup('<span class="badge text-bg-{}">{}</span>').format(colour, status)


def plain_number(value: float | None) -> str:
    """A number as typed into a form or a CSV, exact and without separators: '97.5', '100', '0.00001'."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    from decimal import Decimal

    return format(Decimal(repr(float(value))), "f")


def register(app: Flask) -> None:
    """Register the filters and expose permission helpers to templates."""
    app.add_template_filter(fmt_number, "num")
    app.add_template_filter(kpi_value, "kpi_value")
    app.add_template_filter(pct, "pct")
    app.add_template_filter(kpi_gap, "kpi_gap")
    app.add_template_filter(num_plain, "num_plain")
    app.add_template_filter(fmt_date, "date")
    app.add_template_filter(month_label, "month")
    app.add_template_filter(status_badge, "badge")
    app.add_template_filter(plain_number, "plain")
    app.jinja_env.globals.update(
        is_member=permissions.is_member,
        is_governor=permissions.is_governor,
        is_admin=permissions.is_admin,
        is_facilitator_of=permissions.is_facilitator_of,
        can_manage_club=permissions.can_manage_club,
        managed_club_ids=permissions.managed_club_ids,
        nav_items=nav_items,
        endpoint_exists=endpoint_exists,
    )


# The menu per role; an entry appears only once its endpoint exists.
NAV: dict[str, list[tuple[str, Any]]] = {
    "member": [
        ("Home", "dashboards.home"),
        ("My data", [
            ("Monthly KPIs", "kpis.entry_index"),
            ("Certificates", "certifications.index"),
            ("Import CSV", "kpis.import_upload"),
            ("Governor access", "consents.index"),
            ("Questions about my data", "kpis.member_queries"),
        ]),
        ("Benchmarks", "benchmarks.member_dashboard"),
        ("Ladder", "ladder.member_stages"),
        ("Workshops", "workshops.member_list"),
        ("Reports", "reports.index"),
    ],
    "governor": [
        ("Home", "dashboards.home"),
        ("Measurements", "kpis.governor_entry"),
        ("Import", "kpis.import_upload"),
        ("Tier dashboard", "ladder.dashboard"),
        ("Benchmarks", "benchmarks.governor_view"),
        ("Targets", "ladder.targets"),
    ],
    "facilitator": [
        ("Home", "dashboards.home"),
        ("Club", [
            ("Firms", "clubs.firms"),
            ("Users", "clubs.users"),
            ("Periods", "periods.list_periods"),
            ("KPI catalogue", "clubs.kpis"),
            ("Disclosure thresholds", "clubs.disclosure_thresholds"),
            ("Comparators", "benchmarks.comparators"),
            ("Audit log", "clubs.audit"),
        ]),
        ("Data", [
            ("Completeness", "kpis.completeness"),
            ("Data-quality desk", "kpis.desk_queue"),
            ("Import", "kpis.import_upload"),
            ("Certificates", "certifications.expiring"),
        ]),
        ("Benchmarks", "benchmarks.club_view"),
        ("Workshops", "workshops.index"),
        ("Reports", "reports.index"),
    ],
}
NAV["admin"] = [NAV["facilitator"][0], ("Clubs", "clubs.clubs")] + NAV["facilitator"][1:]
NAV["admin"].append(("Governors", "ladder.dashboard"))  # read-only governor pages


def nav_items(user) -> list[tuple[str, Any]]:
    """Menu entries for the user's role whose endpoints are registered; a group is (label, [entries])."""
    from flask import current_app

    if not getattr(user, "is_authenticated", False):
        return []
    items: list[tuple[str, Any]] = []
    for label, target in NAV.get(user.role.value, []):
        if isinstance(target, list):
            entries = [(lab, ep) for lab, ep in target if ep in current_app.view_functions]
            if entries:
                items.append((label, entries))
        elif target in current_app.view_functions:
            items.append((label, target))
    return items


def endpoint_exists(endpoint: str) -> bool:
    from flask import current_app

    return endpoint in current_app.view_functions
