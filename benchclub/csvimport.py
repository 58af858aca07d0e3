"""The one CSV import framework: firms, supply links, KPI values, certificates and comparators all read
their files through it (issue 9 item 3).

1. **Parse** (`read_table`): the size limit first, then UTF-8 (a byte order mark is dropped; any other
   byte that is not UTF-8, or a NUL byte, is refused with the line it is on), the header (columns in any
   order, none missing, none unexpected, none twice), and one `Row` per non-blank record, numbered by
   the line it starts on. A record with too few or too many fields is a row error. Cells are stripped
   and lose the quote that `csvsafe.neutralise` put before a formula character, so an exported file
   imports back unchanged. Numbers are never read here: CSV files use '.' as the decimal point
   (`kpis.validation.parse_number`); the decimal comma is a convenience of typed forms only.
2. **Validate** (`check_rows`): a per-row function raising `DomainError` (its `field` names the
   column) is run on every row; every problem and every repeated key becomes a `RowError`, instead of
   stopping at the first.
3. **Preview** (`preview`): runs the whole import, then rolls the transaction back whatever happened:
   nothing is written.
4. **Commit all or nothing** (`all_or_nothing`): runs the import; when it raises (`ImportRejectedError`
   listing the row errors, or anything else), the session is rolled back before the error goes on, so
   no row of a refused file is ever left behind, whatever the caller does next.

This module never reads the database: `preview` and `all_or_nothing` are handed the session whose
transaction they end.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .csvsafe import restore
from .errors import DomainError

WHOLE_ROW = "-"  # the column of an error about a whole row or the whole file
MAX_IMPORT_BYTES = 10 * 1024 * 1024

T = TypeVar("T")


@dataclass(frozen=True)
class RowError:
    """One problem, located for the person who has to fix it: the line in the file, the column, why.

    `column` is a column name, or '' / '-' when the problem is about the whole row or file.
    """

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column not in ("", WHOLE_ROW) else "")
        return f"{where}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for `--json` output and tests."""
        return {"line": self.line, "column": self.column, "reason": self.reason}


class ImportRejectedError(DomainError):
    """The file had at least one problem, so nothing from it was written; `errors` lists them all."""

    def __init__(self, errors: Sequence[RowError], message: str | None = None, *, field: str | None = "file"):
        self.errors = list(errors)
        if message is None:
            first = f" First error: {self.errors[0]}" if self.errors else ""
            message = f"{len(self.errors)} problem(s) found; nothing was imported.{first}"
        super().__init__(message, field=field)


class FileTooLargeError(ImportRejectedError):
    """Refused before reading a byte: the file is over the upload limit."""

    def __init__(self, size: int, limit: int):
        message = (f"The file is {size / 1024 / 1024:.1f} MB; files over {limit // (1024 * 1024)} MB are refused. "
                   "Split it into smaller files.")
        super().__init__([RowError(1, WHOLE_ROW, message)], message)


@dataclass(frozen=True, slots=True)
class Row:
    """A data row: its cells by column name (stripped, formula quote removed) and the line it starts on."""

    line: int
    cells: tuple[str, ...]
    index: dict[str, int]  # column name -> position, shared by every row of the file

    def __getitem__(self, column: str) -> str:
        position = self.index.get(column)
        return "" if position is None else self.cells[position]

    @property
    def values(self) -> dict[str, str]:
        """Every cell by column name."""
        return {name: self.cells[i] for name, i in self.index.items()}


@dataclass
class Table:
    """A parsed file: its rows, or the problems that stopped parsing (then `rows` is empty)."""

    columns: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file could be read as rows."""
        return not self.errors

    def rows_or_raise(self) -> list[Row]:
        """The rows, or ImportRejectedError with every parsing problem."""
        if self.errors:
            raise ImportRejectedError(self.errors)
        return self.rows


def check_size(size: int, limit: int) -> None:
    """Refuse a file over the limit before reading a byte of it."""
    if size > limit:
        raise FileTooLargeError(size, limit)


def decode(data: bytes) -> tuple[str | None, list[RowError]]:
    """The file as text (BOM dropped), or the line of its first non-UTF-8 byte or NUL byte."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [RowError(line, WHOLE_ROW, "The file is not UTF-8 text. Save it from your spreadsheet as "
                                                "'CSV UTF-8' and upload it again.")]
    if "\x00" in text:  # binary data; PostgreSQL text cannot hold NUL either
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [RowError(line, WHOLE_ROW, "The file contains binary data (a NUL byte); upload a CSV text file.")]
    return text, []


def check_header(header: Sequence[str] | None, columns: Sequence[str]) -> tuple[list[str], list[RowError]]:
    """The header's column names (lower case, stripped) and its problems, each naming the columns concerned."""
    expected = ",".join(columns)
    if not header or not any(cell.strip() for cell in header):
        return [], [RowError(1, WHOLE_ROW, f"The file is empty. The first line must be the header: {expected}")]
    names = [cell.strip().lower() for cell in header]
    missing = [c for c in columns if c not in names]
    extra = [n or "(blank)" for n in names if n not in columns]
    repeated = sorted({n for n in names if names.count(n) > 1 and n in columns})
    errors = []
    if missing:
        errors.append(RowError(1, ", ".join(missing), f"Missing column(s): {', '.join(missing)}. "
                                                      f"The header must be: {expected}"))
    if extra:
        errors.append(RowError(1, ", ".join(extra), f"Unexpected column(s): {', '.join(extra)}. "
                                                    f"The header must be: {expected}"))
    if repeated:
        errors.append(RowError(1, ", ".join(repeated), f"Column(s) named twice: {', '.join(repeated)}."))
    return names, errors


def _restore_all(cells: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(restore(cell) if cell[:1] == "'" else cell for cell in cells)


def _shape_error(line: int, found: int, wanted: int) -> RowError:
    if found > wanted:
        return RowError(line, WHOLE_ROW, f"This row has {found} fields but the header has {wanted}: extra column(s). "
                                         "Quote text that contains commas.")
    return RowError(line, WHOLE_ROW, f"This row has {found} fields but the header has {wanted}: missing column(s).")


def _read_records(reader: Any, names: list[str], table: Table, make: Callable[..., Any], quoted: bool) -> None:
    """The data records after the header: rows of the header's width, shape errors for the others."""
    index = {name: i for i, name in enumerate(names)}
    width, line, rows, errors, strip = len(names), reader.line_num, table.rows, table.errors, str.strip
    for fields in reader:
        start, line = line + 1, reader.line_num
        if len(fields) == width:
            cells = tuple(map(strip, fields))
            if quoted:
                cells = _restore_all(cells)
            if any(cells):  # blank lines (and rows of empty cells) are harmless
                rows.append(make(start, cells, index))
        elif any(cell.strip() for cell in fields):
            errors.append(_shape_error(start, len(fields), width))


def read_table(data: bytes, columns: Sequence[str], *, limit: int = MAX_IMPORT_BYTES,
               make: Callable[[int, tuple[str, ...], dict[str, int]], Any] = Row) -> Table:
    """Parse a CSV file into rows, every shape problem located by line (size checked first, raising
    FileTooLargeError); a file that cannot be read gives row errors, never an exception.

    `make(line, cells, index)` builds each row (a `Row` unless an importer wants its own type).
    """
    check_size(len(data), limit)
    table = Table(tuple(columns))
    text, table.errors = decode(data)
    if text is None:
        return table
    quoted = "'" in text  # only then can a cell carry csvsafe's formula quote
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        names, table.errors = check_header(next(reader, None), columns)
        if table.errors:
            return table
        _read_records(reader, names, table, make, quoted)
    except csv.Error as exc:
        table.errors.append(RowError(reader.line_num, WHOLE_ROW, f"The file is not valid CSV here ({exc})."))
    if table.errors:
        table.rows = []
    elif not table.rows:
        table.errors.append(RowError(2, WHOLE_ROW, "The file has a header but no rows."))
    return table


def check_rows(rows: Sequence[Row], check: Callable[[Row], T], *, key: Callable[[Row], Any] | None = None,
               key_column: str = WHOLE_ROW) -> tuple[list[T], list[RowError]]:
    """Run `check` on every row: its results, and one RowError per DomainError raised or repeated key."""
    errors: list[RowError] = []
    seen: dict[Any, int] = {}
    results: list[T] = []
    for row in rows:
        if key is not None:
            k = key(row)
            if k in seen:
                errors.append(RowError(row.line, key_column, f"duplicate of line {seen[k]}"))
                continue
            seen[k] = row.line
        try:
            results.append(check(row))
        except DomainError as exc:
            errors.append(RowError(row.line, exc.field or WHOLE_ROW, str(exc)))
    return results, errors


def run_rows(rows: Sequence[Row], apply: Callable[[Row], T], *, key: Callable[[Row], Any] | None = None,
             key_column: str = WHOLE_ROW) -> list[T]:
    """`check_rows`, raising ImportRejectedError with every row error when there is any."""
    results, errors = check_rows(rows, apply, key=key, key_column=key_column)
    if errors:
        raise ImportRejectedError(errors)
    return results


def all_or_nothing(session: Any, work: Callable[[], T]) -> T:
    """Run an import in `session`; if it raises, roll the session back first, so a refused file leaves
    nothing behind."""
    try:
        return work()
    except BaseException:
        session.rollback()
        raise


@dataclass
class Preview:
    """What committing a file would do: the summary `work` returned, or every row error."""

    result: Any = None
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file would be imported."""
        return not self.errors


def preview(session: Any, work: Callable[[], T], summarise: Callable[[T], Any] = lambda result: result) -> Preview:
    """Run an import in `session` to see what it would do, then roll it back: nothing is written,
    whatever happens. `summarise` turns the result into plain data before the rollback expires it."""
    try:
        return Preview(result=summarise(work()))
    except ImportRejectedError as exc:
        return Preview(errors=exc.errors)
    finally:
        session.rollback()


def iter_errors(exc: ImportRejectedError) -> Iterator[str]:
    """Each error as a printable line."""
    for error in exc.errors:
        yield str(error)
