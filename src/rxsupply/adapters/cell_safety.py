"""No spreadsheet formula in a file we write (OWASP "CSV injection"): the one rule every CSV and
xlsx export applies to its text cells.

A text cell that starts with ``=``, ``+``, ``-`` or ``@``, a tab or a carriage return is written
with a leading ``'``, so Excel, LibreOffice and Google Sheets show it as text instead of running
it (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``, ``@SUM(1)``). Numbers are left alone: a
typed number (``int``, ``float``, ``Decimal``) is never quoted, and where a writer gets rows of
mixed values (:func:`safe_cell`, :func:`safe_row`, :func:`safe_frame`) text that is nothing but
a plain decimal number (``-5``, ``-12.50``) stays a number too, which no spreadsheet runs.
:func:`unquote` undoes the quoting where one of our readers reads our own file back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = r"^[=+\-@\t\r]"
_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_IS_NUMBER = re.compile(_NUMBER)


def safe_text(text: str) -> str:
    """A text cell no spreadsheet runs: quoted with ``'`` when it starts like a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_cell(value: object) -> object:
    """A cell of a row of mixed values: text through :func:`safe_text` unless it is a plain
    number (``-5`` stays ``-5``); numbers, dates and None unchanged."""
    if isinstance(value, str) and _IS_NUMBER.match(value) is None:
        return safe_text(value)
    return value


def safe_row(row: Mapping[str, object]) -> dict[str, object]:
    """A row (column -> value) for ``csv.DictWriter`` with every text cell made safe."""
    return {key: safe_cell(value) for key, value in row.items()}


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every text column's cells made safe as :func:`safe_cell` does (numeric
    columns untouched)."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.Utf8]
    if not text:
        return frame
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(_FORMULA_START) & ~pl.col(name).str.contains(_NUMBER))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text
    )


def unquoted(column: str) -> pl.Expr:
    """:func:`unquote` on every cell of a text column."""
    return pl.col(column).str.replace(r"^'([=+\-@\t\r])", "${1}")


def unquote(text: str) -> str:
    """A cell of a file we wrote, read back: the ``'`` :func:`safe_text` added is dropped."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
