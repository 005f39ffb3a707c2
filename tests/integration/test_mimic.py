"""The MIMIC-III demo reader on the real PRESCRIPTIONS.csv and on small files written here.

The real file is in the shared data (``../shared/data/mimic-iii-demo``), reached through the
``mimic`` fixture: without it, the tests that read it are skipped with the reason (and counted
for .ci/run), the others still run."""

from __future__ import annotations

import csv
import math
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from tests.conftest import shared_data

from rxsupply.adapters.mimic import (
    DEMAND_SCHEMA,
    NOTICE,
    MimicSummary,
    read_mimic_prescriptions,
    write_demand,
)
from rxsupply.errors import ImportRejected, InvalidValue

START = date(2025, 1, 1)
HEADER = (
    "ROW_ID,HADM_ID,ICUSTAY_ID,STARTDATE,ENDDATE,FORMULARY_DRUG_CD,FORM_VAL_DISP,FORM_UNIT_DISP"
)


def _stamp(text: str) -> datetime:
    """A MIMIC timestamp (shifted into 2100-2200, no zone: read as UTC)."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


@dataclass(frozen=True)
class Order:
    item: str
    location: str
    days: int
    units: int


def orders_in_the_file(mimic: Path) -> list[Order]:
    """The orders the reader should use, worked out here with the csv module alone."""
    orders = []
    with (mimic / "PRESCRIPTIONS.csv").open(newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            if not row["FORMULARY_DRUG_CD"]:
                continue
            start = _stamp(row["STARTDATE"])
            end = _stamp(row["ENDDATE"]) if row["ENDDATE"] else None
            days = (end - start).days if end is not None and end > start else 1
            try:
                units = max(math.ceil(float(row["FORM_VAL_DISP"])), 1)
            except ValueError:
                units = 1
            location = "ICU" if row["ICUSTAY_ID"] else "WARD"
            orders.append(Order(row["FORMULARY_DRUG_CD"], location, days, units))
    return orders


def write_prescriptions(directory: Path, *rows: str, header: str = HEADER) -> Path:
    (directory / "PRESCRIPTIONS.csv").write_text("\n".join([header, *rows]) + "\n")
    return directory


@pytest.fixture(scope="module")
def mimic(shared: Path) -> Path:
    """The MIMIC-III demo folder of the shared data; a test that needs it is skipped without."""
    return shared_data("mimic-iii-demo")


@pytest.fixture(scope="module")
def orders(mimic: Path) -> list[Order]:
    return orders_in_the_file(mimic)


@pytest.fixture(scope="module")
def replay(mimic: Path) -> tuple[pl.DataFrame, MimicSummary]:
    return read_mimic_prescriptions(mimic, start=START, days=730, seed=7)


def test_every_used_order_contributes_its_days_times_its_units(
    replay: tuple[pl.DataFrame, MimicSummary], orders: list[Order]
) -> None:
    expected = sum(order.days * order.units for order in orders)

    demand, summary = replay

    assert demand.get_column("quantity").sum() == expected
    assert summary.quantity == expected
    assert summary.orders_read == 10_398
    assert summary.orders_used == len(orders) == 10_397
    assert summary.skipped_no_item == summary.orders_skipped == 1
    assert summary.order_days_clipped == 0


def test_an_item_ordered_once_is_dispensed_on_consecutive_days_with_the_order_units(
    replay: tuple[pl.DataFrame, MimicSummary], orders: list[Order]
) -> None:
    times_ordered = Counter(order.item for order in orders)
    once = [o for o in orders if times_ordered[o.item] == 1 and o.days > 1 and o.units > 1][:5]

    demand, _ = replay

    assert len(once) == 5
    for order in once:
        rows = demand.filter(pl.col("item_id") == order.item)
        first = rows.get_column("date").min()
        assert isinstance(first, date)
        assert rows.get_column("location_id").to_list() == [order.location] * order.days
        assert rows.get_column("date").to_list() == [
            first + timedelta(days=d) for d in range(order.days)
        ]
        assert rows.get_column("quantity").to_list() == [order.units] * order.days


def test_the_same_seed_gives_the_same_demand_and_another_seed_moves_it(mimic: Path) -> None:
    first, _ = read_mimic_prescriptions(mimic, start=START, seed=7)

    again, _ = read_mimic_prescriptions(mimic, start=START, seed=7)
    other, _ = read_mimic_prescriptions(mimic, start=START, seed=8)

    assert first.equals(again)
    assert not first.equals(other)
    totals = ["item_id", "location_id"]
    assert (
        first.group_by(totals)
        .agg(pl.col("quantity").sum())
        .sort(totals)
        .equals(other.group_by(totals).agg(pl.col("quantity").sum()).sort(totals))
    )


def test_every_day_falls_inside_the_replay_window(
    replay: tuple[pl.DataFrame, MimicSummary],
) -> None:
    last_day = START + timedelta(days=729)

    demand, summary = replay

    dates = demand.get_column("date")
    assert summary.first_date == dates.min()
    assert summary.last_date == dates.max()
    assert summary.first_date is not None
    assert summary.last_date is not None
    assert START <= summary.first_date <= summary.last_date <= last_day
    assert demand.select("item_id", "location_id", "date").is_duplicated().sum() == 0
    assert demand.equals(demand.sort("item_id", "location_id", "date"))
    assert demand.schema == pl.Schema(DEMAND_SCHEMA)


def test_a_window_shorter_than_an_admission_drops_and_counts_the_days_past_its_end(
    replay: tuple[pl.DataFrame, MimicSummary], mimic: Path
) -> None:
    _, whole = replay

    demand, summary = read_mimic_prescriptions(mimic, start=START, days=30, seed=7)

    assert demand.get_column("date").min() == START
    assert demand.get_column("date").max() == START + timedelta(days=29)
    assert summary.order_days_clipped > 0
    assert summary.quantity < whole.quantity
    assert summary.admissions == whole.admissions == 122


def test_orders_with_an_icu_stay_go_to_the_icu_and_the_others_to_the_ward(
    replay: tuple[pl.DataFrame, MimicSummary], orders: list[Order]
) -> None:
    expected = {
        place: sum(o.days * o.units for o in orders if o.location == place)
        for place in ("ICU", "WARD")
    }

    demand, summary = replay

    by_place = demand.group_by("location_id").agg(pl.col("quantity").sum())
    assert dict(by_place.iter_rows()) == expected
    assert expected["ICU"] > 0
    assert expected["WARD"] > 0
    assert summary.series == demand.select("item_id", "location_id").n_unique()
    assert summary.items == len({o.item for o in orders})


def test_a_small_file_replays_one_admission_by_the_documented_rules(tmp_path: Path) -> None:
    directory = write_prescriptions(
        tmp_path,
        "1,100,9,2146-07-21 00:00:00,2146-07-24 00:00:00,ABC1,1.5,TAB",
        "2,100,,2146-07-22 00:00:00,2146-07-22 00:00:00,XYZ2,1-2,TAB",
        "3,100,,2146-07-23,,XYZ2,0,TAB",
        "4,100,,2146-07-21 00:00:00,2146-07-22 00:00:00,,1,TAB",
    )

    demand, summary = read_mimic_prescriptions(directory, start=START, days=3, seed=1)

    assert demand.rows() == [
        ("ABC1", "ICU", date(2025, 1, 1), 2),
        ("ABC1", "ICU", date(2025, 1, 2), 2),
        ("ABC1", "ICU", date(2025, 1, 3), 2),
        ("XYZ2", "WARD", date(2025, 1, 2), 1),
        ("XYZ2", "WARD", date(2025, 1, 3), 1),
    ]
    assert summary == MimicSummary(
        orders_read=4,
        orders_used=3,
        skipped_no_admission=0,
        skipped_no_start=0,
        skipped_no_item=1,
        units_defaulted=1,
        order_days_clipped=0,
        admissions=1,
        items=2,
        series=2,
        quantity=8,
        first_date=date(2025, 1, 1),
        last_date=date(2025, 1, 3),
    )


def test_a_missing_column_rejects_the_file_naming_the_file_and_the_column(
    tmp_path: Path,
) -> None:
    directory = write_prescriptions(
        tmp_path,
        "1,100,,2146-07-21 00:00:00,2146-07-22 00:00:00,1,TAB",
        header="ROW_ID,HADM_ID,ICUSTAY_ID,STARTDATE,ENDDATE,FORM_VAL_DISP,FORM_UNIT_DISP",
    )

    with pytest.raises(ImportRejected) as raised:
        read_mimic_prescriptions(directory, start=START)

    [error] = raised.value.errors
    assert (error.file, error.row, error.field) == ("PRESCRIPTIONS.csv", 0, "FORMULARY_DRUG_CD")
    assert "PRESCRIPTIONS.csv, field FORMULARY_DRUG_CD: missing column" in str(raised.value)


def test_a_missing_file_rejects_naming_the_file(tmp_path: Path) -> None:
    directory = tmp_path

    with pytest.raises(ImportRejected) as raised:
        read_mimic_prescriptions(directory, start=START)

    [error] = raised.value.errors
    assert (error.file, error.field) == ("PRESCRIPTIONS.csv", "(file)")
    assert "no such file" in error.reason


def test_a_malformed_date_rejects_the_file_naming_the_row_and_the_field(tmp_path: Path) -> None:
    directory = write_prescriptions(
        tmp_path,
        "1,100,,2146-07-21 00:00:00,2146-07-22 00:00:00,ABC1,1,TAB",
        "2,100,,21/07/2146,2146-07-22 00:00:00,ABC1,1,TAB",
    )

    with pytest.raises(ImportRejected) as raised:
        read_mimic_prescriptions(directory, start=START)

    [error] = raised.value.errors
    assert (error.file, error.row, error.field) == ("PRESCRIPTIONS.csv", 2, "STARTDATE")
    assert "'21/07/2146'" in error.reason


def test_a_window_without_days_is_refused(tmp_path: Path) -> None:
    directory = write_prescriptions(
        tmp_path, "1,100,,2146-07-21 00:00:00,2146-07-22 00:00:00,ABC1,1,TAB"
    )

    with pytest.raises(InvalidValue) as raised:
        read_mimic_prescriptions(directory, start=START, days=0)

    assert raised.value.field == "days"


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_demand_written_as_csv_or_parquet_reads_back_the_same_with_the_licence_notice(
    replay: tuple[pl.DataFrame, MimicSummary], tmp_path: Path, suffix: str
) -> None:
    demand, _ = replay
    path = tmp_path / f"demand{suffix}"

    write_demand(demand, path)

    if suffix == ".csv":
        back = pl.read_csv(path, schema=DEMAND_SCHEMA)
    else:
        back = pl.read_parquet(path)
    assert back.equals(demand)
    assert (tmp_path / f"demand{suffix}.NOTICE.txt").read_text(encoding="utf-8") == NOTICE


def test_demand_is_not_written_to_a_file_of_another_kind(tmp_path: Path) -> None:
    frame = pl.DataFrame(schema=DEMAND_SCHEMA)

    with pytest.raises(InvalidValue) as raised:
        write_demand(frame, tmp_path / "demand.xlsx")

    assert raised.value.field == "path"
    assert list(tmp_path.iterdir()) == []
