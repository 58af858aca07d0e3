"""`flask visits add`, `flask ladder evaluate` and `flask ladder history`: thin commands over the services."""
from __future__ import annotations

from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup

from .. import jsonout
from ..clubs.services import get_firm
from ..errors import DomainError
from ..extensions import db
from ..models import DecisionStatus, FirmKind, Recommendation
from ..periods.services import parse_month
from ..permissions import consented_kpis_by_supplier
from . import evaluation, services, visits
from .redaction import governor_criteria


def _fail(exc: Exception) -> None:
    db.session.rollback()
    raise click.ClickException(str(exc))


def _governor_and_supplier(governor_code: str, supplier_code: str):
    governor = get_firm(governor_code)
    if governor.kind != FirmKind.GOVERNOR:
        raise DomainError(f"--governor {governor.code} is a {governor.kind.value} firm, not a governor. "
                          "Give the governor's firm code (and the supplier's as --supplier).")
    supplier = get_firm(supplier_code, governor.club)
    if supplier.kind != FirmKind.SUPPLIER:
        raise DomainError(f"--supplier {supplier.code} is a {supplier.kind.value} firm, not a supplier.")
    services.require_link(governor, supplier)
    return governor, supplier


def evaluation_rows(governor, period: str, apply: bool) -> list[dict]:
    """The JSON rows of `ladder evaluate`, as the governor may see them (consent decides the detail);
    stores and approves the recommendations only with apply."""
    shared_by = consented_kpis_by_supplier(governor)

    def _criteria_out(criteria: list[dict], supplier_id: int) -> list[dict]:
        return [{"name": c["name"], "met": c["met"], "detail": c["detail"]}
                for c in governor_criteria(criteria, shared_by.get(supplier_id, set()))]

    if not apply:
        if period not in evaluation.closed_months(governor.club_id, period):
            raise DomainError(f"Period {period} is not closed; only closed periods are evaluated.")
        return [{"supplier": r.supplier.code, "stage": r.assessment.current_stage,
                 "recommendation": r.assessment.recommendation, "target_stage": r.assessment.target_stage,
                 "criteria": _criteria_out(r.assessment.criteria_dicts(), r.supplier.id)}
                for r in evaluation.assess_suppliers(governor, period)]
    rows = []
    for ev in evaluation.evaluate_governor(governor, period, actor=None):
        if ev.status == DecisionStatus.PENDING:
            services.decide_evaluation(ev, True, "Approved by script (ladder evaluate --apply)", actor=None)
        rows.append({"supplier": ev.supplier.code, "stage": ev.current_stage, "recommendation": ev.recommendation.value,
                     "target_stage": ev.target_stage, "criteria": _criteria_out(ev.criteria, ev.supplier_id),
                     "applied": ev.status == DecisionStatus.APPROVED})
    return rows



visits_group = AppGroup("visits", help="Governor visits to suppliers.")

@visits_group.command("add")
@click.option("--governor", "governor_code", required=True)
@click.option("--supplier", "supplier_code", required=True)
@click.option("--date", "visited_on", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--role", type=click.Choice(["materials", "quality"]), required=True)
@click.option("--outcome", type=click.Choice(["passed", "follow-up", "failed"]), required=True)
@click.option("--purpose", default="")
@click.option("--notes", default="", help="Findings.")
def visits_add(governor_code, supplier_code, visited_on, role, outcome, purpose, notes) -> None:
    """Log a visit by governor staff to a linked supplier."""
    try:
        governor, supplier = _governor_and_supplier(governor_code, supplier_code)
        visit = visits.log_visit(governor, supplier, visited_on.date(), role, outcome, purpose=purpose,
                                 findings=notes, actor=None, today=date.today())
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Visit {visit.id}: {role} visit to {supplier.code} on {visit.visited_on} ({outcome}).")

ladder_group = AppGroup("ladder", help="Supplier ladders: evaluate and show history.")

@ladder_group.command("evaluate")
@click.option("--governor", "governor_code", required=True)
@click.option("--period", required=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--apply", is_flag=True, help="Store the recommendations and approve every one.")
def ladder_evaluate(governor_code, period, as_json, apply) -> None:
    """Evaluate a governor's suppliers for a closed period; changes nothing without --apply."""
    try:
        rows = evaluation_rows(get_firm(governor_code), parse_month(period), apply)
    except DomainError as exc:
        _fail(exc)
    if apply:
        db.session.commit()
    else:
        db.session.rollback()  # evaluation may have created the default ladder; leave nothing behind
    if as_json:
        click.echo(jsonout.dumps(rows, indent=2))
        return
    for r in rows:
        arrow = f"{r['stage']} -> {r['target_stage']}" if r["recommendation"] != Recommendation.HOLD.value else ""
        click.echo(f"{r['supplier']:<16} stage {r['stage']}  {r['recommendation']:<8} {arrow}")

@ladder_group.command("history")
@click.option("--governor", "governor_code", required=True)
@click.option("--supplier", "supplier_code", required=True)
@click.option("--json", "as_json", is_flag=True)
def ladder_history(governor_code, supplier_code, as_json) -> None:
    """A supplier's stage history with one governor."""
    try:
        governor, supplier = _governor_and_supplier(governor_code, supplier_code)
    except DomainError as exc:
        _fail(exc)
    rows = [{"stage": h.stage, "effective_month": h.effective_month, "reason": h.reason,
             "decided_by": h.decided_by.email if h.decided_by else None,
             "recorded_at": h.created_at.isoformat()} for h in services.list_stage_history(governor, supplier)]
    if as_json:
        click.echo(jsonout.dumps(rows, indent=2))
        return
    if not rows:
        click.echo(f"{supplier.code} has been at stage 1 with {governor.code} since it was linked.")
    for r in rows:
        click.echo(f"{r['effective_month']}  stage {r['stage']}  {r['decided_by'] or 'script'}  {r['reason']}")


def register_cli(app: Flask) -> None:
    """Attach the visits and ladder command groups."""
    app.cli.add_command(visits_group)
    app.cli.add_command(ladder_group)
