"""Reading single values out of files and forms, and the bounds every face holds them to:
whole units, record ids, row offsets, dates, timestamps, money, text.

Each parser raises :class:`InvalidValue` with a reason a pharmacy user can act on; the import
services add the file, row and field. The API's request models hold the same bounds
(``rxsupply.entrypoints.http.bounded`` builds its types from the constants here), so a value
refused in a form is refused in a JSON body too, and none reaches a column it overflows.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal, InvalidOperation

from rxsupply.errors import InvalidValue

_THOUSANDS = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$")
UNITS_LIMIT = 10**9
"""No count in a file or a form is read above this (a billion units): a bound far below any
integer column, so a typo or an attack never reaches the database as an overflow. Movements
have their own, lower, configurable bound (:class:`rxsupply.domain.limits.LedgerLimits`)."""


ID_DIGITS = 9
"""A record id typed by a user is at most nine ASCII digits: below any integer column."""

RECORD_ID_LIMIT = 2**31 - 1
"""The largest record id (a PostgreSQL ``integer``): an id above it names no record."""

ROWS_LIMIT = 10**9
"""The most rows a list skips (``offset``) or a count names: far below a 64-bit ``OFFSET``."""

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
"""The days rxsupply holds (expiries, order dates, a dispense's time), in files, forms and the
API alike: a year 1 or 9999 is a typo, and a time near either end of Python's calendar cannot be
moved between time zones (it would overflow)."""


def check_day(field: str, value: date) -> date:
    """``value``, or :class:`InvalidValue` when it falls outside :data:`FIRST_DAY` ..
    :data:`LAST_DAY`."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise InvalidValue(
            field, f"outside the years {FIRST_DAY.year} to {LAST_DAY.year}", value.isoformat()
        )
    return value


def check_moment(field: str, value: datetime) -> datetime:
    """A timestamp carrying its offset, within the days rxsupply holds, as UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(field, "must carry its time zone or UTC offset", value.isoformat())
    outside = f"outside the years {FIRST_DAY.year} to {LAST_DAY.year}"
    try:
        moment = value.astimezone(UTC)  # 9999-12-31T23:00-14:00 is past Python's last day
    except OverflowError:
        raise InvalidValue(field, outside, value.isoformat()) from None
    if not FIRST_DAY <= moment.date() <= LAST_DAY:
        raise InvalidValue(field, outside, value.isoformat())
    return moment


def check_units(field: str, value: int, *, allow_zero: bool = False, signed: bool = False) -> int:
    """A whole number of units (or packages) a command or a document carries, within
    :data:`UNITS_LIMIT` (and above zero unless ``allow_zero``; ``signed``: either way)."""
    low = -UNITS_LIMIT if signed else 0 if allow_zero else 1
    if not low <= value <= UNITS_LIMIT:
        shown = value if abs(value) < 10**30 else "..."
        raise InvalidValue(field, f"a whole number from {low:,} to {UNITS_LIMIT:,}", shown)
    return value


def parse_offset(text: str) -> int:
    """Rows to skip, as a page's link carries them: ASCII digits (``str.isdigit`` alone lets
    '²' through, which ``int()`` refuses); anything else starts at the first row, and a number
    past :data:`ROWS_LIMIT` shows the (empty) page after it."""
    raw = text.strip()
    if not (raw.isascii() and raw.isdigit()):
        return 0
    if len(raw) > len(str(ROWS_LIMIT)):
        return ROWS_LIMIT
    return min(int(raw), ROWS_LIMIT)


def is_id(text: str) -> bool:
    """Whether ``text`` reads as a record id: ASCII digits only (``str.isdigit`` alone lets
    '²' through, which ``int()`` refuses), at most :data:`ID_DIGITS` of them."""
    raw = text.strip()
    return raw.isascii() and raw.isdigit() and len(raw) <= ID_DIGITS


def parse_id(text: str, field: str) -> int:
    """A record id typed by a user (a count line's id in a form field), or
    :class:`InvalidValue` naming ``field``."""
    if not is_id(text):
        raise InvalidValue(field, f"an id: a whole number of at most {ID_DIGITS} digits", text[:20])
    return int(text.strip())


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc


def check_text(field: str, value: str, *, limit: int) -> str:
    """Refuse control characters (NUL, tabs, newlines, escapes: Unicode category Cc) and
    values longer than ``limit`` characters; the message shows the start of a long value,
    never all of it."""
    return _refuse_controls(field, value, limit=limit, controls=_CONTROL)


_CONTROL_IN_NOTES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def check_note(field: str, value: str, *, limit: int) -> str:
    """:func:`check_text` for free text of several lines (a note, a memo): line breaks and tabs
    are allowed, every other control character (NUL, escapes, C1) is refused."""
    return _refuse_controls(field, value, limit=limit, controls=_CONTROL_IN_NOTES)


def _refuse_controls(field: str, value: str, *, limit: int, controls: re.Pattern[str]) -> str:
    if len(value) > limit:
        raise InvalidValue(field, f"{len(value):,} characters; at most {limit}", value[:40] + "...")
    found = control_character(value, controls)
    if found:
        raise InvalidValue(field, found, value[:40])
    return value


def control_character(value: str, controls: re.Pattern[str]) -> str:
    """What is wrong with ``value``: the first of ``controls`` in it and where ("control
    character U+0000 at position 3"); "" when it has none."""
    found = controls.search(value)
    if found is None:
        return ""
    return f"control character U+{ord(found.group()):04X} at position {found.start() + 1}"


def required_text(field: str, value: str, *, limit: int, why: str) -> str:
    """:func:`check_text`, then stripped; blank is refused with ``why`` (what to write)."""
    check_text(field, value, limit=limit)
    stripped = value.strip()
    if not stripped:
        raise InvalidValue(field, why)
    return stripped


def _without_thousands(text: str, field: str) -> str:
    """Drop US thousands separators ("1,500"); any other comma ("1,5") is an error."""
    if "," not in text:
        return text
    if not _THOUSANDS.match(text):
        raise InvalidValue(field, "a comma may only separate thousands, as in 1,500", text)
    return text.replace(",", "")


def parse_units(
    text: str, field: str = "quantity", *, allow_zero: bool = False, allow_negative: bool = False
) -> int:
    raw = text.strip()
    if not raw.isascii():
        raise InvalidValue(field, "not a whole number", text)
    raw = _without_thousands(raw, field)
    try:
        value = int(raw)
    except ValueError:
        try:
            as_dec = Decimal(raw)
        except InvalidOperation:
            raise InvalidValue(field, "not a whole number", text) from None
        if not as_dec.is_finite():
            raise InvalidValue(field, "not a whole number", text) from None
        if as_dec.adjusted() > 9:  # before int(): 1e999999999 would be a billion digits
            raise InvalidValue(field, f"more than {UNITS_LIMIT:,}", text[:40]) from None
        if as_dec != as_dec.to_integral_value():
            raise InvalidValue(field, "quantities are whole dispense units", text) from None
        value = int(as_dec)
    if abs(value) > UNITS_LIMIT:
        raise InvalidValue(field, f"more than {UNITS_LIMIT:,}", text[:40])
    if value < 0 and not allow_negative:
        raise InvalidValue(field, "must not be negative", text)
    if value == 0 and not allow_zero:
        raise InvalidValue(field, "must be more than zero", text)
    return value


def parse_date(text: str, field: str = "date") -> date:
    """ISO ``YYYY-MM-DD`` or US ``MM/DD/YYYY``."""
    raw = text.strip()
    try:
        if "/" in raw:
            month, day, year = raw.split("/")
            if not (raw.isascii() and len(year) == 4):
                raise ValueError
            value = date(int(year), int(month), int(day))
        else:
            value = date.fromisoformat(raw)
    except ValueError:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise InvalidValue(field, "not a date; use YYYY-MM-DD or MM/DD/YYYY", shown) from None
    return check_day(field, value)


def parse_timestamp(text: str, local: tzinfo, field: str = "timestamp") -> datetime:
    """ISO 8601; a time without an offset is the facility's local time. Returns UTC."""
    raw = text.strip()
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            day = parse_date(raw, field)
        except InvalidValue as exc:
            if "outside" in exc.reason:
                raise
            shown = text if len(text) <= 40 else text[:40] + "..."
            raise InvalidValue(
                field, "not a timestamp; use ISO 8601 like 2024-03-01T14:05:00-05:00", shown
            ) from None
        value = datetime(day.year, day.month, day.day, tzinfo=local)
    if value.tzinfo is None:
        value = value.replace(tzinfo=local)
    return check_moment(field, value)


def parse_money(text: str, field: str = "unit_price") -> Decimal:
    raw = _without_thousands(text.strip().replace("$", ""), field)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidValue(field, "not an amount of money", text) from None
    return check_money(field, value, text=text)


def check_money(field: str, value: Decimal, *, text: str | None = None) -> Decimal:
    """An amount of money as stored (numeric, 4 places): finite, not negative, under 10^10;
    ``text``: what the user typed, for the message."""
    shown = str(value) if text is None else text
    if not value.is_finite():
        raise InvalidValue(field, "not an amount of money", shown)
    if value < 0:
        raise InvalidValue(field, "must not be negative", shown)
    if value >= Decimal("1e10"):
        raise InvalidValue(field, "too large for an amount of money", shown)
    return value.quantize(Decimal("0.0001"))
