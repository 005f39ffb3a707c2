"""Reading CSV files into :class:`~rxsupply.services.ports.tables.Table` with clear errors.

One pass over the file, within the bounds of :mod:`rxsupply.adapters.csv_limits` (columns,
line and value length), so a hostile file costs time linear in its size and nothing more.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from rxsupply.adapters.csv_limits import (
    MAX_FIELD,
    check_header_names,
    check_lines,
    one_line_ending,
    read_header,
    shown,
)
from rxsupply.errors import ImportRejected, RowError
from rxsupply.services.ports.tables import Errors, Table, require_columns


def read_csv_table(path: Path, *, required: list[str], optional: list[str] = ()) -> Table:  # type: ignore[assignment]
    """Read a UTF-8 CSV (a BOM is fine) with a header row; every value as text.

    Rejects, naming the file and where: a missing or unreadable file, a file that is empty or
    has no data rows, bytes that are not UTF-8 (with the line), missing columns, unknown columns,
    a row with the wrong number of fields, control characters in a value, and anything past the
    bounds of :mod:`rxsupply.adapters.csv_limits`.
    """
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRejected([RowError(name, 0, "(file)", f"cannot read: {exc.strerror}")]) from exc
    return read_csv_bytes(name, data, required=required, optional=list(optional))


def decode_csv(name: str, data: bytes) -> tuple[str, int]:
    """A file's bytes as UTF-8 text (a BOM is fine) with LF line ends and no trailing blank
    lines, every line within :data:`~rxsupply.adapters.csv_limits.MAX_LINE`; and the length
    of its longest line."""
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
    text = one_line_ending(text).rstrip("\n\t ") + "\n"  # trailing blank lines are not rows
    return text, check_lines(name, text)


def read_csv_bytes(
    name: str, data: bytes, *, required: list[str], optional: list[str] | None = None
) -> Table:
    """:func:`read_csv_table` of a file's bytes (an upload), ``name`` naming it in errors."""
    optional = list(optional or [])
    text, longest = decode_csv(name, data)
    header = read_header(name, text)
    check_header_names(name, header)
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
    columns = _read_rows(name, text, header, long_lines=longest > MAX_FIELD)
    rows = len(columns[header[0]])
    if rows == 0:
        raise ImportRejected(
            [RowError(name, 0, "(file)", "the file has a header but no data rows")]
        )
    return Table(name=name, columns=columns, rows=rows)


_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # Unicode category Cc but LF
_LINE_BREAK = re.compile("\n")  # inside a quoted value


def _read_rows(
    name: str, text: str, header: list[str], *, long_lines: bool, cap: int = 100
) -> dict[str, list[str]]:
    """Every data row's values, stripped, by column; a row is refused (with its row and line)
    for a wrong number of fields, a value past ``MAX_FIELD``, a control character or a line
    break inside a quoted value, or unreadable quoting."""
    errors = Errors(name, cap)
    width = len(header)
    values: list[list[str]] = [[] for _ in header]
    suspicious = long_lines or _CONTROL.search(text) is not None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    row = 0
    try:
        next(reader, None)
        line = reader.line_num + 1
        for fields in reader:
            row += 1
            begins, line = line, reader.line_num + 1
            if not fields:
                fields = [""] * width  # a blank line is a row of blank values
            if len(fields) != width:
                errors.add(
                    row, "(row)", f"has {len(fields)} fields, the header has {width}", line=begins
                )
                continue
            if suspicious or line - begins > 1:
                _check_values(errors, row, begins, header, fields)
            for column, value in zip(values, fields, strict=True):
                column.append(value.strip())
    except csv.Error as bad:
        errors.add(row + 1, "(row)", f"unreadable CSV: {str(bad)[:200]}", line=reader.line_num)
    errors.raise_if_any()
    return dict(zip(header, values, strict=True))


def _check_values(
    errors: Errors, row: int, line: int, header: list[str], fields: list[str]
) -> None:
    for column, value in zip(header, fields, strict=True):
        if len(value) > MAX_FIELD:
            errors.add(
                row,
                column,
                f"{len(value):,} characters; at most {MAX_FIELD:,} (starts {shown(value[:40])})",
                line=line,
            )
            continue
        found = _CONTROL.search(value) or _LINE_BREAK.search(value)
        if found:
            errors.add(row, column, f"control character U+{ord(found.group()):04X}", line=line)


__all__ = ["decode_csv", "read_csv_bytes", "read_csv_table"]
