"""The consent form: all KPIs or a chosen list (shape only)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField
from wtforms.validators import InputRequired


class ConsentForm(FlaskForm):
    """What a supplier shares with one governor."""

    scope = RadioField("Share", choices=[("all", "All KPIs"), ("chosen", "Only the KPIs ticked")],
                       validators=[InputRequired(message="Choose all KPIs or a list.")])
    kpi_codes = SelectMultipleField("KPIs", choices=[], validate_choice=False)

    def codes(self) -> list[str] | None:
        """None for every KPI, else the ticked codes."""
        return None if self.scope.data == "all" else list(self.kpi_codes.data or [])
