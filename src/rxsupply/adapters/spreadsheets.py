"""Lists as files a manager opens in a spreadsheet: CSV and Excel (xlsx), one writer for both.

A list is its :class:`Column` s and its rows (dictionaries keyed by column name). The same list
writes as:

- **CSV**: UTF-8, a header row of the column titles, ``\\n`` line ends; dates ISO 8601
  (``2026-11-20``), timestamps ISO 8601 in the facility's zone with its offset, money with
  two decimals.
- **xlsx** (openpyxl): one sheet, the header row bold and frozen, an auto filter, column widths
  fitted to the text (at most 60 characters), every cell typed: whole numbers and money as
  numbers (money in the ``#,##0.00`` format), dates as dates (``mm/dd/yyyy``), timestamps as
  date-times in the facility's zone (``mm/dd/yyyy hh:mm``, Excel has no time zones).

Both guard against spreadsheet formula injection (OWASP "CSV injection") with
:func:`rxsupply.adapters.cell_safety.safe_text`: a text cell that starts with ``=``, ``+``,
``-`` or ``@`` (or a tab or carriage return) is written with a leading ``'`` so no spreadsheet
runs it as a formula. Numbers, money and dates are typed values and are never quoted (a
negative quantity stays a number).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any, Literal

from rxsupply.adapters.cell_safety import FORMULA_STARTS, safe_text

Kind = Literal["text", "int", "number", "money", "date", "datetime"]
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "mm/dd/yyyy"
DATETIME_FORMAT = "mm/dd/yyyy hh:mm"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
MAX_WIDTH = 60

__all__ = [
    "CSV_TYPE",
    "FORMULA_STARTS",
    "XLSX_TYPE",
    "Column",
    "csv_text",
    "safe_text",
    "xlsx_bytes",
]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a list: the row key, its title, and the kind of its cells."""

    key: str
    title: str
    kind: Kind = "text"


def _typed(value: Any, kind: Kind, zone: tzinfo | None) -> Any:
    """The cell's Python value: numbers as int/float/Decimal, dates as date/datetime (naive,
    local to ``zone``), text quoted against formulas; None stays empty."""
    if value is None or value == "":
        return None
    if kind == "int":
        return int(value)
    if kind == "money":
        return Decimal(str(value))
    if kind == "number":
        return float(value)
    if kind == "date":
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    if kind == "datetime":
        at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if at.tzinfo is not None:
            at = (at.astimezone(zone) if zone is not None else at).replace(tzinfo=None)
        return at
    return safe_text(str(value))


def _csv_cell(value: Any, kind: Kind, zone: tzinfo | None) -> str:
    if kind == "datetime" and value:
        at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return (at.astimezone(zone) if zone is not None and at.tzinfo else at).isoformat()
    typed = _typed(value, kind, zone)
    if typed is None:
        return ""
    if kind == "money":
        return f"{typed:.2f}"
    if kind in ("date", "datetime"):
        return str(typed.isoformat())
    return str(typed)


def csv_text(
    columns: Sequence[Column], rows: Iterable[Mapping[str, Any]], *, zone: tzinfo | None = None
) -> str:
    """The list as CSV text (header row of titles)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.title for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(row.get(c.key), c.kind, zone) for c in columns])
    return out.getvalue()


def xlsx_bytes(
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, Any]],
    *,
    sheet: str = "List",
    zone: tzinfo | None = None,
) -> bytes:
    """The list as an xlsx workbook of one sheet (see the module's notes)."""
    from openpyxl import Workbook  # on first use: 0.14 s that every CLI command paid on start
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet[:31]
    ws.append([c.title for c in columns])
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    widths = [len(c.title) for c in columns]
    formats = {
        "money": MONEY_FORMAT,
        "date": DATE_FORMAT,
        "datetime": DATETIME_FORMAT,
        "int": "#,##0",
    }
    count = 0
    for count, row in enumerate(rows, start=1):
        values = [_typed(row.get(c.key), c.kind, zone) for c in columns]
        ws.append(values)
        for i, (c, v) in enumerate(zip(columns, values, strict=True)):
            if v is None:
                continue
            if c.kind in formats:
                ws.cell(row=count + 1, column=i + 1).number_format = formats[c.kind]
            shown = 16 if c.kind == "datetime" else 10 if c.kind == "date" else len(str(v))
            widths[i] = max(widths[i], shown + (3 if c.kind in ("money", "int") else 0))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
