"""Daily dispense demand from the MIMIC-III medication orders (``PRESCRIPTIONS.csv``).

MIMIC-III shifts every patient's dates into 2100-2200 by a different amount, so the orders cannot
be summed on one calendar. Each admission (HADM_ID) is replayed instead, on a window of ``days``
days from ``start``:

- Admissions are taken in HADM_ID order; admission *k* starts on ``start + offset_k`` where
  ``offset_k`` is drawn with ``numpy.random.default_rng(seed)`` uniformly from the whole days
  ``0 .. days - length_k`` (both ends included; 0 when the admission is longer than the window,
  whose days past the window's end are then dropped and counted).
- ``length_k`` runs from the admission's earliest order STARTDATE to the last day any of its
  orders covers. An order's day is the admission's start plus (order STARTDATE - the
  admission's earliest order STARTDATE), so the orders of one admission keep their spacing.
- An order covers STARTDATE up to the day before ENDDATE (MIMIC's ENDDATE is exclusive); an
  ENDDATE that is missing or not after STARTDATE means one day.
- Units a day: FORM_VAL_DISP (dispensed form units: 2 TAB, 1 VIAL, 1000 mL) rounded up to a
  whole unit, at least 1. A value that is not a number (``1-2``, ``40,000``) counts 1 unit and
  is counted in :attr:`MimicSummary.units_defaulted`.
- The item is FORMULARY_DRUG_CD; the location is ``ICU`` when ICUSTAY_ID is set, else ``WARD``.

Orders are skipped, and counted, by these rules in this order (each under at most one): no
HADM_ID, no STARTDATE, no FORMULARY_DRUG_CD. Only the orders kept place an admission.

A missing file, a header without a needed column, a file without data rows, and a value that is
present but malformed (a HADM_ID that is not a whole number, a date that is not
``YYYY-MM-DD HH:MM:SS`` or ``YYYY-MM-DD``) reject the file (:class:`~rxsupply.errors.ImportRejected`
with one :class:`~rxsupply.errors.RowError` per problem).

The data is licensed under the ODbL 1.0: :func:`write_demand` writes its notice beside every file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from rxsupply.adapters.cell_safety import safe_frame
from rxsupply.adapters.csv_files import decode_csv
from rxsupply.adapters.csv_limits import read_header
from rxsupply.errors import ConfigurationError, ImportRejected, InvalidValue, RowError
from rxsupply.services.ports.tables import Errors, require_columns

__all__ = [
    "DEMAND_SCHEMA",
    "FILE_NAME",
    "NOTICE",
    "REQUIRED_COLUMNS",
    "MimicSummary",
    "read_mimic_prescriptions",
    "write_demand",
]

FILE_NAME = "PRESCRIPTIONS.csv"
REQUIRED_COLUMNS: tuple[str, ...] = (
    "HADM_ID",
    "ICUSTAY_ID",
    "STARTDATE",
    "ENDDATE",
    "FORMULARY_DRUG_CD",
    "FORM_VAL_DISP",
)
"""Columns this reader needs (MIMIC publishes more; the others are ignored)."""

DEMAND_SCHEMA: dict[str, pl.DataType] = {
    "item_id": pl.String(),
    "location_id": pl.String(),
    "date": pl.Date(),
    "quantity": pl.Int64(),
}
"""The long demand format: one row per item, location and day with demand."""

NOTICE = (
    "Derived from the MIMIC-III Clinical Database Demo v1.4 (PhysioNet,\n"
    "https://physionet.org/content/mimiciii-demo/1.4/), made available under the\n"
    "Open Database License v1.0: https://opendatacommons.org/licenses/odbl/1-0/\n"
    "Dates are replayed from a chosen start date; they are not the orders' dates.\n"
)
"""The licence notice kept beside every file derived from the MIMIC-III demo."""

_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


@dataclass(frozen=True, slots=True)
class MimicSummary:
    """What :func:`read_mimic_prescriptions` read and made of it."""

    orders_read: int
    orders_used: int
    skipped_no_admission: int
    skipped_no_start: int
    skipped_no_item: int
    units_defaulted: int
    """Used orders whose FORM_VAL_DISP is not a number, counted as 1 unit a day."""
    order_days_clipped: int
    """Order-days past the window's end (admissions longer than the window)."""
    admissions: int
    items: int
    series: int
    """Item-location pairs with demand."""
    quantity: int
    first_date: date | None
    last_date: date | None

    @property
    def orders_skipped(self) -> int:
        return self.skipped_no_admission + self.skipped_no_start + self.skipped_no_item


def read_mimic_prescriptions(
    directory: Path, *, start: date, days: int = 730, seed: int = 7
) -> tuple[pl.DataFrame, MimicSummary]:
    """Read ``directory/PRESCRIPTIONS.csv`` into daily demand on ``days`` days from ``start``.

    Returns the demand (:data:`DEMAND_SCHEMA`, summed per item, location and date, sorted by
    them) and a summary. The same file, ``start``, ``days`` and ``seed`` give the same frame.
    """
    if days < 1:
        raise InvalidValue("days", "the window needs at least 1 day", days)
    if seed < 0:
        raise InvalidValue("seed", "must be zero or more", seed)
    path = directory / FILE_NAME
    orders = _parse(_read(path), path.name)

    skip = (
        pl.when(pl.col("hadm").is_null())
        .then(pl.lit("admission"))
        .when(pl.col("start").is_null())
        .then(pl.lit("start"))
        .when(pl.col("item_id").is_null())
        .then(pl.lit("item"))
    )
    orders = orders.with_columns(skip=skip)
    skipped = dict(orders.get_column("skip").drop_nulls().value_counts().iter_rows())
    used = orders.filter(pl.col("skip").is_null())

    numeric = pl.col("units_text").cast(pl.Float64, strict=False)
    readable = numeric.is_not_null() & numeric.is_finite()
    span = (pl.col("end") - pl.col("start")).dt.total_days()
    used = used.with_columns(
        units=pl.when(readable)
        .then(numeric.ceil().clip(lower_bound=1))
        .cast(pl.Int64, strict=False)
        .fill_null(1),
        defaulted=~readable,
        covered=pl.when(span >= 1).then(span).otherwise(1).cast(pl.Int64),
        location_id=pl.when(pl.col("icustay").is_not_null())
        .then(pl.lit("ICU"))
        .otherwise(pl.lit("WARD")),
    )

    admissions = (
        used.group_by("hadm")
        .agg(
            first=pl.col("start").min(),
            last=(pl.col("start") + pl.duration(days=pl.col("covered") - 1)).max(),
        )
        .sort("hadm")
        .with_columns(length=(pl.col("last") - pl.col("first")).dt.total_days() + 1)
    )
    highs = np.maximum(days - admissions.get_column("length").to_numpy(), 0)
    offsets = np.random.default_rng(seed).integers(0, highs, endpoint=True)
    admissions = admissions.with_columns(
        begin=pl.lit(start) + pl.duration(days=pl.lit(pl.Series(offsets, dtype=pl.Int64)))
    )

    window_end = start + timedelta(days=days - 1)
    order_days = (
        used.join(admissions.select("hadm", "first", "begin"), on="hadm")
        .with_columns(step=pl.int_ranges(0, pl.col("covered")))
        .explode("step")
        .with_columns(
            date=pl.col("begin")
            + (pl.col("start") - pl.col("first"))
            + pl.duration(days=pl.col("step"))
        )
    )
    in_window = order_days.filter(pl.col("date") <= window_end)
    demand = (
        in_window.group_by("item_id", "location_id", "date")
        .agg(quantity=pl.col("units").sum())
        .select(pl.col(name).cast(dtype) for name, dtype in DEMAND_SCHEMA.items())
        .sort("item_id", "location_id", "date")
    )

    first, last = demand.get_column("date").min(), demand.get_column("date").max()
    summary = MimicSummary(
        orders_read=orders.height,
        orders_used=used.height,
        skipped_no_admission=skipped.get("admission", 0),
        skipped_no_start=skipped.get("start", 0),
        skipped_no_item=skipped.get("item", 0),
        units_defaulted=int(used.get_column("defaulted").sum()),
        order_days_clipped=order_days.height - in_window.height,
        admissions=admissions.height,
        items=demand.get_column("item_id").n_unique(),
        series=demand.select("item_id", "location_id").n_unique(),
        quantity=int(demand.get_column("quantity").sum()),
        first_date=first if isinstance(first, date) else None,
        last_date=last if isinstance(last, date) else None,
    )
    return demand, summary


def write_demand(frame: pl.DataFrame, path: Path) -> None:
    """Write demand as CSV or Parquet, chosen by the suffix (``.csv``, ``.parquet``).

    The ODbL notice (:data:`NOTICE`) is written beside it as ``<name>.NOTICE.txt``.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InvalidValue("path", "demand is written to a .csv or .parquet file", str(path))
    try:
        if suffix == ".csv":
            safe_frame(frame).write_csv(path)
        else:
            frame.write_parquet(path)
        path.with_name(f"{path.name}.NOTICE.txt").write_text(NOTICE, encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _read(path: Path) -> pl.DataFrame:
    """The file's needed columns as text, stripped, empty values as null."""
    name = path.name
    if not path.is_file():
        raise ImportRejected([RowError(name, 0, "(file)", f"no such file in {path.parent}")])
    try:
        content, _ = decode_csv(name, path.read_bytes())
        read_header(name, content)
        frame = pl.read_csv(io.StringIO(content), infer_schema=False)
    except OSError as exc:
        raise ImportRejected([RowError(name, 0, "(file)", f"cannot read: {exc.strerror}")]) from exc
    except (pl.exceptions.PolarsError, ValueError) as exc:
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        raise ImportRejected(
            [RowError(name, 0, "(file)", f"not a readable CSV file: {lines[0][:200]}")]
        ) from exc
    header = [c.strip().upper() for c in frame.columns]
    frame.columns = header
    require_columns(name, header, REQUIRED_COLUMNS)
    if frame.height == 0:
        raise ImportRejected(
            [RowError(name, 0, "(file)", "the file has a header but no data rows")]
        )
    text = [pl.col(c).str.strip_chars() for c in REQUIRED_COLUMNS]
    return frame.select(pl.when(t.str.len_chars() > 0).then(t) for t in text)


def _parse(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """Typed columns; a present but malformed HADM_ID or date rejects the file."""

    def day(column: str) -> pl.Expr:
        text = pl.col(column)
        return pl.coalesce(text.str.to_datetime(f, strict=False).dt.date() for f in _DATE_FORMATS)

    parsed = frame.with_row_index("row", offset=1).select(
        "row",
        *REQUIRED_COLUMNS,
        hadm=pl.col("HADM_ID").cast(pl.Int64, strict=False),
        icustay=pl.col("ICUSTAY_ID"),
        start=day("STARTDATE"),
        end=day("ENDDATE"),
        item_id=pl.col("FORMULARY_DRUG_CD"),
        units_text=pl.col("FORM_VAL_DISP"),
    )
    errors = Errors(name)
    for column, typed, reason in (
        ("HADM_ID", "hadm", "not a whole number"),
        ("STARTDATE", "start", "not a date like 2146-07-21 00:00:00"),
        ("ENDDATE", "end", "not a date like 2146-07-22 00:00:00"),
    ):
        bad = parsed.filter(pl.col(column).is_not_null() & pl.col(typed).is_null())
        for row, value in bad.select("row", column).iter_rows():
            errors.add(row, column, f"{reason} (got {value!r})")
    errors.raise_if_any()
    return parsed.select("hadm", "icustay", "start", "end", "item_id", "units_text")
