"""The one KPI CSV format, `firm,period,kpi,value,source,comment`: reading its shape and writing it.

Reading here checks only what the bytes and columns look like (size, UTF-8, header, field counts);
what the codes and numbers mean is checked in `imports.py` against the database and the user's role.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from ..csvsafe import neutralise_row, restore
from ..errors import DomainError

COLUMNS = ("firm", "period", "kpi", "value", "source", "comment")
HEADER_LINE = ",".join(COLUMNS)


class FileTooLargeError(DomainError):
    """Refused before parsing: the file is over the upload limit."""


@dataclass(frozen=True)
class RowError:
    """One problem, located for a person: the line in the file, the column (or '' for the row), why."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class CsvRow:
    """One data row as text, with its line number in the file."""

    line: int
    firm: str
    period: str
    kpi: str
    value: str
    source: str
    comment: str


def check_size(size: int, limit: int) -> None:
    """Refuse a file over the limit before reading a byte of it."""
    if size > limit:
        raise FileTooLargeError(
            f"The file is {size / 1024 / 1024:.1f} MB; files over {limit // (1024 * 1024)} MB are refused. "
            "Split it into smaller files.", field="file")


def _decode(data: bytes) -> tuple[str | None, list[RowError]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [RowError(line, "", "The file is not UTF-8 text. Save it as 'CSV UTF-8' and upload it again.")]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [RowError(line, "", "The file contains binary data; upload a CSV text file.")]
    if not text.strip():
        return None, [RowError(1, "", f"The file is empty. The first line must be the header: {HEADER_LINE}")]
    return text, []


def _check_header(header: list[str]) -> tuple[list[str], list[RowError]]:
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    extra = [n or "(blank)" for n in names if n not in COLUMNS]
    repeated = sorted({n for n in names if n in COLUMNS and names.count(n) > 1})
    errors = []
    if missing:
        errors.append(RowError(1, "", f"Missing column(s): {', '.join(missing)}. The header must be: {HEADER_LINE}"))
    if extra:
        errors.append(RowError(1, "", f"Unexpected column(s): {', '.join(extra)}. The header must be: {HEADER_LINE}"))
    if repeated:
        errors.append(RowError(1, "", f"Column(s) named twice: {', '.join(repeated)}."))
    return names, errors


def _row(fields: list[str], names: list[str], line: int) -> tuple[CsvRow | None, RowError | None]:
    if len(fields) > len(names):
        return None, RowError(line, "", f"This row has {len(fields)} fields but the header has {len(names)}: "
                                         "extra column(s). Quote text that contains commas.")
    if len(fields) < len(names):
        return None, RowError(line, "", f"This row has {len(fields)} fields but the header has {len(names)}: "
                                         "missing column(s).")
    cells = {name: restore(cell.strip()) for name, cell in zip(names, fields, strict=True)}
    return CsvRow(line=line, **{c: cells[c] for c in COLUMNS}), None


def read_rows(data: bytes, *, limit: int) -> tuple[list[CsvRow], list[RowError]]:
    """Split a CSV file into rows, with every shape problem located by line (size checked first)."""
    check_size(len(data), limit)
    text, errors = _decode(data)
    if text is None:
        return [], errors
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[CsvRow] = []
    try:
        names, errors = _check_header(next(reader))
        if errors:
            return [], errors
        line = reader.line_num
        for fields in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in fields):
                continue  # blank lines are allowed
            row, error = _row(fields, names, start)
            if row is not None:
                rows.append(row)
            else:
                errors.append(error)
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "", f"The file is not valid CSV here ({exc})."))
    if not rows and not errors:
        errors.append(RowError(1, "", "The file has a header but no rows."))
    return rows, errors


def write_rows(rows: Iterable[Iterable[str]]) -> str:
    """The CSV text, header first, for downloads and `flask kpis export`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(neutralise_row(row) for row in rows)  # no formula runs in a spreadsheet (csvsafe.py)
    return out.getvalue()
