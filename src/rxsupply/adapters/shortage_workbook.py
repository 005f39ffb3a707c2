"""The shortage board as a spreadsheet for managers (issue 12, item 5): :func:`board_workbook`
(xlsx) and :func:`board_csv`, written by :mod:`rxsupply.adapters.spreadsheets` from the board's
rows as ``ImpactRow.as_dict()`` gives them (``rxsupply shortages board --json``), in the
board's order (the riskiest first).

The columns read left to right as a buyer reads the board: which shortage and item, how it was
matched, what the hospital holds and uses, when it runs out (the pessimistic 10th-percentile
date first, then the median and the 90th percentile, as dates), the chance of running out
within 30 days, the risk the board ranks by, the unit cost, and the places that use it most
("ICU-ADC1 (120); ED-ADC1 (45)")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import tzinfo
from typing import Any

from rxsupply.adapters.spreadsheets import Column, csv_text, xlsx_bytes

BOARD_COLUMNS = (
    Column("shortage", "Shortage", "int"),
    Column("shortage_name", "Shortage name"),
    Column("status", "Status"),
    Column("item", "Item"),
    Column("name", "Item name"),
    Column("criticality", "Criticality"),
    Column("match", "Matched by"),
    Column("on_hand", "On hand (units)", "int"),
    Column("on_order", "On order (units)", "int"),
    Column("daily_use", "Daily use (units)", "number"),
    Column("days_of_supply", "Days of supply", "number"),
    Column("projected_stockout_p10", "Stock-out, pessimistic (p10)", "date"),
    Column("projected_stockout", "Stock-out, median", "date"),
    Column("projected_stockout_p90", "Stock-out, p90", "date"),
    Column("stockout_probability_30", "Chance of stock-out in 30 days", "number"),
    Column("risk", "Risk", "number"),
    Column("unit_cost", "Unit cost", "money"),
    Column("top_users", "Top users (units)"),
)
"""The board's columns, in order; a date left blank is "not within the projection's horizon"."""

SHEET = "Shortage board"


def _flat(row: Mapping[str, Any]) -> dict[str, Any]:
    """A board row with its top users as one text cell."""
    users = row.get("top_users") or []
    text = "; ".join(f"{u['location']} ({u['units']:,})" for u in users)
    return {**row, "top_users": text}


def board_workbook(rows: Iterable[Mapping[str, Any]], *, zone: tzinfo | None = None) -> bytes:
    """The board's rows (``ImpactRow.as_dict()``) as an xlsx workbook of one sheet: typed
    cells (dates as dates, numbers as numbers, the unit cost as money), the header bold and
    frozen, a filter, widths fitted to the text."""
    return xlsx_bytes(BOARD_COLUMNS, [_flat(r) for r in rows], sheet=SHEET, zone=zone)


def board_csv(rows: Iterable[Mapping[str, Any]], *, zone: tzinfo | None = None) -> str:
    """The same list as CSV text."""
    return csv_text(BOARD_COLUMNS, [_flat(r) for r in rows], zone=zone)
