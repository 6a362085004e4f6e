"""How an archive export writes a value into a CSV field or a worksheet cell.

- Text that a spreadsheet would take for a formula (starting with =, +, -, @, a tab or a
  carriage return) gets a leading apostrophe, as OWASP advises against CSV injection. Only
  text and JSON columns: numbers, money and times are written as values.
- Times in UTC, ISO 8601 to the second (2026-11-27T18:15:09Z), in both formats.
- Money as a plain decimal with two places (12.50); in a workbook a number.
- A workbook cannot hold XML control characters (dropped) or more than 32,767 characters
  in a cell (the rest cut, ending with an ellipsis).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from backend.domain.returns.archive import Cell, Sheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CELL = 32_767
XLSX_MAX_ROWS = 1_048_576  # a worksheet's rows, its header included
_NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CENTS = Decimal("0.01")


def guarded(text: str) -> str:
    """`text` made inert for a spreadsheet: a leading apostrophe if it would start a
    formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def utc_text(value: datetime) -> str:
    """2026-11-27T18:15:09Z; a time without a zone is taken as UTC."""
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.isoformat(timespec="seconds")[:19] + "Z"


def money_text(value: Decimal) -> str:
    return str(value.quantize(_CENTS))


def _bool_text(value: Any) -> str:
    return "true" if value else "false"


def xlsx_text(text: str) -> str | None:
    """Text as a worksheet cell takes it (None for empty)."""
    cleaned = _NOT_IN_XLSX.sub("", guarded(text))
    if len(cleaned) > XLSX_MAX_CELL:
        return cleaned[: XLSX_MAX_CELL - 1] + "…"
    return cleaned or None


def _xlsx_money(value: Any) -> Decimal:
    return Decimal(value).quantize(_CENTS)


# What each kind of cell needs beyond the value itself (None stays empty everywhere; the
# CSV writer writes integers itself). Text columns of a CSV are guarded inline.
_CSV: dict[Cell, Callable[[Any], Any]] = {
    Cell.MONEY: money_text,
    Cell.TIME: utc_text,
    Cell.BOOL: _bool_text,
}
_XLSX: dict[Cell, Callable[[Any], Any]] = {
    Cell.TEXT: xlsx_text,
    Cell.JSON: xlsx_text,
    Cell.MONEY: _xlsx_money,
    Cell.TIME: utc_text,
}
_TEXT = (Cell.TEXT, Cell.JSON)

Row = Callable[[Sequence[Any]], list[Any]]


def csv_row(sheet: Sheet) -> Row:
    """What turns a row's values (Python values in the sheet's column order) into what a
    CSV writer writes."""
    text = [i for i, c in enumerate(sheet.columns) if c.cell in _TEXT]
    other = [(i, _CSV[c.cell]) for i, c in enumerate(sheet.columns) if c.cell in _CSV]

    def row(values: Sequence[Any]) -> list[Any]:
        cells = list(values)
        for i in text:
            value = cells[i]
            if value and value.startswith(FORMULA_START):
                cells[i] = "'" + value
        for i, convert in other:
            if cells[i] is not None:
                cells[i] = convert(cells[i])
        return cells

    return row


def xlsx_row(sheet: Sheet) -> Row:
    """What turns a row's values into worksheet cell values (text, int, Decimal, bool or
    None)."""
    convert = [(i, _XLSX[c.cell]) for i, c in enumerate(sheet.columns) if c.cell in _XLSX]

    def row(values: Sequence[Any]) -> list[Any]:
        cells = list(values)
        for i, change in convert:
            if cells[i] is not None:
                cells[i] = change(cells[i])
        return cells

    return row


def xlsx_title(sheet: Sheet, part: int) -> str:
    """The worksheet holding a sheet's `part`-th million rows: `events`, `events (2)`."""
    return sheet.name if part == 1 else f"{sheet.name} ({part})"
