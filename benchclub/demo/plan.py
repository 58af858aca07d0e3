"""The whole demo club as plain data, generated in a fixed order from one random.Random.

`make_plan` never touches the database, so its output depends only on the definition in
seeds/demo_club.json and the seed: the same club on every machine and database.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from ..catalogue import default_catalogue
from ..months import month_start
from . import activity, history, stages

OPEN_MONTH_FILERS = 12  # suppliers that have already entered the open month


@dataclass
class Plan:
    """Everything the writers store, keyed by firm and KPI codes."""

    definition: dict[str, Any]
    calendar: history.Calendar
    links: list[tuple[str, str, int]]
    member_firm: str
    values: list[history.ValueRow]
    certificates: list[activity.CertRow]
    consents: list[activity.ConsentRow]
    visits: list[activity.VisitRow]
    workshops: list[activity.WorkshopPlan]
    actions: list[activity.ActionRow]
    stages: list[stages.StageRow]


def supply_links(definition: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(governor, supplier, tier) for every link of the definition, in file order."""
    return [(g["code"], supplier, tier) for g in definition["governors"] for supplier, tier in g["links"]]


def choose_member_firm(definition: dict[str, Any], bases: dict[str, float]) -> str:
    """A mid-table supplier of the governor with the most links, with a regular reporting record."""
    main = max(definition["governors"], key=lambda g: len(g["links"]))
    irregular = {gap["firm"] for gap in definition["reporting_gaps"]}
    linked = sorted((s for s, _tier in main["links"] if s not in irregular), key=lambda s: (bases[s], s))
    return linked[len(linked) // 2]


def _soft_ranges() -> dict[str, tuple[float, float]]:
    return {k["code"]: (float(k["soft_min"]), float(k["soft_max"])) for k in default_catalogue()}


def _kpi_rows(rng: random.Random, definition: dict[str, Any], scores: history.Scores,
              calendar: history.Calendar, links: list[tuple[str, str, int]], member: str) -> list[history.ValueRow]:
    values = history.self_values(rng, scores, calendar, definition["kpi_models"], _soft_ranges())
    others = [s["code"] for s in definition["suppliers"] if s["code"] != member]
    filers = set(rng.sample(others, OPEN_MONTH_FILERS))
    rows = history.self_rows(values, definition["reporting_gaps"], definition["notable_values"], filers,
                             calendar.open_month)
    return rows + history.governor_rows(rng, links, calendar.closed, values)


def make_plan(definition: dict[str, Any], rng: random.Random) -> Plan:
    """Generate the club: scores, workshops (which lift attendees), values, then everything else."""
    calendar = history.make_calendar(definition["calendar"])
    suppliers = definition["suppliers"]
    links = supply_links(definition)
    kpis = [k["code"] for k in default_catalogue()]
    profiles = {code: float(base) for code, base in definition["profiles"].items() if not code.startswith("_")}
    bases = history.firm_bases(rng, suppliers, profiles)
    member = choose_member_firm(definition, bases)
    scores = history.trend_scores(rng, bases, kpis, len(calendar.months), len(calendar.closed),
                                  frozenset(profiles))
    workshops = activity.plan_workshops(rng, definition["workshops"], scores, calendar)
    values = _kpi_rows(rng, definition, scores, calendar, links, member)
    reference = month_start(calendar.open_month)
    certificates = activity.certificates(rng, suppliers, bases, reference)
    visits = activity.visits(rng, links, scores, calendar)
    main_governor = max(definition["governors"], key=lambda g: len(g["links"]))["code"]
    return Plan(
        definition=definition,
        calendar=calendar,
        links=links,
        member_firm=member,
        values=values,
        certificates=certificates,
        consents=activity.consents(rng, links, calendar, (member, main_governor)),
        visits=visits,
        workshops=workshops,
        actions=activity.improvement_actions(rng, workshops, definition["actions"], reference),
        stages=stages.stage_history(stages.Evidence(values, certificates, visits), links, calendar.closed),
    )

