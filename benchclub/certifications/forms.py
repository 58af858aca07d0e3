"""Certificate form: shape only (dates are dates, texts have lengths)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..models import DEFAULT_STANDARDS
from .services import CertificateInput


class CertificateForm(FlaskForm):
    """Add or edit one certificate; `version` carries the optimistic lock."""

    standard = SelectField("Standard", choices=[(s, s) for s in DEFAULT_STANDARDS])
    number = StringField("Certificate number", validators=[DataRequired(), Length(max=80)])
    body = StringField("Certification body", validators=[DataRequired(), Length(max=120)],
                       description="Who issued it, e.g. TÜV SÜD, SGS, Bureau Veritas.")
    issued_on = DateField("Issued on", validators=[DataRequired(message="Give the issue date (YYYY-MM-DD).")])
    expires_on = DateField("Expires on", validators=[DataRequired(message="Give the expiry date (YYYY-MM-DD).")])
    evidence_note = TextAreaField("Evidence note", validators=[Optional(), Length(max=2000)],
                                  description="Scope, sites covered, where the certificate is filed.")
    version = HiddenField()

    def to_input(self) -> CertificateInput:
        """The submitted fields for the certificate service."""
        return CertificateInput(self.standard.data, self.number.data, self.body.data, self.issued_on.data,
                                self.expires_on.data, self.evidence_note.data or "")

    def expected_version(self) -> int | None:
        """The version the editor loaded (None when the form did not carry one)."""
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None
