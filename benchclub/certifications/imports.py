"""`flask certs import`: certificates from CSV (firm,standard,number,body,issued,expires) on the import
framework (`benchclub.csvimport`): all or nothing, every bad row listed."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ..clubs.services import get_firm
from ..csvimport import Row, all_or_nothing, read_table, run_rows
from ..errors import DomainError, NotFoundError
from ..extensions import db
from ..models import Certificate, User
from .services import CertificateInput, add_certificate, canonical_standard, update_certificate

CERT_COLUMNS = ("firm", "standard", "number", "body", "issued", "expires")
# Import columns are named differently from the model fields; errors must name the column.
COLUMN_FOR_FIELD = {"issued_on": "issued", "expires_on": "expires"}


def _parse_date(text: str, column: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"'{text}' is not a date; write it as YYYY-MM-DD.", field=column) from None


def _cert_row(row: Row, actor: User | None) -> Certificate:
    try:
        firm = get_firm(row["firm"])
    except NotFoundError as exc:
        raise DomainError(str(exc), field="firm") from None
    data = CertificateInput(canonical_standard(row["standard"]), row["number"], row["body"],
                            _parse_date(row["issued"], "issued"), _parse_date(row["expires"], "expires"))
    existing = db.session.scalar(sa.select(Certificate).where(
        Certificate.firm_id == firm.id, Certificate.standard == data.standard, Certificate.number == data.number))
    try:
        if existing is not None:
            data.evidence_note = existing.evidence_note
            return update_certificate(existing, data, expected_version=None, actor=actor)
        return add_certificate(firm, data, actor=actor)
    except DomainError as exc:
        exc.field = COLUMN_FOR_FIELD.get(exc.field or "", exc.field)
        raise


def _key(row: Row) -> tuple[str, str, str]:
    return row["firm"], " ".join(row["standard"].split()).lower(), row["number"]


def import_certificates(data: bytes, *, actor: User | None = None) -> list[Certificate]:
    """Add the certificates of a CSV file; a row naming an existing firm, standard and number updates it."""
    rows = read_table(data, CERT_COLUMNS).rows_or_raise()
    return all_or_nothing(db.session, lambda: run_rows(rows, lambda row: _cert_row(row, actor), key=_key, key_column="number"))
