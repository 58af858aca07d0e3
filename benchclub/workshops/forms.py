"""Workshop forms: shape only; the services check the rules."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class SuggestionForm(FlaskForm):
    """KPI and closed period to propose hosts and invitees for (a GET form)."""

    class Meta:
        csrf = False

    kpi = SelectField("KPI", validators=[DataRequired()])
    period = SelectField("Closed period", validators=[DataRequired()])


class WorkshopForm(FlaskForm):
    """Create or edit a workshop."""

    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    kpi_code = SelectField("Topic KPI", validators=[DataRequired()])
    held_on = DateField("Date", validators=[InputRequired(message="Give the date of the workshop.")])
    host_firm_id = SelectField("Host firm", coerce=int, validators=[Optional()],
                               description="The host firm is asked to agree before invitees see the workshop.")
    place = StringField("Place", validators=[Length(max=200)], description="Defaults to the host's plant.")
    capacity = IntegerField("Capacity (firms)", default=12, validators=[InputRequired(), NumberRange(min=1, max=500)])
    agenda = TextAreaField("Agenda", validators=[Length(max=5000)], render_kw={"rows": 5})
    invitees = SelectMultipleField("Invite firms", coerce=int, validators=[Optional()])
    suggested_from_month = HiddenField(validators=[Optional(), Length(max=7)])


class NotesForm(FlaskForm):
    """The facilitator's notes of a workshop."""

    notes = TextAreaField("Notes", validators=[Length(max=20000)])


class MaterialForm(FlaskForm):
    """One uploaded file."""

    file = FileField("File", validators=[FileRequired("Choose a file to upload.")],
                     description="PDF, images, Office documents, CSV or text; at most 10 MB.")


class InviteForm(FlaskForm):
    """More firms to invite."""

    firms = SelectMultipleField("Firms", coerce=int, validators=[DataRequired("Choose at least one firm.")])


class ActionForm(FlaskForm):
    """A new improvement action (firm chosen by the facilitator; a member's own firm otherwise)."""

    firm_id = SelectField("Firm", coerce=int, validators=[Optional()])
    description = TextAreaField("Action", validators=[DataRequired(), Length(max=2000)])
    owner = StringField("Owner", validators=[Length(max=120)])
    due_on = DateField("Due", validators=[InputRequired(message="Give a due date.")])


class ActionEditForm(FlaskForm):
    """Edit an improvement action, including its status."""

    description = TextAreaField("Action", validators=[DataRequired(), Length(max=2000)])
    owner = StringField("Owner", validators=[Length(max=120)])
    due_on = DateField("Due", validators=[InputRequired(message="Give a due date.")])
    status = SelectField("Status", choices=[("open", "Open"), ("done", "Done")], validators=[DataRequired()])
