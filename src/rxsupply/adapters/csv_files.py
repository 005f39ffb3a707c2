"""Reading CSV files into :class:`~rxsupply.services.ports.tables.Table` with clear errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from rxsupply.errors import ImportRejected, RowError
from rxsupply.services.ports.tables import Table, require_columns


def read_csv_table(path: Path, *, required: list[str], optional: list[str] = ()) -> Table:  # type: ignore[assignment]
    """Read a UTF-8 CSV (a BOM is fine) with a header row; every value as text.

    Rejects, naming the file and where: a missing or unreadable file, a file that is empty or
    has no data rows, bytes that are not UTF-8 (with the line), missing columns, unknown columns.
    """
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRejected([RowError(name, 0, "(file)", f"cannot read: {exc.strerror}")]) from exc
    return read_csv_bytes(name, data, required=required, optional=list(optional))


def read_csv_bytes(
    name: str, data: bytes, *, required: list[str], optional: list[str] | None = None
) -> Table:
    """:func:`read_csv_table` of a file's bytes (an upload), ``name`` naming it in errors."""
    optional = list(optional or [])
    if not data.strip():
        raise ImportRejected([RowError(name, 0, "(file)", "the file is empty")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRejected(
            [
                RowError(
                    name,
                    max(line - 1, 0),
                    "(encoding)",
                    f"byte 0x{data[exc.start]:02x} on line {line} is not UTF-8; "
                    "save the file as UTF-8",
                )
            ]
        ) from exc
    text = text.rstrip("\r\n\t ") + "\n"  # trailing blank lines are not rows
    first = next(csv.reader(io.StringIO(text)), [])
    names = [c.strip().lower() for c in first]
    twice = sorted({c for c in names if names.count(c) > 1})
    if twice:
        raise ImportRejected(
            [RowError(name, 0, c, "appears more than once in the header") for c in twice]
        )
    try:
        frame = pl.read_csv(io.StringIO(text), infer_schema=False)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise ImportRejected([_locate_bad_row(name, text, len(first), exc)]) from exc
    header = [c.strip().lower() for c in frame.columns]
    frame.columns = header
    require_columns(name, header, required)
    known = set(required) | set(optional)
    unknown = [c for c in header if c not in known]
    if unknown:
        raise ImportRejected(
            [
                RowError(
                    name, 0, c, f"unknown column; expected {', '.join(required + list(optional))}"
                )
                for c in unknown
            ]
        )
    if frame.height == 0:
        raise ImportRejected(
            [RowError(name, 0, "(file)", "the file has a header but no data rows")]
        )
    _refuse_control_characters(name, frame)
    columns = {c: [v.strip() for v in frame.get_column(c).fill_null("").to_list()] for c in header}
    return Table(name=name, columns=columns, rows=frame.height)


_CONTROL = "[\x00-\x1f\x7f-\x9f]"  # Unicode category Cc: NUL, tab, newline, escape...


def _refuse_control_characters(name: str, frame: pl.DataFrame, cap: int = 100) -> None:
    """No value of an import may hold a control character (a NUL, a tab or line break inside a
    quoted value, an escape): the file is refused naming each row and column."""
    errors: list[RowError] = []
    total = 0
    for column in frame.columns:
        bad = frame.select(
            pl.arg_where(pl.col(column).fill_null("").str.contains(_CONTROL))
        ).to_series()
        total += bad.len()
        for index in bad.head(cap - len(errors)).to_list():
            value = frame.get_column(column)[index]
            code = next(ord(ch) for ch in value if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F)
            errors.append(RowError(name, index + 1, column, f"control character U+{code:04X}"))
    if errors:
        raise ImportRejected(errors, total)


def _locate_bad_row(name: str, text: str, columns: int, exc: Exception) -> RowError:
    """Find the row polars could not read: a wrong number of fields or an open quote."""
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        next(reader, None)
        for row_number, fields in enumerate(reader, start=1):
            if len(fields) != columns:
                return RowError(
                    name,
                    row_number,
                    "(row)",
                    f"has {len(fields)} fields, the header has {columns} (line {reader.line_num})",
                )
    except csv.Error as bad:
        return RowError(
            name, reader.line_num - 1, "(row)", f"unreadable CSV near line {reader.line_num}: {bad}"
        )
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return RowError(name, 0, "(file)", f"not a readable CSV file: {first_line[:200]}")
