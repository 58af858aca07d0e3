"""Spreadsheet formula injection: text cells that a spreadsheet would run are written with a leading quote.

A cell starting with = + - @ TAB or CR is a formula to Excel, LibreOffice and Google Sheets
(`=HYPERLINK(...)` in a member's comment would run on the facilitator's machine). Such a cell is
written as `'=HYPERLINK(...)`: spreadsheets then show it as text. Plain numbers (`-3.5`, `+2`) are
left alone so values stay numbers. Our own CSV import removes that one quote again, so an export
imported back is unchanged (OWASP "CSV injection" recommendation).
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def neutralise(cell: Any) -> Any:
    """The cell as a spreadsheet will show it, never run it."""
    if not isinstance(cell, str) or not cell.startswith(FORMULA_STARTS) or _is_number(cell):
        return cell
    return "'" + cell


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    """Every cell of a row, neutralised."""
    return [neutralise(cell) for cell in row]


def restore(cell: str) -> str:
    """Undo `neutralise` on import: drop the quote we put before a formula character."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) and not _is_number(cell[1:]):
        return cell[1:]
    return cell
