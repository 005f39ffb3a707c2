"""The shortage board as a workbook: the board's rows as ``ImpactRow.as_dict()`` gives them, in
their order, the header as a buyer reads it, dates as dates, numbers as numbers, the top users
in one cell; a date beyond the projection's horizon left blank."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from rxsupply.adapters.shortage_workbook import BOARD_COLUMNS, board_csv, board_workbook
from rxsupply.services.outlook import ItemOutlook
from rxsupply.services.shortage_board import ImpactRow


def board_row(item: str, *, p10: date | None, median: date | None, risk: float) -> dict[str, Any]:
    outlook = ItemOutlook(
        item=item,
        name=f"{item} name",
        criticality="vital",
        on_hand=425,
        on_order=100,
        daily_use=12.345,
        daily_use_sd=3.2,
        days_of_supply=34.42,
        projected_stockout=median,
        projected_stockout_p10=p10,
        projected_stockout_p90=None,
        stockout_probability_30=0.25,
        unit_cost=Decimal("0.75"),
        curve=[(date(2026, 11, 27), 0.0)],
    )
    row = ImpactRow(
        shortage=7,
        shortage_name="Ondansetron Injection",
        status="current",
        match="ndc",
        outlook=outlook,
        risk=risk,
        top_users=[("ICU-ADC1", "ICU cabinet 1", 1200), ("ED-ADC1", "ED cabinet 1", 45)],
    )
    return row.as_dict()


ROWS = [
    board_row("ONDA4INJ", p10=date(2026, 12, 20), median=date(2027, 1, 3), risk=0.25),
    board_row("MORPH2INJ", p10=None, median=None, risk=0.0),
]


def test_the_board_opens_with_its_header_and_typed_rows_in_board_order() -> None:
    book = load_workbook(io.BytesIO(board_workbook(ROWS)))

    sheet = book.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, sheet[2], strict=True))
    assert sheet.title == "Shortage board"
    assert header[:7] == [
        "Shortage",
        "Shortage name",
        "Status",
        "Item",
        "Item name",
        "Criticality",
        "Matched by",
    ]
    assert header == [c.title for c in BOARD_COLUMNS]
    assert sheet.max_row == 3
    assert [sheet.cell(row=r, column=4).value for r in (2, 3)] == ["ONDA4INJ", "MORPH2INJ"]
    assert first["Shortage"].value == 7
    assert first["On hand (units)"].value == 425
    assert first["Days of supply"].value == 34.4
    assert first["Stock-out, pessimistic (p10)"].value == datetime(2026, 12, 20)  # noqa: DTZ001 - Excel has no time zones
    assert first["Stock-out, pessimistic (p10)"].number_format == "mm/dd/yyyy"
    assert first["Stock-out, median"].value == datetime(2027, 1, 3)  # noqa: DTZ001
    assert first["Stock-out, p90"].value is None
    assert first["Chance of stock-out in 30 days"].value == 0.25
    assert first["Unit cost"].value == 0.75
    assert first["Top users (units)"].value == "ICU-ADC1 (1,200); ED-ADC1 (45)"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= len("Ondansetron Injection")


def test_a_stock_out_beyond_the_horizon_is_a_blank_cell() -> None:
    sheet = load_workbook(io.BytesIO(board_workbook(ROWS))).active
    assert sheet is not None

    second = [c.value for c in sheet[3]]

    assert second[11:14] == [None, None, None]


def test_the_same_board_writes_as_csv() -> None:
    found = list(csv.DictReader(io.StringIO(board_csv(ROWS))))

    assert [r["Item"] for r in found] == ["ONDA4INJ", "MORPH2INJ"]
    assert found[0]["Stock-out, pessimistic (p10)"] == "2026-12-20"
    assert found[0]["Unit cost"] == "0.75"
