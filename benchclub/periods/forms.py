"""Period forms: shape only (the period service checks the rules)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class OpenPeriodForm(FlaskForm):
    """Open a month for entry."""

    month = StringField("Month", validators=[DataRequired(), Length(max=7)], description="YYYY-MM")
    due_on = DateField("Due date", validators=[Optional()], description="Default: the 15th of the next month.")


class ReopenForm(FlaskForm):
    """Reopen a closed month; the reason is logged."""

    reason = TextAreaField("Reason", validators=[DataRequired(message="Give a reason for reopening."),
                                                 Length(max=1000)])
