"""The one writer of CSV and Excel lists: typed cells, a bold frozen header, and no cell a
spreadsheet would run as a formula (OWASP's CSV injection)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from rxsupply.adapters.spreadsheets import Column, csv_text, safe_text, xlsx_bytes

COLUMNS = (
    Column("name", "Name"),
    Column("qty", "Quantity", "int"),
    Column("price", "Price", "money"),
    Column("day", "Day", "date"),
    Column("at", "At", "datetime"),
)
ROWS = [
    {
        "name": "=1+2",
        "qty": -3,
        "price": Decimal("-12.5"),
        "day": date(2026, 11, 20),
        "at": datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
    },
    {"name": "ondansetron", "qty": 4, "price": "8.90", "day": None, "at": None},
]
EASTERN = ZoneInfo("America/New_York")


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\rx"])
def test_a_text_cell_that_a_spreadsheet_would_run_is_quoted(text: str) -> None:
    assert safe_text(text) == "'" + text


def test_plain_text_is_left_alone() -> None:
    assert safe_text("ondansetron 4 mg") == "ondansetron 4 mg"


def test_csv_quotes_formulas_but_keeps_negative_numbers_as_numbers() -> None:
    rows = list(csv.reader(io.StringIO(csv_text(COLUMNS, ROWS, zone=EASTERN))))

    assert rows == [
        ["Name", "Quantity", "Price", "Day", "At"],
        ["'=1+2", "-3", "-12.50", "2026-11-20", "2026-11-20T10:00:00-05:00"],
        ["ondansetron", "4", "8.90", "", ""],
    ]


def test_xlsx_cells_are_typed_under_a_bold_frozen_header() -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes(COLUMNS, ROWS, zone=EASTERN))).active
    assert sheet is not None

    first = [c.value for c in sheet[2]]

    assert [c.value for c in sheet[1]] == ["Name", "Quantity", "Price", "Day", "At"]
    assert all(c.font.bold for c in sheet[1]) and sheet.freeze_panes == "A2"
    assert first[:3] == ["'=1+2", -3, -12.5]
    assert first[3] == datetime(2026, 11, 20, 0, 0)  # noqa: DTZ001 - Excel has no time zones
    assert first[4] == datetime(2026, 11, 20, 10, 0)  # noqa: DTZ001 - local, America/New_York
    assert [sheet.cell(row=2, column=i).number_format for i in (2, 3, 4, 5)] == [
        "#,##0",
        "#,##0.00",
        "mm/dd/yyyy",
        "mm/dd/yyyy hh:mm",
    ]
    assert [c.value for c in sheet[3]][3:] == [None, None]
    assert sheet.auto_filter.ref == "A1:E3"
