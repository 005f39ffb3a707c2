"""The FDA Drug Shortage Database's files, as the FDA publishes them, read into a
:class:`~rxsupply.services.ports.shortages.ShortageFeed`.

Two formats, told apart by the header:

- **yearly record files** (``Drugshortages_YYYY.csv``): UTF-8, with or without a BOM;
  ``id, generic_name, company_name, [contact_info,] presentation, update_type, update_date,
  availability, related_info, resolved_note, reason_for_shortage, therapeutic_category, status,
  change_date, date_discontinued``; dates ``9/16/24``; ``id`` changes from file to file and is
  not kept;
- **the database's own download** (``FDA_DrugShortage_export_*.csv``): Windows-1252 bytes
  (a non-breaking space before most column names), ``Generic Name, Company Name, Contact Info,
  Presentation, Type of Update, Date of Update, ..., Initial Posting Date`` and seven note and
  link columns; a blank cell holds a lone newline; a long record goes on in the next rows,
  which have no generic name, company or status (their text is joined to the record's); dates
  ``4/26/2024``.

One published slip is read as meant: a yearly record whose generic name is blank, with the
generic name in ``company_name`` and the company in ``contact_info`` (no digit in it, so no
phone number) has the two moved back (``Drugshortages_2022.csv`` row 2394, etomidate); the
feed lists such rows in ``shifted``.

Every value has its whitespace runs (newlines and non-breaking spaces too) made one space. A
file whose header is neither format, lacks a column or has one the format does not have is
refused, naming the file and each column, and nothing is read.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from pathlib import Path

from rxsupply.adapters.csv_limits import MAX_COLUMNS, MAX_FIELD, check_lines, one_line_ending
from rxsupply.errors import ImportRejected, RowError
from rxsupply.services.ports.shortages import FEED_COLUMNS, ShortageFeed
from rxsupply.services.ports.tables import Table

YEARLY: dict[str, str | None] = {
    "id": None,
    "generic_name": "generic_name",
    "company_name": "company_name",
    "presentation": "presentation",
    "update_type": "update_type",
    "update_date": "update_date",
    "availability": "availability",
    "related_info": "related_info",
    "resolved_note": "resolved_note",
    "reason_for_shortage": "reason_for_shortage",
    "therapeutic_category": "therapeutic_category",
    "status": "status",
    "change_date": "change_date",
    "date_discontinued": "date_discontinued",
}
"""The yearly files' columns and the feed column each becomes (None: not kept)."""
YEARLY_OPTIONAL = {"contact_info"}
EXPORT: dict[str, str | None] = {
    "generic name": "generic_name",
    "company name": "company_name",
    "presentation": "presentation",
    "type of update": "update_type",
    "date of update": "update_date",
    "availability information": "availability",
    "related information": "related_info",
    "resolved note": "resolved_note",
    "reason for shortage": "reason_for_shortage",
    "therapeutic category": "therapeutic_category",
    "status": "status",
    "change date": "change_date",
    "date discontinued": "date_discontinued",
    "initial posting date": "initial_posting_date",
}
"""The export's columns (as folded by :func:`_column`) and the feed column each becomes."""
EXPORT_OPTIONAL = {
    "contact info",
    "generic name note",
    "generic name link",
    "company info link",
    "availability link",
    "related info link",
    "resolved note link",
    "discontinued note link",
}
_RECORD_STARTS = ("generic_name", "company_name", "status", "update_date")


def read_shortage_file(path: Path) -> ShortageFeed:
    """Read a shortage file by path (see :func:`read_shortage_bytes`)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRejected(
            [RowError(path.name, 0, "(file)", f"cannot read: {exc.strerror}")]
        ) from exc
    return read_shortage_bytes(path.name, data)


def read_shortage_bytes(name: str, data: bytes) -> ShortageFeed:
    """Read a shortage file's bytes in either FDA format; ``name`` names it in errors."""
    text = _decode(name, data)
    check_lines(name, one_line_ending(text))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
        columns = _columns(name, header)
        rows: list[int] = []
        lines: list[int] = []
        shifted: list[int] = []
        at = [_column(h) for h in header]
        contact = at.index("contact_info") if "contact_info" in at else None

        def contact_of(fields: list[str]) -> str:
            return fields[contact] if contact is not None else ""

        values: dict[str, list[str]] = {c: [] for c in FEED_COLUMNS}
        # a record's values continued on later lines, joined once at the end (not re-copied
        # line after line), and their lengths so far
        continued: dict[tuple[str, int], list[str]] = {}
        lengths: dict[tuple[str, int], int] = {}
        line = reader.line_num + 1
        for number, fields in enumerate(reader, start=1):
            begins, line = line, reader.line_num + 1
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                raise ImportRejected(
                    [
                        RowError(
                            name,
                            number,
                            "(row)",
                            f"has {len(fields)} fields, the header has {len(header)}",
                            begins,
                        )
                    ]
                )
            record = dict.fromkeys(FEED_COLUMNS, "")
            for column, value in zip(columns, fields, strict=True):
                if column is not None:
                    record[column] = " ".join(value.split())
            if _shifted(record, contact_of(fields)):
                record["generic_name"], record["company_name"] = (
                    record["company_name"],
                    " ".join(contact_of(fields).split()),
                )
                shifted.append(number)
            if rows and not any(record[c] for c in _RECORD_STARTS):
                for column, value in record.items():  # the record above goes on
                    if value:
                        key = (column, len(rows) - 1)
                        continued.setdefault(key, [values[column][-1]]).append(value)
                        lengths[key] = lengths.get(key, len(values[column][-1])) + len(value) + 1
                        if lengths[key] > MAX_FIELD:
                            raise ImportRejected(
                                [
                                    RowError(
                                        name,
                                        rows[-1],
                                        column,
                                        f"longer than {MAX_FIELD:,} characters over its "
                                        "continuation lines",
                                        lines[-1],
                                    )
                                ]
                            )
                continue
            rows.append(number)
            lines.append(begins)
            for column, value in record.items():
                values[column].append(value)
    except csv.Error as exc:
        raise ImportRejected(
            [
                RowError(
                    name,
                    0,
                    "(row)",
                    f"unreadable CSV near line {reader.line_num}: {exc}",
                    reader.line_num,
                )
            ]
        ) from exc
    if not rows:
        raise ImportRejected([RowError(name, 0, "(file)", "the file has a header but no rows")])
    for (column, index), parts in continued.items():
        values[column][index] = " ".join(parts).strip()
    fmt = "yearly" if "update_date" in {_column(h) for h in header} else "export"
    return ShortageFeed(
        table=Table(name=name, columns=values, rows=len(rows)),
        format=fmt,
        digest=hashlib.sha256(data).hexdigest(),
        rows=rows,
        lines=lines,
        shifted=shifted,
    )


def _shifted(record: dict[str, str], contact: str) -> bool:
    """A yearly record written one column to the right: no generic name, the name in the
    company's column and a company (no digit) in the contact's."""
    return (
        not record["generic_name"]
        and bool(record["company_name"])
        and bool(contact.strip())
        and not any(ch.isdigit() for ch in contact)
    )


def _decode(name: str, data: bytes) -> str:
    """UTF-8 (a BOM is fine), else Windows-1252 as the FDA's export is written."""
    if not data.strip():
        raise ImportRejected([RowError(name, 0, "(file)", "the file is empty")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRejected(
            [
                RowError(
                    name,
                    0,
                    "(encoding)",
                    f"byte 0x{data[exc.start]:02x} on line {line} is neither UTF-8 nor "
                    "Windows-1252 text",
                    line,
                )
            ]
        ) from exc


def _column(text: str) -> str:
    """A column name as compared: stray spaces (non-breaking ones too) and case folded."""
    return " ".join(text.replace("\ufeff", " ").split()).casefold()


def _columns(name: str, header: list[str]) -> list[str | None]:
    """The feed column of each header column; refuses a header of neither format, naming
    every column missing or unknown."""
    if len(header) > MAX_COLUMNS:
        raise ImportRejected(
            [RowError(name, 0, "(header)", f"{len(header):,} columns; at most {MAX_COLUMNS}", 1)]
        )
    found = [_column(h) for h in header]
    if "generic_name" in found or "id" in found:
        known, optional, fmt = YEARLY, YEARLY_OPTIONAL, "yearly record file"
    elif "generic name" in found:
        known, optional, fmt = EXPORT, EXPORT_OPTIONAL, "FDA database export"
    else:
        shown = ", ".join(h for h in found if h)[:200] or "nothing"
        raise ImportRejected(
            [
                RowError(
                    name,
                    0,
                    "(header)",
                    "not an FDA drug shortage file: the header has neither generic_name (the "
                    f"yearly record files) nor Generic Name (the database's export); it has "
                    f"{shown}",
                    1,
                )
            ]
        )
    errors = [
        RowError(name, 0, column, f"missing column of the {fmt}", 1)
        for column in known
        if column not in found
    ]
    twice = sorted(c for c, n in Counter(found).items() if c and n > 1)
    errors += [RowError(name, 0, c, "appears more than once in the header", 1) for c in twice]
    errors += [
        RowError(
            name,
            0,
            column or "(blank)",
            f"unknown column for the {fmt}; expected {', '.join(known)} "
            f"(optional: {', '.join(sorted(optional))})",
            1,
        )
        for column in found
        if column not in known and column not in optional
    ]
    if errors:
        raise ImportRejected(errors)
    return [known.get(c) for c in found]
