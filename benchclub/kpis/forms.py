"""Forms of the kpis feature: they check shape only; the services check the rules."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField

from ..models import KpiDefinition
from .services import KpiInput
from .validation import accept_decimal_comma


class EntryForm(FlaskForm):
    """The monthly entry page; its per-KPI inputs are read by `read_inputs` (one set per KPI)."""


class ConfirmImportForm(FlaskForm):
    """The confirm button under an import preview (CSRF only; the file stays on the server)."""

    token = HiddenField()


class UploadForm(FlaskForm):
    """A CSV file to preview."""

    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to upload.")],
                     description="UTF-8 CSV with the header firm,period,kpi,value,source,comment; at most 10 MB.")


def _version(text: str | None) -> int:
    try:
        return max(int(text or 0), 0)
    except ValueError:
        return 0


def read_inputs(formdata: Mapping[str, str], kpis: Iterable[KpiDefinition]) -> list[KpiInput]:
    """One KpiInput per KPI from the fields value-<code>, nil-<code>, comment-<code>, version-<code>.

    A decimal comma typed into a form ('97,5') is read as a decimal point; CSV imports keep '.' only.
    """
    return [
        KpiInput(
            kpi_code=kpi.code,
            text=accept_decimal_comma(formdata.get(f"value-{kpi.code}") or ""),
            is_nil=formdata.get(f"nil-{kpi.code}") in ("1", "on", "y"),
            comment=(formdata.get(f"comment-{kpi.code}") or "").strip()[:2000],
            version=_version(formdata.get(f"version-{kpi.code}")),
        )
        for kpi in kpis
    ]
