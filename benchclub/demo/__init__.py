"""The DOMAIN §9 demo club: an auto-components benchmarking club with two years of history.

`build_demo_club()` generates the club from seeds/demo_club.json and random.Random(2026), so it is the
same on every machine and database, and stores it through the existing services. `flask seed demo`
calls it; `python -m benchclub.demo --print-logins` prints the demo accounts without a database.
"""
from __future__ import annotations

import json
import random
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..audit import record
from ..extensions import db
from ..periods.services import close_period, default_due_date
from . import writers
from .plan import Plan, make_plan

SEED = 2026
DEFINITION_PATH = Path(__file__).resolve().parents[2] / "seeds" / "demo_club.json"


@lru_cache(maxsize=1)
def load_definition() -> dict[str, Any]:
    """The club definition (firms, governors, links, story) from seeds/demo_club.json."""
    with DEFINITION_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def _logins(definition: dict[str, Any]) -> dict[str, Any]:
    users = definition["users"]
    roles = ("member", "governor", "facilitator", "admin")
    return {"password": users["password"], "users": {role: users[role]["email"] for role in roles}}


#: The documented demo accounts: one per role, one shared password.
DEMO_LOGINS: dict[str, Any] = _logins(load_definition())


def format_logins() -> str:
    """The demo accounts as a short block of text for the terminal."""
    lines = [f"Demo logins (password for all: {DEMO_LOGINS['password']}):"]
    lines += [f"  {role:<12} {email}" for role, email in DEMO_LOGINS["users"].items()]
    return "\n".join(lines)


def close_months(demo: writers.Demo, plan: Plan) -> None:
    """Close the past months in order; each close publishes benchmarks and runs the ladders (subscribers),
    after which the stage changes the governors approved for that month are stored."""
    by_month: dict[str, list] = {}
    for row in plan.stages:
        by_month.setdefault(row.month, []).append(row)
    for i, month in enumerate(plan.calendar.closed):
        period = close_period(demo.club, month, actor=demo.users["facilitator"])
        period.closed_at = writers.at(default_due_date(month), 17)
        writers.write_stage_changes(demo, [r for r in by_month.get(month, []) if i > 0 or r.stage > 1],
                                    leave_pending=i == len(plan.calendar.closed) - 1)


def build_demo_club() -> str:
    """Create the demo club in the current (empty) database and return a one-line summary; never commits."""
    definition = load_definition()
    plan = make_plan(definition, random.Random(SEED))
    demo = writers.create_club_and_people(plan)
    writers.open_periods(demo, plan)
    n_values = writers.write_values(demo, plan)
    writers.write_submissions(demo, plan)
    for write in (writers.write_certificates, writers.write_consents, writers.write_visits,
                  writers.write_workshops, writers.write_targets, writers.write_comparator):
        write(demo, plan)
    db.session.flush()
    writers.prepare_ladders(demo, plan)
    close_months(demo, plan)
    calendar = plan.calendar
    summary = (f"Demo club {demo.club.code}: {len(definition['suppliers'])} suppliers, "
               f"{len(definition['governors'])} governors, {len(plan.links)} supply links, "
               f"{len(calendar.closed)} closed months ({calendar.closed[0]}..{calendar.closed[-1]}), "
               f"{calendar.open_month} open, {n_values} KPI values, {len(plan.visits)} visits, "
               f"{len(plan.workshops)} workshops.")
    record(demo.users["admin"], "generate", "club", demo.club.id, club_id=demo.club.id, summary=summary,
           reason=f"Demo history generated from random seed {SEED} and {DEFINITION_PATH.name}.",
           detail={"seed": SEED, "member_firm": plan.member_firm})
    db.session.flush()
    return summary
