"""Hostile and odd files on the real import path (``read_csv_table`` then ``imports.import_*``,
as ``rxsupply import`` runs them): old Mac line ends read, huge numbers and far dates refused,
headers and values past the bounds refused quickly with a short message naming where, and
nothing written. Every test runs on SQLite and on PostgreSQL (the ``engine`` fixture)."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine
from tests.integration.services.test_import_rejections import (
    break_example,
    example_lines,
    hospital_ready_for,
    import_file,
    rejection,
    snapshot,
    where,
)

from rxsupply.adapters.csv_limits import MAX_COLUMNS, MAX_FIELD


def test_a_stock_file_with_old_mac_line_ends_imports_as_the_unix_one(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "stock")
    path = tmp_path / "stock.csv"
    path.write_bytes("\r".join(example_lines("stock")).encode() + b"\r")

    result = import_file(engine, "stock", path)

    assert result.rows == len(example_lines("stock")) - 1
    assert result.written == result.rows


def test_a_quantity_of_1e25_is_refused_naming_its_row_and_nothing_is_written(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "stock")
    bad = break_example(tmp_path, "stock", "ON2411A,2027-03-31,250", "ON2411A,2027-03-31,1e25")
    before = snapshot(engine)

    rejected = rejection(engine, "stock", bad.path)

    assert where(rejected) == [(bad.row, "quantity")]
    assert "more than 1,000,000,000" in rejected.errors[0].reason
    assert snapshot(engine) == before


def test_a_dispense_in_the_year_9999_is_refused_as_outside_the_calendar_window(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "dispenses")
    bad = break_example(
        tmp_path,
        "dispenses",
        "ICU1-000001,2026-11-02T08:14:00-05:00",
        "ICU1-000001,9999-12-31T23:59:00-05:00",
    )
    before = snapshot(engine)

    rejected = rejection(engine, "dispenses", bad.path)

    assert where(rejected) == [(bad.row, "timestamp")]
    assert "outside the years 1900 to 2199" in rejected.errors[0].reason
    assert snapshot(engine) == before


def test_an_invoice_dated_in_the_year_9999_is_refused(engine: Engine, tmp_path: Path) -> None:
    hospital_ready_for(engine, "purchases")
    first = example_lines("purchases")[1]
    bad = break_example(tmp_path, "purchases", first, first.replace(first[:10], "9999-12-31", 1))
    before = snapshot(engine)

    rejected = rejection(engine, "purchases", bad.path)

    assert where(rejected) == [(bad.row, "invoice_date")]
    assert snapshot(engine) == before


def test_a_header_of_100000_columns_is_refused_at_once_naming_the_bound(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "stock")
    path = tmp_path / "stock.csv"
    header = ",".join(f"c{i}" for i in range(100_000))
    path.write_text(header + "\n" + ",".join("1" for _ in range(100_000)) + "\n")
    before = snapshot(engine)

    started = time.perf_counter()
    rejected = rejection(engine, "stock", path)
    took = time.perf_counter() - started

    assert where(rejected) == [(0, "(header)")]
    assert rejected.errors[0].reason == f"100,000 columns; at most {MAX_COLUMNS}"
    assert took < 5  # was 97 s: every column counted against every other one
    assert snapshot(engine) == before


def test_a_20_mb_value_is_refused_with_a_short_message(engine: Engine, tmp_path: Path) -> None:
    hospital_ready_for(engine, "stock")
    bad = break_example(
        tmp_path, "stock", "ON2411A,2027-03-31,250", "L" * 20_000_000 + ",2027-03-31,250"
    )
    before = snapshot(engine)

    rejected = rejection(engine, "stock", bad.path)

    assert where(rejected) == [(bad.row, "(row)")]
    assert "at most 1,048,576" in rejected.errors[0].reason
    assert len(str(rejected)) < 300
    assert snapshot(engine) == before


def test_a_value_past_64_kib_on_a_shorter_line_is_refused_naming_its_field(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "stock")
    bad = break_example(
        tmp_path, "stock", "ON2411A,2027-03-31,250", "L" * (MAX_FIELD + 1) + ",2027-03-31,250"
    )
    before = snapshot(engine)

    rejected = rejection(engine, "stock", bad.path)

    assert where(rejected) == [(bad.row, "lot")]
    assert f"at most {MAX_FIELD:,}" in rejected.errors[0].reason
    assert len(str(rejected)) < 300
    assert snapshot(engine) == before


def test_an_unknown_location_of_60000_characters_is_named_but_not_printed_whole(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "stock")
    first = example_lines("stock")[1]
    bad = break_example(tmp_path, "stock", first, "X" * 60_000 + first[first.index(",") :])

    rejected = rejection(engine, "stock", bad.path)

    assert [e.field for e in rejected.errors] == ["location"]
    assert len(str(rejected)) < 400


def test_a_row_short_of_a_field_is_refused_instead_of_read_as_blank(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "stock")
    bad = break_example(tmp_path, "stock", "ON2411A,2027-03-31,250", "ON2411A,2027-03-31")
    before = snapshot(engine)

    rejected = rejection(engine, "stock", bad.path)

    assert where(rejected) == [(bad.row, "(row)")]
    assert rejected.errors[0].reason == "has 4 fields, the header has 5"
    assert snapshot(engine) == before


def test_a_line_break_inside_a_quoted_value_is_refused_as_a_control_character(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "stock")
    bad = break_example(tmp_path, "stock", "ON2411A,2027-03-31,250", '"ON24\r\n11A",2027-03-31,250')
    before = snapshot(engine)

    rejected = rejection(engine, "stock", bad.path)

    assert where(rejected) == [(bad.row, "lot")]
    assert rejected.errors[0].reason == "control character U+000A"
    assert snapshot(engine) == before


def test_a_header_with_a_column_without_a_name_is_refused_naming_its_position(
    engine: Engine, tmp_path: Path
) -> None:
    hospital_ready_for(engine, "stock")
    lines = example_lines("stock")
    path = tmp_path / "stock.csv"
    path.write_text("\n".join([lines[0] + ",", *(line + "," for line in lines[1:])]) + "\n")
    before = snapshot(engine)

    rejected = rejection(engine, "stock", path)

    assert where(rejected) == [(0, "(column 6)")]
    assert rejected.errors[0].reason == "the header gives it no name"
    assert snapshot(engine) == before
