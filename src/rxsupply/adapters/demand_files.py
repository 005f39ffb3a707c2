"""Analysts' files for planning: long demand in, forecasts, plans and simulations out.

Demand files are CSV or Parquet (by suffix), long, one row per series and day:
``series_id,date,quantity`` or ``item_id,location_id,date,quantity`` (the series is then
``item_id@location_id``), with an optional ``unit_cost`` (money per unit; a series' last
given cost counts, empty cells are skipped); any other column is an error. Missing days are
zero demand; an empty quantity is a censored day (unknown demand); several rows for one series
and day add up. Policy files for ``simulate``: ``series_id,min,max`` plus, optionally,
``lead_time_days``, ``review_period_days``, ``unit_cost``, ``shelf_life_days``, ``capacity``
(other columns, a plan's explanation, are left alone).

Every problem names the file, the row (data rows from 1) and the field, and nothing is used.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from rxsupply.adapters.cell_safety import safe_frame, unquoted
from rxsupply.adapters.csv_files import decode_csv
from rxsupply.adapters.csv_limits import MAX_FIELD, read_header, shown
from rxsupply.analytics.demand import DemandMatrix, from_observations
from rxsupply.domain.fields import FIRST_DAY, LAST_DAY, UNITS_LIMIT
from rxsupply.errors import ImportRejected, RowError

MAX_ERRORS = 20
MAX_AMOUNT = 1e10  # a unit cost or a capacity: as domain.fields.parse_money bounds money
MAX_DAYS = 366 * 30
"""The longest span a demand file may cover: thirty years of days (a matrix column each)."""
DEMAND_COLUMNS = ("series_id", "item_id", "location_id", "date", "quantity", "unit_cost")
"""Every column a demand file may have (names in any case); any other is an error."""


def _read(path: Path) -> pl.DataFrame:
    name = path.name
    if not path.exists():
        raise ImportRejected([RowError(name, 0, "(file)", "no such file")])
    try:
        if path.suffix.lower() == ".parquet":
            frame = pl.read_parquet(path)
            frame = frame.with_columns(pl.all().cast(pl.Utf8))
        elif path.suffix.lower() in (".csv", ".txt"):
            text, _ = decode_csv(name, path.read_bytes())
            read_header(name, text)
            frame = pl.read_csv(io.StringIO(text), infer_schema=False)
        else:
            raise ImportRejected([RowError(name, 0, "(file)", "use a .csv or .parquet file")])
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ImportRejected([RowError(name, 0, "(file)", f"not readable: {first[:200]}")]) from exc
    for column in frame.columns:
        bad = frame.get_column(column).str.len_chars() > MAX_FIELD
        _reject(name, frame, bad.fill_null(False), column, f"longer than {MAX_FIELD:,} characters")
    return frame


def _columns(name: str, frame: pl.DataFrame, required: Sequence[str]) -> pl.DataFrame:
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ImportRejected([RowError(name, 0, c, "missing column") for c in missing])
    if frame.height == 0:
        raise ImportRejected([RowError(name, 0, "(file)", "the file has no data rows")])
    return frame


def _reject(name: str, frame: pl.DataFrame, bad: pl.Series, field: str, reason: str) -> None:
    rows = np.flatnonzero(bad.fill_null(True).to_numpy())
    if rows.size:
        values = frame.get_column(field).to_list()
        raise ImportRejected(
            [
                RowError(name, int(r) + 1, field, f"{reason}: {shown(str(values[int(r)]))}")
                for r in rows[:MAX_ERRORS].tolist()
            ],
            total=int(rows.size),
        )


def _with_series(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The demand file's rows with their ``series_id`` (made from ``item_id@location_id``
    when the file names the series that way); a column missing, or one that is not among
    :data:`DEMAND_COLUMNS`, rejects the file."""
    frame.columns = [c.strip().lower() for c in frame.columns]
    ids = [c for c in ("series_id", "item_id", "location_id") if c in frame.columns]
    frame = frame.with_columns(unquoted(c) for c in ids)  # our own files, read back
    if "series_id" not in frame.columns and {"item_id", "location_id"} <= set(frame.columns):
        frame = _columns(name, frame, ["item_id", "location_id", "date", "quantity"])
        frame = frame.with_columns(
            (
                pl.col("item_id").str.strip_chars() + "@" + pl.col("location_id").str.strip_chars()
            ).alias("series_id")
        )
    frame = _columns(name, frame, ["series_id", "date", "quantity"])
    unknown = [c for c in frame.columns if c not in DEMAND_COLUMNS]
    if unknown:
        reason = (
            "unknown column; expected series_id (or item_id and location_id), date, quantity, "
            "unit_cost"
        )
        raise ImportRejected([RowError(name, 0, c, reason) for c in unknown])
    return frame


def read_demand(path: Path, *, start: str | None = None, end: str | None = None) -> DemandMatrix:
    """Read a long demand file into a matrix from its first to its last day (or the given
    ``start``/``end`` ISO days)."""
    return read_priced_demand(path, start=start, end=end)[0]


def read_priced_demand(
    path: Path, *, start: str | None = None, end: str | None = None
) -> tuple[DemandMatrix, np.ndarray | None]:
    """:func:`read_demand`, and the file's ``unit_cost`` per series of the matrix (a series'
    last given cost; 1.0 for one with none), or None when the file has no such column: the
    file read once."""
    name = path.name
    frame = _with_series(name, _read(path))
    demand = _demand(name, frame, start, end)
    return demand, _unit_costs(name, frame, demand.series_ids)


def _demand(name: str, frame: pl.DataFrame, start: str | None, end: str | None) -> DemandMatrix:
    sid = frame.get_column("series_id").str.strip_chars()
    _reject(name, frame, sid.is_null() | (sid == ""), "series_id", "empty series id")
    day = frame.get_column("date").str.strip_chars().str.slice(0, 10)
    parsed = day.str.to_date("%Y-%m-%d", strict=False)
    _reject(name, frame, parsed.is_null(), "date", "not a date (YYYY-MM-DD)")
    window = f"outside {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
    _reject(name, frame, ~parsed.is_between(FIRST_DAY, LAST_DAY), "date", window)
    raw = frame.get_column("quantity").str.strip_chars()
    censored = raw.is_null() | (raw == "")
    qty = raw.cast(pl.Float64, strict=False)
    bad = (~censored) & (
        qty.is_null() | (qty < 0) | qty.is_nan() | qty.is_infinite() | (qty > UNITS_LIMIT)
    )
    _reject(name, frame, bad, "quantity", f"not a number of units from zero to {UNITS_LIMIT:,}")
    first = parsed.min() if start is None else _day(name, start, "start")
    last = parsed.max() if end is None else _day(name, end, "end")
    assert isinstance(first, date) and isinstance(last, date)
    days = (last - first).days + 1
    if days < 1:
        raise ImportRejected([RowError(name, 0, "date", "the end comes before the start")])
    if days > MAX_DAYS:
        raise ImportRejected(
            [
                RowError(
                    name,
                    0,
                    "date",
                    f"{first} to {last} is {days:,} days; a demand file covers at most "
                    f"{MAX_DAYS:,} (give --start and --end to read part of it)",
                )
            ]
        )
    keep = (parsed >= first) & (parsed <= last)
    ids, index = np.unique(sid.filter(keep).to_numpy().astype(str), return_inverse=True)
    offsets = (
        (parsed.filter(keep).cast(pl.Int64) - (first - date(1970, 1, 1)).days)
        .to_numpy()
        .astype(np.int64)
    )
    mask = censored.filter(keep).to_numpy()
    values = qty.filter(keep).fill_null(0.0).to_numpy()
    censored_cells = np.zeros((ids.size, days), dtype=bool)
    censored_cells[index[mask], offsets[mask]] = True
    return from_observations(
        series_ids=tuple(str(s) for s in ids.tolist()),
        series_index=index.astype(np.int64),
        day_index=offsets,
        quantity=np.where(mask, 0.0, values).astype(np.float64),
        start=first,
        days=days,
        censored=censored_cells,
    )


def _day(name: str, text: str, field: str) -> date:
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ImportRejected(
            [RowError(name, 0, field, f"not a date (YYYY-MM-DD): {shown(text)}")]
        ) from None
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ImportRejected(
            [RowError(name, 0, field, f"{value} is outside {FIRST_DAY} to {LAST_DAY}")]
        )
    return value


def _unit_costs(name: str, frame: pl.DataFrame, series_ids: Sequence[str]) -> np.ndarray | None:
    if "unit_cost" not in frame.columns:
        return None
    raw = frame.get_column("unit_cost").str.strip_chars()
    given = raw.is_not_null() & (raw != "")
    value = raw.cast(pl.Float64, strict=False)
    bad = given & (value.is_null() | ~value.is_finite() | (value < 0) | (value > MAX_AMOUNT))
    _reject(name, frame, bad, "unit_cost", f"not an amount of money from zero to {MAX_AMOUNT:,.0f}")
    known = pl.DataFrame(
        {"series_id": frame.get_column("series_id").str.strip_chars(), "unit_cost": value}
    ).filter(given)
    last = dict(known.group_by("series_id", maintain_order=True).last().iter_rows())
    return np.array([float(last.get(s, 1.0)) for s in series_ids], dtype=np.float64)


def read_policy(path: Path) -> pl.DataFrame:
    """A policy file with checked whole-number columns (optional ones may be absent)."""
    name = path.name
    frame = _columns(name, _read(path), ["series_id", "min", "max"])
    frame = frame.with_columns(unquoted("series_id"))  # a plan we wrote, read back
    out = {"series_id": frame.get_column("series_id").str.strip_chars()}
    for column in ("min", "max", "lead_time_days", "review_period_days", "shelf_life_days"):
        if column not in frame.columns:
            continue
        raw = frame.get_column(column).str.strip_chars()
        value = raw.cast(pl.Float64, strict=False)
        most = MAX_DAYS if column.endswith("_days") else UNITS_LIMIT
        bad = (
            value.is_null()
            | ~value.is_finite()
            | (value < 0)
            | (value > most)
            | (value != value.round(0))
        )
        _reject(name, frame, bad, column, f"not a whole number from zero to {most:,}")
        out[column] = value.cast(pl.Int64)
    for column in ("unit_cost", "capacity"):
        if column in frame.columns:
            value = frame.get_column(column).str.strip_chars().cast(pl.Float64, strict=False)
            bad = value.is_null() | ~value.is_finite() | (value < 0) | (value > MAX_AMOUNT)
            _reject(name, frame, bad, column, f"not a number from zero to {MAX_AMOUNT:,.0f}")
            out[column] = value
    policy = pl.DataFrame(out)
    _reject(
        name,
        frame,
        policy.get_column("max") < policy.get_column("min"),
        "max",
        "max below min",
    )
    return policy


def write_table(rows: Sequence[Mapping[str, object]] | pl.DataFrame, path: Path) -> None:
    """Write rows as CSV or Parquet (by suffix), all at once: a failure leaves no file."""
    frame = (
        rows
        if isinstance(rows, pl.DataFrame)
        else pl.DataFrame(list(rows), infer_schema_length=None)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    if path.suffix.lower() == ".parquet":
        frame.write_parquet(partial)
    else:
        safe_frame(frame).write_csv(partial)
    partial.replace(path)
