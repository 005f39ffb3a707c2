"""The bounds every CSV reader keeps, so a hostile or broken file costs time linear in its size
and its errors stay short.

A file is refused, naming where, when it has more than :data:`MAX_COLUMNS` columns, a line
longer than :data:`MAX_LINE` characters or a value longer than :data:`MAX_FIELD`. Old Mac
files (a lone CR ends each line) and Windows files (CR LF) read as Unix ones. A value shown
in a message is cut to :data:`SHOWN` characters (:func:`shown`).
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from rxsupply.errors import ImportRejected, RowError

MAX_COLUMNS = 200
"""No import has more than a few dozen columns; 200 leaves room and keeps a header cheap."""
MAX_FIELD = 64 * 1024
"""The longest value read (characters): far above any name, description or note."""
MAX_LINE = 1024 * 1024
"""The longest line read (characters)."""
SHOWN = 80
"""The most characters of a value an error message shows."""


def shown(value: str, cap: int = SHOWN) -> str:
    """``value`` quoted for a message, its first ``cap`` characters only when it is longer."""
    if len(value) <= cap:
        return repr(value)
    return f"{value[:cap]!r}... ({len(value):,} characters)"


def one_line_ending(text: str) -> str:
    """CR LF and a lone CR (old Mac files) as LF. A CR inside a quoted value becomes LF: both
    are control characters that no import accepts in a value anyway."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_lines(name: str, text: str, *, limit: int = MAX_LINE) -> int:
    """Refuse a line longer than ``limit`` characters, naming its line; returns the length of
    the longest line. One pass over ``text`` (LF line ends, see :func:`one_line_ending`)."""
    lengths = list(map(len, text.split("\n")))
    longest = max(lengths)
    if longest > limit:
        line = next(i for i, n in enumerate(lengths, start=1) if n > limit)
        raise ImportRejected(
            [
                RowError(
                    name,
                    max(line - 1, 0),
                    "(row)",
                    f"line {line} has {lengths[line - 1]:,} characters; at most {limit:,}",
                    line,
                )
            ]
        )
    return longest


def read_header(name: str, text: str, *, limit: int = MAX_COLUMNS) -> list[str]:
    """The header row of ``text``, stripped and lower-cased: refused when it has more than
    ``limit`` columns or names a column twice (counted in one pass, not pairwise)."""
    first_line = text[: text.find("\n")] if "\n" in text else text
    try:
        first = next(csv.reader(io.StringIO(first_line)), [])
    except csv.Error as exc:
        raise ImportRejected([RowError(name, 0, "(header)", f"unreadable: {exc}")]) from exc
    if len(first) > limit:
        raise ImportRejected(
            [RowError(name, 0, "(header)", f"{len(first):,} columns; at most {limit}")]
        )
    names = [c.strip().lower() for c in first]
    blank = [i for i, c in enumerate(names, start=1) if not c]
    if blank and len(names) > 1:
        raise ImportRejected(
            [RowError(name, 0, f"(column {i})", "the header gives it no name") for i in blank]
        )
    twice = sorted(c for c, n in Counter(names).items() if n > 1)
    if twice:
        raise ImportRejected(
            [
                RowError(name, 0, shown(c, 40)[1:-1], "appears more than once in the header")
                for c in twice
            ]
        )
    return names


def check_header_names(name: str, names: list[str], *, limit: int = 100) -> None:
    """Refuse a column name longer than ``limit`` characters (no import has one)."""
    for column in names:
        if len(column) > limit:
            raise ImportRejected(
                [
                    RowError(
                        name,
                        0,
                        "(header)",
                        f"column name {shown(column, 40)} is longer than {limit} characters",
                    )
                ]
            )
