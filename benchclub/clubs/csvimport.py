"""Reading the club's set-up CSV files (firms, links, certificates): all-or-nothing, row-level errors.

A file is UTF-8 text with a header row naming exactly the expected columns. Every problem is
reported with its line, column and reason, and nothing is written when any row is bad: the
importers collect errors row by row and raise `ImportRejectedError` at the end, so the caller
(view or CLI command) rolls the whole transaction back.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import DomainError

MAX_IMPORT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    """One problem in an import file, located for the person who has to fix it."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for `--json` output and tests."""
        return {"line": self.line, "column": self.column, "reason": self.reason}


class ImportRejectedError(DomainError):
    """The file had errors; nothing from it was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s) in the file; nothing was imported.")
        self.errors = errors


@dataclass
class Row:
    """A data row with its line number in the file (the header is line 1)."""

    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


def _decode(data: bytes) -> str:
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRejectedError([RowError(1, "-", "The file is larger than 10 MB; split it and try again.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejectedError(
            [RowError(1, "-", "The file is not UTF-8 text. Save it from your spreadsheet as 'CSV UTF-8'.")]
        ) from None
    if "\x00" in text:  # binary data; PostgreSQL text cannot hold NUL either
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportRejectedError([RowError(line, "-", "The file contains binary data (a NUL byte); upload CSV text.")])
    return text


def _check_header(header: list[str] | None, columns: tuple[str, ...]) -> None:
    if not header or not any(cell.strip() for cell in header):
        raise ImportRejectedError([RowError(1, "-", f"The file is empty; expected the header {','.join(columns)}.")])
    names = [cell.strip().lower() for cell in header]
    errors = [RowError(1, name, "missing column") for name in columns if name not in names]
    errors += [RowError(1, name or "(blank)", "unexpected column") for name in names if name not in columns]
    if len(set(names)) != len(names):
        errors.append(RowError(1, "-", "a column appears twice in the header"))
    if errors:
        raise ImportRejectedError(errors)


def read_rows(data: bytes, columns: tuple[str, ...]) -> list[Row]:
    """Decode and parse a CSV file; raise at once for an unreadable file or a wrong header."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        _check_header(header, columns)
        names = [cell.strip().lower() for cell in header or []]
        rows, errors = [], []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are harmless
            if len(cells) != len(names):
                errors.append(RowError(reader.line_num, "-", f"expected {len(names)} fields, found {len(cells)}"))
                continue
            rows.append(Row(reader.line_num, {n: c.strip() for n, c in zip(names, cells, strict=True)}))
    except csv.Error as exc:
        raise ImportRejectedError([RowError(reader.line_num, "-", f"not valid CSV ({exc})")]) from None
    if errors:
        raise ImportRejectedError(errors)
    if not rows:
        raise ImportRejectedError([RowError(2, "-", "The file has a header but no data rows.")])
    return rows


def run_rows(rows: list[Row], apply: Callable[[Row], Any], key: Callable[[Row], Any] | None = None,
             key_column: str = "-") -> list[Any]:
    """Apply each row, collecting domain errors (and duplicate keys) instead of stopping at the first."""
    errors: list[RowError] = []
    seen: dict[Any, int] = {}
    results = []
    for row in rows:
        if key is not None:
            k = key(row)
            if k in seen:
                errors.append(RowError(row.line, key_column, f"duplicate of line {seen[k]}"))
                continue
            seen[k] = row.line
        try:
            results.append(apply(row))
        except DomainError as exc:
            errors.append(RowError(row.line, exc.field or "-", str(exc)))
    if errors:
        raise ImportRejectedError(errors)
    return results


def iter_errors(exc: ImportRejectedError) -> Iterator[str]:
    """Each error as a printable line."""
    for error in exc.errors:
        yield str(error)
