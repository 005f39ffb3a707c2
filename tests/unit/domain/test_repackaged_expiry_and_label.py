"""The repackaged lot's expiry (the earlier of the original expiry and the beyond-use date)
and its GS1 label's element string."""

from __future__ import annotations

from datetime import date

import pytest

from rxsupply.domain.repackaging import (
    DEFAULT_BUD_DAYS,
    GS,
    Label,
    beyond_use_date,
    repackaged_expiry,
)
from rxsupply.errors import InvalidValue

TODAY = date(2026, 11, 20)
HOUSE_GTIN = "00399999325011"  # house NDC 99999-325-01 as a GTIN-14


def test_the_beyond_use_date_is_today_plus_the_days() -> None:
    assert beyond_use_date(TODAY, 30) == date(2026, 12, 20)


def test_the_default_beyond_use_date_is_the_usp_795_nonaqueous_180_days() -> None:
    assert DEFAULT_BUD_DAYS == 180
    assert repackaged_expiry(date(2030, 1, 1), TODAY) == date(2027, 5, 19)


def test_an_original_expiry_sooner_than_the_beyond_use_date_wins() -> None:
    assert repackaged_expiry(date(2027, 1, 31), TODAY, 180) == date(2027, 1, 31)


def test_a_beyond_use_date_sooner_than_the_original_expiry_wins() -> None:
    assert repackaged_expiry(date(2028, 6, 30), TODAY, 90) == date(2027, 2, 18)


def test_a_non_expiring_original_takes_the_beyond_use_date() -> None:
    assert repackaged_expiry(None, TODAY, 10) == date(2026, 11, 30)


@pytest.mark.parametrize("days", [0, -1, 366])
def test_beyond_use_days_outside_one_to_365_are_refused(days: int) -> None:
    with pytest.raises(InvalidValue, match="bud_days"):
        repackaged_expiry(date(2030, 1, 1), TODAY, days)


def test_the_element_string_is_gtin_expiry_lot_then_gs_and_serial() -> None:
    label = Label(gtin=HOUSE_GTIN, expiry=date(2027, 5, 19), lot="RP2611", serial="U0001")

    assert label.element_string == f"01{HOUSE_GTIN}17270519" + "10RP2611" + GS + "21U0001"
    assert label.human_readable == f"(01){HOUSE_GTIN}(17)270519(10)RP2611(21)U0001"


def test_without_a_serial_the_lot_ends_the_element_string_with_no_separator() -> None:
    label = Label(gtin=HOUSE_GTIN, expiry=date(2027, 1, 31), lot="A1")

    assert label.element_string == f"01{HOUSE_GTIN}17270131" + "10A1"


def test_a_label_with_a_bad_gtin_or_lot_is_refused() -> None:
    with pytest.raises(InvalidValue, match="check digit"):
        Label(gtin="00399999325012", expiry=TODAY, lot="A1")
    with pytest.raises(InvalidValue, match=r"\(10\)"):
        Label(gtin=HOUSE_GTIN, expiry=TODAY, lot="A" * 21)
    with pytest.raises(InvalidValue, match="cannot go on the label"):
        Label(gtin=HOUSE_GTIN, expiry=TODAY, lot="A(1)")
