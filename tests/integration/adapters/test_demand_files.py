"""Analysts' demand and policy files: CSV and Parquet in, every problem named by file, row and
field, nothing used from a bad file."""

from __future__ import annotations

import csv
import math
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rxsupply.adapters.demand_files import (
    MAX_ERRORS,
    read_demand,
    read_policy,
    read_priced_demand,
    write_table,
)
from rxsupply.errors import ImportRejected, RowError

NAN = math.nan


def _write(path: Path, header: list[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(rows)
    return path


def _rejected(path: Path, **kwargs: str) -> list[RowError]:
    with pytest.raises(ImportRejected) as caught:
        read_demand(path, **kwargs)
    return caught.value.errors


def test_a_long_csv_becomes_a_matrix_from_its_first_to_its_last_day(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "demand.csv",
        ["series_id", "date", "quantity"],
        [
            ["ONDA4INJ@ICU", "2026-03-01", "2"],
            ["ONDA4INJ@ICU", "2026-03-01", "3"],  # same day: adds up
            ["MORPH2INJ@ED", "2026-03-02", ""],  # empty: censored
            ["ONDA4INJ@ICU", "2026-03-04", "1.0"],
            ["MORPH2INJ@ED", "2026-03-03T10:15:00", " 4 "],
        ],
    )

    m = read_demand(path)

    assert m.series_ids == ("MORPH2INJ@ED", "ONDA4INJ@ICU")
    assert (m.start, m.end) == (date(2026, 3, 1), date(2026, 3, 4))
    np.testing.assert_array_equal(m.quantities, [[0, NAN, 4, 0], [5, 0, 0, 1]])


def test_item_and_location_columns_name_the_series(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "demand.csv",
        ["Item_ID", "location_id", "Date", "QUANTITY"],
        [["ONDA4INJ", "ICU", "2026-03-01", "2"], [" APAP ", "ED ", "2026-03-02", "7"]],
    )

    m = read_demand(path)

    assert m.series_ids == ("APAP@ED", "ONDA4INJ@ICU")
    np.testing.assert_array_equal(m.quantities, [[0, 7], [2, 0]])


def test_a_parquet_file_reads_like_the_same_csv(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "series_id": ["a", "a", "b", "b"],
            "date": [date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 2), date(2026, 3, 3)],
            "quantity": [2, 5, None, 1],
        }
    )
    frame.write_parquet(tmp_path / "demand.parquet")
    frame.write_csv(tmp_path / "demand.csv")

    from_parquet = read_demand(tmp_path / "demand.parquet")
    from_csv = read_demand(tmp_path / "demand.csv")

    assert from_parquet.series_ids == from_csv.series_ids == ("a", "b")
    np.testing.assert_array_equal(from_parquet.quantities, from_csv.quantities)
    np.testing.assert_array_equal(from_parquet.quantities, [[2, 0, 5], [0, NAN, 1]])


def test_a_window_keeps_its_days_and_drops_rows_outside_it(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "demand.csv",
        ["series_id", "date", "quantity"],
        [["a", "2026-02-27", "9"], ["a", "2026-03-02", "1"], ["b", "2026-03-09", "4"]],
    )

    m = read_demand(path, start="2026-03-01", end="2026-03-04")

    assert m.series_ids == ("a",)
    np.testing.assert_array_equal(m.quantities, [[0, 1, 0, 0]])


def test_a_window_that_ends_before_it_starts_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.csv", ["series_id", "date", "quantity"], [["a", "2026-03-02", "1"]])

    errors = _rejected(path, start="2026-03-05", end="2026-03-01")

    assert errors == [RowError("d.csv", 0, "date", "the end comes before the start")]


def test_every_bad_row_is_named_and_nothing_is_used(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "bad.csv",
        ["series_id", "date", "quantity"],
        [
            ["a", "2026-03-01", "2"],
            ["a", "2026-03-02", "-1"],
            ["a", "2026-03-03", "two"],
            ["a", "2026-03-04", "nan"],
            ["a", "2026-03-05", "inf"],
        ],
    )

    errors = _rejected(path)

    assert [(e.file, e.row, e.field) for e in errors] == [
        ("bad.csv", 2, "quantity"),
        ("bad.csv", 3, "quantity"),
        ("bad.csv", 4, "quantity"),
        ("bad.csv", 5, "quantity"),
    ]
    assert errors[0].reason == "not a number of units from zero to 1,000,000,000: '-1'"


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        (["", "2026-03-01", "1"], "series_id", "empty series id"),
        (["a", "03/01/2026", "1"], "date", "not a date (YYYY-MM-DD)"),
        (["a", "2026-02-30", "1"], "date", "not a date (YYYY-MM-DD)"),
        (["a", "", "1"], "date", "not a date (YYYY-MM-DD)"),
    ],
)
def test_a_row_without_a_series_or_a_date_is_refused(
    tmp_path: Path, row: list[str], field: str, reason: str
) -> None:
    path = _write(
        tmp_path / "d.csv", ["series_id", "date", "quantity"], [["b", "2026-03-01", "1"], row]
    )

    errors = _rejected(path)

    assert [(e.row, e.field) for e in errors] == [(2, field)]
    assert errors[0].reason.startswith(reason)


def test_missing_columns_are_all_named(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.csv", ["series", "day", "quantity"], [["a", "2026-03-01", "1"]])

    errors = _rejected(path)

    assert errors == [
        RowError("d.csv", 0, "series_id", "missing column"),
        RowError("d.csv", 0, "date", "missing column"),
    ]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_unknown_columns_are_all_named(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"d{suffix}"
    frame = pl.DataFrame(
        {
            "series_id": ["a"],
            "Date": ["2026-03-01"],
            "quantity": ["1"],
            "Extra": ["x"],
            "stockout": ["0"],
        }
    )
    if suffix == ".parquet":
        frame.write_parquet(path)
    else:
        frame.write_csv(path)

    errors = _rejected(path)
    with pytest.raises(ImportRejected) as costs:
        read_priced_demand(path)

    expected = (
        "unknown column; expected series_id (or item_id and location_id), date, quantity, unit_cost"
    )
    assert errors == [
        RowError(path.name, 0, "extra", expected),
        RowError(path.name, 0, "stockout", expected),
    ]
    assert costs.value.errors == errors
    assert str(errors[0]).startswith(f"{path.name}, field extra: unknown column")


@pytest.mark.parametrize(
    "header",
    [
        ["series_id", "date", "quantity"],
        ["SERIES_ID", "Date", "Quantity", "Unit_Cost"],
        ["item_id", "location_id", "date", "quantity", "unit_cost"],
        [" item_id ", "LOCATION_ID", "date", "quantity"],
    ],
)
def test_every_known_column_in_any_case_is_read(tmp_path: Path, header: list[str]) -> None:
    row = {"series_id": "a@b", "item_id": "a", "location_id": "b", "date": "2026-03-01"}
    values = [row.get(h.strip().lower(), "2") for h in header]
    path = _write(tmp_path / "d.csv", header, [values])

    m = read_demand(path)

    assert m.series_ids == ("a@b",)
    np.testing.assert_array_equal(m.quantities, [[2]])


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("d.csv", "series_id,date,quantity\n", "the file has no data rows"),
        ("d.xlsx", "series_id,date,quantity\n", "use a .csv or .parquet file"),
        ("d.parquet", "not parquet at all", "not readable"),
    ],
)
def test_a_file_that_cannot_be_used_says_why(
    tmp_path: Path, name: str, content: str, reason: str
) -> None:
    path = tmp_path / name
    path.write_text(content)

    errors = _rejected(path)

    assert [(e.file, e.row, e.field) for e in errors] == [(name, 0, "(file)")]
    assert errors[0].reason.startswith(reason)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    assert _rejected(tmp_path / "gone.csv") == [RowError("gone.csv", 0, "(file)", "no such file")]


def test_a_file_full_of_errors_shows_the_first_ones_and_counts_all(tmp_path: Path) -> None:
    rows: list[list[object]] = [["a", "2026-03-01", -i] for i in range(1, 51)]
    path = _write(tmp_path / "d.csv", ["series_id", "date", "quantity"], rows)

    with pytest.raises(ImportRejected) as caught:
        read_demand(path)

    assert len(caught.value.errors) == MAX_ERRORS
    assert caught.value.total == 50
    assert "showing 20" in str(caught.value)


BAD_QUANTITY = st.one_of(
    st.floats(max_value=-1e-6, allow_nan=False).map(repr),
    st.integers(max_value=-1).map(str),
    st.text(
        alphabet=st.characters(
            codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\r\n"
        ),
        min_size=1,
        max_size=8,
    ).filter(lambda s: s.strip() != "" and not _is_units(s)),
)


def _is_units(text: str) -> bool:
    """A quantity the file may hold: a finite number at or above zero."""
    try:
        value = float(text.strip())
    except ValueError:
        return False
    return math.isfinite(value) and value >= 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    good=st.lists(st.integers(0, 50), min_size=0, max_size=6),
    bad=BAD_QUANTITY,
    where=st.integers(0, 6),
)
def test_a_negative_or_non_numeric_quantity_is_never_accepted(
    good: list[int], bad: str, where: int
) -> None:
    rows: list[list[object]] = [["a", "2026-03-01", q] for q in good]
    at = min(where, len(rows))
    rows.insert(at, ["a", "2026-03-02", bad])

    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp) / "demand.csv", ["series_id", "date", "quantity"], rows)
        with pytest.raises(ImportRejected) as caught:
            read_demand(path)

    first = caught.value.errors[0]
    assert (first.file, first.row, first.field) == ("demand.csv", at + 1, "quantity")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.dates(date(2026, 1, 1), date(2026, 1, 20)),
            st.one_of(st.none(), st.integers(0, 1000), st.floats(0, 100, allow_nan=False)),
        ),
        min_size=1,
        max_size=40,
    ),
    st.booleans(),
)
def test_the_matrix_totals_equal_the_files_totals(
    rows: list[tuple[str, date, float | None]], parquet: bool
) -> None:
    frame = pl.DataFrame(
        {
            "series_id": [r[0] for r in rows],
            "date": [r[1] for r in rows],
            "quantity": [None if r[2] is None else float(r[2]) for r in rows],
        },
        schema={"series_id": pl.Utf8, "date": pl.Date, "quantity": pl.Float64},
    )

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("d.parquet" if parquet else "d.csv")
        if parquet:
            frame.write_parquet(path)
        else:
            frame.write_csv(path)
        m = read_demand(path)

    totals = frame.group_by("series_id").agg(pl.col("quantity").sum()).sort("series_id")
    assert m.series_ids == tuple(totals.get_column("series_id").to_list())
    np.testing.assert_allclose(
        np.nansum(m.quantities, axis=1), totals.get_column("quantity").to_numpy(), rtol=1e-12
    )
    assert m.days == (max(r[1] for r in rows) - min(r[1] for r in rows)).days + 1


def test_a_policy_file_is_read_with_its_optional_columns(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "policy.csv",
        ["series_id", "min", "max", "lead_time_days", "unit_cost"],
        [["a", "2", "10", "1", "3.5"], [" b ", "0", "0", "3", "0"]],
    )

    policy = read_policy(path)

    assert policy.to_dicts() == [
        {"series_id": "a", "min": 2, "max": 10, "lead_time_days": 1, "unit_cost": 3.5},
        {"series_id": "b", "min": 0, "max": 0, "lead_time_days": 3, "unit_cost": 0.0},
    ]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (["a", "5", "4"], "max"),
        (["a", "-1", "4"], "min"),
        (["a", "1.5", "4"], "min"),
        (["a", "one", "4"], "min"),
        (["a", "nan", "4"], "min"),
        (["a", "1", "inf"], "max"),
        (["a", "1", "1e30"], "max"),
        (["a", "1", "4", "nan"], "unit_cost"),
        (["a", "1", "4", "-2"], "unit_cost"),
    ],
)
def test_a_bad_policy_row_is_named(tmp_path: Path, row: list[str], field: str) -> None:
    header = ["series_id", "min", "max", "unit_cost"][: len(row)]
    path = _write(tmp_path / "policy.csv", header, [["ok", "1", "2", "1"][: len(row)], row])

    with pytest.raises(ImportRejected) as caught:
        read_policy(path)

    assert [(e.file, e.row, e.field) for e in caught.value.errors] == [("policy.csv", 2, field)]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_written_table_reads_back(tmp_path: Path, suffix: str) -> None:
    rows = [{"series_id": "a", "min": 1, "max": 4}, {"series_id": "b", "min": 0, "max": 2}]
    path = tmp_path / "out" / f"policy{suffix}"

    write_table(rows, path)

    assert read_policy(path).to_dicts() == rows
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_table_the_format_cannot_hold_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "nested.csv"

    with pytest.raises(pl.exceptions.ComputeError):
        write_table([{"a": [1, 2]}], path)

    assert list(tmp_path.iterdir()) == []


def test_a_quantity_of_1e25_and_dates_in_years_1_and_9999_are_refused_by_row(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path / "d.csv",
        ["series_id", "date", "quantity"],
        [("A@M", "2026-10-01", "1e25"), ("A@M", "0001-01-01", "1"), ("A@M", "9999-12-31", "1")],
    )

    errors = _rejected(path)

    assert [(e.row, e.field) for e in errors] == [(2, "date"), (3, "date")]
    quantity = _rejected(
        _write(
            tmp_path / "q.csv", ["series_id", "date", "quantity"], [("A@M", "2026-10-01", "1e25")]
        )
    )
    assert [(e.row, e.field) for e in quantity] == [(1, "quantity")]
    assert quantity[0].reason == "not a number of units from zero to 1,000,000,000: '1e25'"


def test_a_demand_file_spanning_more_than_thirty_years_is_refused_before_any_matrix(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path / "d.csv",
        ["series_id", "date", "quantity"],
        [("A@M", "1900-01-01", "1"), ("A@M", "2199-12-31", "1")],
    )

    (error,) = _rejected(path)

    assert (error.row, error.field) == (0, "date")
    assert "is 109,573 days; a demand file covers at most 10,980" in error.reason


def test_a_plan_file_quotes_a_formula_series_keeps_numbers_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    write_table([{"series_id": "=1+2@M", "min": 1, "max": 10, "change": -5}], path)

    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    policy = read_policy(path)

    assert rows == [{"series_id": "'=1+2@M", "min": "1", "max": "10", "change": "-5"}]
    assert policy.get_column("series_id").to_list() == ["=1+2@M"]


def test_unit_costs_come_with_the_demand_in_its_series_order(tmp_path: Path) -> None:
    rows = [
        ["b", "2026-03-01", "1", "4.5"],
        ["a", "2026-03-01", "2", ""],
        ["b", "2026-03-02", "1", "5.25"],  # a series' last given cost
        ["c", "2026-03-02", "3", " "],  # none given: 1.0
    ]
    path = _write(tmp_path / "d.csv", ["series_id", "date", "quantity", "unit_cost"], rows)
    bare = _write(tmp_path / "e.csv", ["series_id", "date", "quantity"], [r[:3] for r in rows])

    demand, costs = read_priced_demand(path)
    _, none = read_priced_demand(bare)

    assert demand.series_ids == ("a", "b", "c")
    assert costs is not None
    np.testing.assert_array_equal(costs, [1.0, 5.25, 1.0])
    assert none is None
