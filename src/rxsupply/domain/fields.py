"""Reading single values out of files: whole units, dates, timestamps, money.

Each parser raises :class:`InvalidValue` with a reason a pharmacy user can act on; the import
services add the file, row and field.
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


EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
"""No date or timestamp in a file or a form is read outside these days: a typo (year 9999, year
1) never reaches the calendar arithmetic, where it would overflow."""


ID_DIGITS = 9
"""A record id typed by a user is at most nine ASCII digits: below any integer column."""


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
    if len(value) > limit:
        raise InvalidValue(field, f"{len(value):,} characters; at most {limit}", value[:40] + "...")
    found = _CONTROL.search(value)
    if found is not None:
        raise InvalidValue(
            field,
            f"control character U+{ord(found.group()):04X} at position {found.start() + 1}",
            value[:40],
        )
    return value


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
            if len(year) != 4:
                raise ValueError
            value = date(int(year), int(month), int(day))
        else:
            value = date.fromisoformat(raw)
    except ValueError:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise InvalidValue(field, "not a date; use YYYY-MM-DD or MM/DD/YYYY", shown) from None
    return _within_window(value, field, text)


def _within_window(value: date, field: str, text: str) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise InvalidValue(
            field, f"outside {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}", text
        )
    return value


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
    _within_window(value.date(), field, text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=local)
    return value.astimezone(UTC)


def parse_money(text: str, field: str = "unit_price") -> Decimal:
    raw = _without_thousands(text.strip().replace("$", ""), field)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidValue(field, "not an amount of money", text) from None
    if not value.is_finite():
        raise InvalidValue(field, "not an amount of money", text)
    if value < 0:
        raise InvalidValue(field, "must not be negative", text)
    if value >= Decimal("1e10"):
        raise InvalidValue(field, "too large for an amount of money", text)
    return value.quantize(Decimal("0.0001"))
