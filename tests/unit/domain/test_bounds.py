"""The bounds every face holds values to (``domain/fields.py``), and the ledger's last ones: no
quantity, id, offset, day or timestamp that overflows a column or Python's calendar gets in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from rxsupply.domain.fields import (
    LAST_DAY,
    ROWS_LIMIT,
    UNITS_LIMIT,
    check_day,
    check_moment,
    check_units,
    parse_date,
    parse_offset,
    parse_timestamp,
)
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.movement import Movement, MovementKind
from rxsupply.domain.stock import ON_HAND_LIMIT, StockBook
from rxsupply.errors import InvalidValue

HUGE = 2**63 - 1
AT = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
STOREROOM, PRODUCT, LOT = 1, 100, 1000


def receipt(quantity: int) -> Movement:
    return Movement(
        kind=MovementKind.RECEIPT,
        product_id=PRODUCT,
        lot_id=LOT,
        quantity=quantity,
        occurred_at=AT,
        to_location_id=STOREROOM,
    )


@pytest.mark.parametrize(
    ("text", "offset"),
    [("0", 0), ("250", 250), (" 40 ", 40), ("²", 0), ("-5", 0), ("1e3", 0), ("", 0)],
)
def test_an_offset_is_read_from_ascii_digits_only(text: str, offset: int) -> None:
    assert parse_offset(text) == offset


@pytest.mark.parametrize("text", [str(2**64), "9" * 400, str(ROWS_LIMIT + 1)])
def test_an_offset_past_the_rows_limit_reads_as_the_limit(text: str) -> None:
    assert parse_offset(text) == ROWS_LIMIT


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1899, 12, 31), date(2200, 1, 1), date.max])
def test_a_day_outside_1900_to_2199_is_refused(day: date) -> None:
    with pytest.raises(InvalidValue, match="outside the years 1900 to 2199"):
        check_day("expiry", day)


@pytest.mark.parametrize("text", ["9999-12-31", "12/31/0001", "0001-01-01"])
def test_a_typed_date_outside_the_window_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_date(text, "expiry")

    assert refused.value.field == "expiry"
    assert "outside the years" in refused.value.reason


def test_a_us_date_with_non_ascii_digits_is_not_a_date() -> None:
    with pytest.raises(InvalidValue, match="not a date"):
        parse_date("01/01/２０２６", "expiry")


def test_the_last_instant_of_9999_at_minus_14_is_refused_not_overflowed() -> None:
    late = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-14)))

    with pytest.raises(InvalidValue, match="outside the years 1900 to 2199"):
        check_moment("occurred_at", late)


def test_a_timestamp_without_its_offset_is_refused() -> None:
    with pytest.raises(InvalidValue, match="time zone or UTC offset"):
        check_moment("occurred_at", datetime(2026, 3, 2, 9, 0))  # noqa: DTZ001


def test_a_timestamp_inside_the_window_is_given_as_utc() -> None:
    east = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=-5)))

    assert check_moment("occurred_at", east) == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def test_a_typed_timestamp_in_year_9999_is_refused() -> None:
    with pytest.raises(InvalidValue, match="outside the years"):
        parse_timestamp("9999-12-31T23:00:00-14:00", UTC, "occurred_at")


@pytest.mark.parametrize(
    ("value", "allow_zero", "signed"),
    [(0, False, False), (-1, True, False), (UNITS_LIMIT + 1, False, False), (HUGE, True, True)],
)
def test_units_outside_their_range_are_refused(value: int, allow_zero: bool, signed: bool) -> None:
    with pytest.raises(InvalidValue, match="a whole number from"):
        check_units("packages", value, allow_zero=allow_zero, signed=signed)


def test_the_last_day_and_the_units_limit_themselves_are_accepted() -> None:
    assert check_day("expiry", LAST_DAY) == LAST_DAY
    assert check_units("packages", UNITS_LIMIT) == UNITS_LIMIT


def test_a_maximum_quantity_setting_beyond_the_units_limit_is_refused() -> None:
    with pytest.raises(InvalidValue, match="RXSUPPLY_MAX_QUANTITY must be 1 to 1,000,000,000"):
        LedgerLimits(max_quantity=HUGE)


def test_the_stock_book_refuses_a_movement_beyond_the_units_limit_and_changes_nothing() -> None:
    book = StockBook(on_hand={(STOREROOM, PRODUCT, LOT): 5})

    with pytest.raises(InvalidValue, match="more than 1,000,000,000 units"):
        book.apply(receipt(HUGE))

    assert book.quantity((STOREROOM, PRODUCT, LOT)) == 5
    assert book.deltas == {}


def test_the_stock_book_refuses_an_on_hand_past_its_limit() -> None:
    book = StockBook(on_hand={(STOREROOM, PRODUCT, LOT): ON_HAND_LIMIT - 10})

    book.apply(receipt(10))
    with pytest.raises(InvalidValue, match="past 1,000,000,000,000 units"):
        book.apply(receipt(1))

    assert book.quantity((STOREROOM, PRODUCT, LOT)) == ON_HAND_LIMIT
