"""The one rule against spreadsheet formula injection that every export applies: text that a
spreadsheet would run is quoted with ``'``; numbers, typed or written as plain numbers, are not;
and our own readers read the quoted text back as it was."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from rxsupply.adapters.cell_safety import safe_cell, safe_frame, safe_row, safe_text, unquote
from rxsupply.adapters.controlled_report import COLUMNS as BIENNIAL_COLUMNS
from rxsupply.adapters.controlled_report import biennial_csv
from rxsupply.entrypoints.return_documents import manifest_csv

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_a_spreadsheet_would_run_is_quoted_and_reads_back_unchanged(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert unquote(str(safe_cell(text))) == text


@pytest.mark.parametrize("value", [-5, -5.5, Decimal("-12.50"), "-5", "-12.50", "+3", None])
def test_numbers_typed_or_written_plainly_stay_numbers(value: object) -> None:
    assert safe_cell(value) == value


def test_text_a_user_typed_with_a_quote_is_not_quoted_twice() -> None:
    assert safe_text("'=1") == "'=1"
    assert safe_cell(date(2026, 11, 20)) == date(2026, 11, 20)


def test_a_row_for_a_dict_writer_keeps_its_keys_and_quotes_only_text() -> None:
    row = {"name": "@SUM(1)", "units": -5, "note": "fine"}

    assert safe_row(row) == {"name": "'@SUM(1)", "units": -5, "note": "fine"}


def test_a_frame_quotes_text_columns_and_leaves_numeric_columns_typed() -> None:
    frame = pl.DataFrame({"series_id": ["=A1@MAIN", "-5", "plain", None], "max": [-5, 1, 2, 3]})

    safe = safe_frame(frame)

    assert safe.get_column("series_id").to_list() == ["'=A1@MAIN", "-5", "plain", None]
    assert safe.schema["max"] == pl.Int64
    assert safe.get_column("max").to_list() == [-5, 1, 2, 3]


def test_the_biennial_csv_quotes_a_formula_name_and_keeps_units_a_number() -> None:
    row = dict.fromkeys(BIENNIAL_COLUMNS, "x") | {"name": "=1+2", "units": -5, "package_size": 10}

    text = biennial_csv({"schedule_ii": [row], "other_schedules": []})

    (read,) = csv.DictReader(io.StringIO(text))
    assert (read["name"], read["units"], read["package_size"]) == ("'=1+2", "-5", "10")


def test_the_return_manifest_quotes_a_formula_product_and_keeps_the_credit_a_number() -> None:
    row = {"product": "@SUM(1)", "quantity": 3, "expected_credit": Decimal("-1.25")}

    text = manifest_csv([row])

    (read,) = csv.DictReader(io.StringIO(text))
    assert (read["product"], read["quantity"], read["expected_credit"]) == (
        "'@SUM(1)",
        "3",
        "-1.25",
    )
