"""One FDA file as a checked table: gzip detected by its magic bytes, latin-1, the header
checked for the needed columns and for tabs, every row checked for the header's number of
fields, then the needed columns read as stripped strings."""

from __future__ import annotations

import gzip
import io
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from rxsupply.adapters.csv_limits import MAX_COLUMNS, check_lines
from rxsupply.errors import ImportRejected, RowError

_MAX_ERRORS = 20
_GZIP_MAGIC = b"\x1f\x8b"
MAX_UNZIPPED = 1024**3
"""The most a gzipped FDA file may unzip to (the FDA's package.txt is about 30 MB)."""


def _read_table(path: Path, required: Sequence[str]) -> pl.DataFrame:
    """All needed columns as stripped strings ('' for blank), header checked first."""
    name = path.name
    raw = path.read_bytes()
    if raw[:2] == _GZIP_MAGIC:
        raw = _gunzip(name, raw)
    text = raw.decode("latin-1")  # every byte is a latin-1 character
    check_lines(name, text.replace("\r", ""))
    header_line = text.split("\n", 1)[0].rstrip("\r")
    if not header_line.strip():
        raise ImportRejected([RowError(name, 0, "header", "the file is empty or has no header")])
    header = header_line.split("\t")
    if len(header) > MAX_COLUMNS:
        raise ImportRejected(
            [RowError(name, 0, "header", f"{len(header):,} columns; at most {MAX_COLUMNS}")]
        )
    if len(header) == 1:
        shown = header_line if len(header_line) <= 80 else header_line[:77] + "..."
        raise ImportRejected(
            [
                RowError(
                    name,
                    0,
                    "header",
                    f"the header {shown!r} is one column; the FDA NDC files are tab-separated",
                )
            ]
        )
    missing = [column for column in required if column not in header]
    if missing:
        raise ImportRejected(
            [RowError(name, 0, column, f"missing column {column}") for column in missing]
        )
    ragged = _ragged_rows(text, name, len(header))
    if ragged:
        raise ImportRejected(ragged[:_MAX_ERRORS], len(ragged))
    try:
        table = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            separator="\t",
            quote_char=None,
            infer_schema=False,
            has_header=True,
            columns=list(required),
        )
    except pl.exceptions.PolarsError as exc:  # pragma: no cover - rows were checked above
        raise ImportRejected(
            [RowError(name, 0, "file", f"unreadable as a tab-separated file: {exc}")]
        ) from exc
    return table.select(pl.col(column).str.strip_chars().fill_null("") for column in required)


def _gunzip(name: str, raw: bytes) -> bytes:
    """A gzip file's content, at most :data:`MAX_UNZIPPED` bytes (no gzip bomb)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unzipped:
            data = unzipped.read(MAX_UNZIPPED + 1)
    except (OSError, EOFError) as exc:
        raise ImportRejected(
            [RowError(name, 0, "file", f"not a readable gzip file: {exc}")]
        ) from exc
    if len(data) > MAX_UNZIPPED:
        raise ImportRejected(
            [RowError(name, 0, "file", f"unzips to more than {MAX_UNZIPPED:,} bytes")]
        )
    return data


def _ragged_rows(text: str, name: str, columns: int) -> list[RowError]:
    """Rows whose number of fields differs from the header's (blank lines are ignored).

    Counting every tab at once is cheap; rows are only walked when the total is off.
    """
    body = text.rstrip("\r\n")
    if body.count("\t") == (columns - 1) * (body.count("\n") + 1):
        return []
    errors = []
    for row, line in enumerate(body.split("\n")[1:], start=1):
        if not line.strip():
            continue
        fields = line.count("\t") + 1
        if fields != columns:
            errors.append(
                RowError(
                    name, row, "row", f"{fields} tab-separated fields, the header has {columns}"
                )
            )
    return errors
