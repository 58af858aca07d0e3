"""Facilitator forms: shape only (the services check the rules)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..models import Direction, FirmKind


class ClubForm(FlaskForm):
    """A new club (admin)."""

    code = StringField("Code", validators=[DataRequired(), Length(max=32)], description="Short and stable, e.g. ZA-AUTO.")
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])


class FirmForm(FlaskForm):
    """Add or edit a firm; the code and kind are fixed once the firm exists."""

    code = StringField("Code", validators=[DataRequired(), Length(max=32)], description="Used in CSV files and the CLI.")
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=[(k.value, k.value.capitalize()) for k in FirmKind])
    country = StringField("Country", validators=[DataRequired(), Length(min=2, max=2, message="Use the two-letter ISO code, e.g. ZA.")],
                          description="Two-letter ISO code, e.g. ZA.")
    sector = StringField("Sector", validators=[DataRequired(), Length(max=80)])
    employees = IntegerField("Employees", validators=[Optional(), NumberRange(min=0, max=10_000_000)],
                             description="Sets the size band used for peer groups.")
    active = BooleanField("Active", default=True)


class LinkForm(FlaskForm):
    """Link a governor to a supplier, or change the supplier's tier for that governor."""

    governor = SelectField("Governor", coerce=int, validators=[DataRequired()])
    supplier = SelectField("Supplier", coerce=int, validators=[DataRequired()])
    tier = SelectField("Value-chain tier", coerce=int, choices=[(t, f"Tier {t}") for t in range(1, 5)])


class InviteForm(FlaskForm):
    """Invite a person: member or governor staff of a firm, or a co-facilitator."""

    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=[("member", "Member (supplier staff)"), ("governor", "Governor staff"),
                                        ("facilitator", "Facilitator")])
    firm = SelectField("Firm", coerce=int, description="Members need a supplier firm, governor staff a governor firm.")


class KpiForm(FlaskForm):
    """A KPI of the club's catalogue."""

    code = StringField("Code", validators=[DataRequired(), Length(max=40)], description="lower_case_with_underscores")
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    unit = StringField("Unit", validators=[DataRequired(), Length(max=60)])
    direction = SelectField("Better when", choices=[(d.value, f"{d.value}") for d in Direction])
    definition = TextAreaField("Definition", validators=[Optional(), Length(max=2000)],
                               description="How to compute the monthly value; shown as help on the entry page.")
    hard_min = FloatField("Hard minimum", validators=[InputRequired()], description="Values below are rejected.")
    hard_max = FloatField("Hard maximum", validators=[InputRequired()], description="Values above are rejected.")
    soft_min = FloatField("Soft minimum", validators=[InputRequired()], description="Below needs a comment.")
    soft_max = FloatField("Soft maximum", validators=[InputRequired()], description="Above needs a comment.")
    governor_measurable = BooleanField("Governors can measure it")
    active = BooleanField("Active (shown on entry pages)", default=True)

    def data_for_service(self) -> dict:
        """The fields as the catalogue service takes them."""
        keys = ("code", "name", "unit", "direction", "definition", "hard_min", "hard_max", "soft_min", "soft_max",
                "governor_measurable", "active")
        return {k: getattr(self, k).data for k in keys}
