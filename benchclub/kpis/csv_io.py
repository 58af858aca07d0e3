"""The one KPI CSV format, `firm,period,kpi,value,source,comment`: reading its shape and writing it.

Reading goes through the import framework (`benchclub.csvimport`: size, UTF-8, NUL bytes, header,
field counts); what the codes and numbers mean is checked in `imports.py` against the database and
the user's role.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import NamedTuple

from ..csvimport import FileTooLargeError, RowError, check_size, read_table
from ..csvsafe import neutralise_row

COLUMNS = ("firm", "period", "kpi", "value", "source", "comment")
HEADER_LINE = ",".join(COLUMNS)

__all__ = ["COLUMNS", "HEADER_LINE", "CsvRow", "FileTooLargeError", "RowError", "check_size", "read_rows", "write_rows"]


class CsvRow(NamedTuple):
    """One data row as text, with its line number in the file (a tuple: tens of thousands are made per file)."""

    line: int
    firm: str
    period: str
    kpi: str
    value: str
    source: str
    comment: str


def _make_row(line: int, cells: tuple[str, ...], index: dict[str, int]) -> CsvRow:
    return CsvRow(line, *(cells[index[c]] for c in COLUMNS))


def _make_row_in_order(line: int, cells: tuple[str, ...], _index: dict[str, int]) -> CsvRow:
    return CsvRow(line, *cells)


def read_rows(data: bytes, *, limit: int) -> tuple[list[CsvRow], list[RowError]]:
    """Split a CSV file into rows through the import framework, every shape problem located by line
    (size checked first: FileTooLargeError). Columns may come in any order."""
    text_start = data[:200].lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r")
    in_order = [c.strip().lower() for c in text_start.decode("utf-8", "replace").split(",")] == list(COLUMNS)
    table = read_table(data, COLUMNS, limit=limit, make=_make_row_in_order if in_order else _make_row)
    return table.rows, table.errors


def write_rows(rows: Iterable[Iterable[str]]) -> str:
    """The CSV text, header first, for downloads and `flask kpis export`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(neutralise_row(row) for row in rows)  # no formula runs in a spreadsheet (csvsafe.py)
    return out.getvalue()
