"""Ladder forms: shape only; the services check the rules."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..models import DEFAULT_STANDARDS, CriterionKind, Ladder

ROLE_CHOICES = [("quality", "Quality"), ("materials", "Materials")]
OUTCOME_CHOICES = [("passed", "Passed"), ("follow-up", "Follow-up"), ("failed", "Failed")]
CADENCE_CHOICES = [("", "No planned cadence"), ("weekly", "Weekly"), ("fortnightly", "Fortnightly"),
                   ("monthly", "Monthly")]


class DecisionForm(FlaskForm):
    """Approve or reject a recommendation; the comment is required for a rejection (service rule)."""

    decision = SelectField("Decision", choices=[("approve", "Approve"), ("reject", "Reject")])
    comment = TextAreaField("Comment", validators=[Length(max=2000)])


class EvaluateForm(FlaskForm):
    period = SelectField("Period", validators=[DataRequired()])


class VisitForm(FlaskForm):
    supplier_id = SelectField("Supplier", coerce=int, validators=[DataRequired()])
    visited_on = DateField("Date", validators=[DataRequired()])
    visitor_role = SelectField("Visitor role", choices=ROLE_CHOICES)
    outcome = SelectField("Outcome", choices=OUTCOME_CHOICES)
    purpose = StringField("Purpose", validators=[Length(max=200)])
    findings = TextAreaField("Findings", validators=[Length(max=5000)])


class CadenceForm(FlaskForm):
    cadence = SelectField("Visit cadence", choices=CADENCE_CHOICES)


class TargetForm(FlaskForm):
    kpi_code = SelectField("KPI", validators=[DataRequired()])
    value = FloatField("Target value", validators=[InputRequired(message="Give the target as a number.")])
    note = StringField("Note to suppliers", validators=[Length(max=300)])


def ladder_form(ladder: Ladder) -> FlaskForm:
    """A form with one field per stage name and per editable criterion parameter of this ladder version."""

    class LadderForm(FlaskForm):
        pass

    for stage in ladder.stages:
        setattr(LadderForm, f"stage_{stage.number}", StringField(
            f"Stage {stage.number} name", default=stage.name, validators=[DataRequired(), Length(max=80)]))
    for c in ladder.criteria:
        for name, field in _criterion_fields(c.id, c.kind, c.params):
            setattr(LadderForm, name, field)
    return LadderForm()


def _criterion_fields(cid: int, kind: CriterionKind, params: dict[str, Any]) -> list[tuple[str, Any]]:
    months = IntegerField("months", default=params.get("months"), validators=[InputRequired(), NumberRange(1, 36)])
    fields: list[tuple[str, Any]] = []
    if kind == CriterionKind.KPI_THRESHOLD:
        fields.append((f"c{cid}_threshold", FloatField("threshold", default=params["threshold"],
                                                       validators=[InputRequired()])))
    if kind == CriterionKind.CERTIFICATE:
        fields.append((f"c{cid}_standards", SelectMultipleField(
            "standards", choices=[(s, s) for s in DEFAULT_STANDARDS], default=params["standards"],
            validators=[DataRequired(message="Choose at least one standard.")])))
    if kind in (CriterionKind.ACTIONS_COMPLETED, CriterionKind.WORKSHOPS_ATTENDED):
        fields.append((f"c{cid}_count", IntegerField("count", default=params["count"],
                                                     validators=[InputRequired(), NumberRange(1, 36)])))
    if "months" in params:
        fields.append((f"c{cid}_months", months))
    return fields


def ladder_changes(form: FlaskForm, ladder: Ladder) -> tuple[dict[int, str], dict[int, dict[str, Any]]]:
    """The stage names and criterion parameters entered, keyed for services.save_ladder_version."""
    names = {s.number: form[f"stage_{s.number}"].data for s in ladder.stages}
    params: dict[int, dict[str, Any]] = {}
    for c in ladder.criteria:
        params[c.id] = {key: form[f"c{c.id}_{key}"].data for key in ("threshold", "standards", "count", "months")
                        if f"c{c.id}_{key}" in form}
    return names, params

