"""Benchmark forms: shape only (the comparator service checks ranges and order)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, FloatField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

QUANTILE_KEYS = ("p10", "p25", "p50", "p75", "p90")


class ComparatorImportForm(FlaskForm):
    """Upload of a comparator CSV."""

    file = FileField("Comparator CSV", validators=[FileRequired("Choose a CSV file.")])
    illustrative = BooleanField("These figures are illustrative (not a published survey)")


class ComparatorForm(FlaskForm):
    """A comparator's description; quantile fields per KPI are added by `comparator_form`."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    region = StringField("Region", validators=[DataRequired(), Length(max=80)])
    year = IntegerField("Year", validators=[DataRequired(), NumberRange(1950, 2100)])
    source = StringField("Source", validators=[DataRequired(), Length(max=300)],
                         description="Shown with the comparator on every chart and table.")
    sample_size = IntegerField("Sample size (firms)", validators=[Optional(), NumberRange(min=1)])
    illustrative = BooleanField("Illustrative figures (not a published survey)")

    def fields_data(self) -> dict:
        """The description fields, cleaned."""
        return {"name": self.name.data.strip(), "region": self.region.data.strip(), "year": self.year.data,
                "source": self.source.data.strip(), "sample_size": self.sample_size.data,
                "illustrative": bool(self.illustrative.data)}

    def quantiles(self, codes: list[str]) -> dict[str, dict[str, float | None]]:
        """{kpi code: {p10..p90: value or None}} from the dynamic fields."""
        return {c: {q: self[f"{c}__{q}"].data for q in QUANTILE_KEYS} for c in codes}


def comparator_form(kpi_codes: list[str], **kwargs) -> ComparatorForm:
    """A ComparatorForm with an optional number field per KPI and quantile."""

    class _Form(ComparatorForm):
        pass

    for code in kpi_codes:
        for q in QUANTILE_KEYS:
            setattr(_Form, f"{code}__{q}", FloatField(q.upper(), validators=[Optional()]))
    return _Form(**kwargs)
