"""DSCSA product identifiers from raw GS1 AI values: our rules on top of GS1."""

from __future__ import annotations

from datetime import date
from itertools import combinations

import pytest

from rxsupply.domain.identifier import (
    DSCSA_AIS,
    ProductIdentifier,
    dscsa_identifier,
    expiry_year,
    parse_expiry,
)
from rxsupply.domain.ndc import gs1_check_digit, gtin14_from_ndc_digits
from rxsupply.errors import InvalidBarcode, InvalidGTIN

# NDC 0409-4888-02 (4-4-2). Its GTIN-14 is 0 + 03 + 0409488802 + check digit 6.
NDC_DIGITS = "0409488802"
GTIN = "00304094888026"
COMPLETE = {"01": GTIN, "17": "270630", "10": "L4888A", "21": "7X2K9Q41"}


def test_the_example_gtin_carries_the_gs1_check_digit() -> None:
    assert gs1_check_digit(GTIN[:13]) == "6"
    assert gtin14_from_ndc_digits(NDC_DIGITS) == GTIN


def test_a_complete_dscsa_scan_gives_gtin_ndc_digits_lot_expiry_and_serial() -> None:
    fields = dict(COMPLETE)

    identifier = dscsa_identifier(fields)

    assert identifier == ProductIdentifier(
        gtin=GTIN,
        ndc_digits=NDC_DIGITS,
        lot="L4888A",
        expiry=date(2027, 6, 30),
        serial="7X2K9Q41",
    )


def test_product_identifier_is_immutable() -> None:
    identifier = dscsa_identifier(COMPLETE)

    with pytest.raises(AttributeError):
        identifier.lot = "OTHER"  # type: ignore[misc]


def test_other_ais_are_ignored() -> None:
    fields = {**COMPLETE, "240": "ADDITIONAL-ID", "30": "12"}

    identifier = dscsa_identifier(fields)

    assert identifier == dscsa_identifier(COMPLETE)


@pytest.mark.parametrize(
    ("yymmdd", "expected"),
    [
        ("270400", date(2027, 4, 30)),
        ("271200", date(2027, 12, 31)),
        ("270100", date(2027, 1, 31)),
    ],
)
def test_expiry_day_00_means_last_day_of_month(yymmdd: str, expected: date) -> None:
    assert parse_expiry(yymmdd) == expected


def test_expiry_day_00_in_february_of_a_leap_year_is_the_29th() -> None:
    assert parse_expiry("280200") == date(2028, 2, 29)


def test_expiry_day_00_in_february_of_a_common_year_is_the_28th() -> None:
    assert parse_expiry("270200") == date(2027, 2, 28)


def test_expiry_day_00_in_february_2100_is_the_28th_because_2100_is_not_a_leap_year() -> None:
    today = date(2060, 6, 1)

    expiry = parse_expiry("000200", today=today)

    assert expiry == date(2100, 2, 28)


def test_expiry_29_february_in_a_common_year_is_rejected() -> None:
    with pytest.raises(InvalidBarcode, match="day 29 does not exist in February 2027"):
        parse_expiry("270229")


@pytest.mark.parametrize("yymmdd", ["271300", "270015", "279901"])
def test_expiry_with_an_invalid_month_is_rejected_naming_the_month(yymmdd: str) -> None:
    with pytest.raises(InvalidBarcode, match=f"month {yymmdd[2:4]} does not exist") as caught:
        dscsa_identifier({**COMPLETE, "17": yymmdd})

    assert caught.value.field == "(17) expiry"


@pytest.mark.parametrize("yymmdd", ["2706", "27063", "2706300", "27O630", "２７０６３０"])
def test_expiry_that_is_not_six_ascii_digits_is_rejected(yymmdd: str) -> None:
    with pytest.raises(InvalidBarcode, match="expected 6 digits YYMMDD"):
        parse_expiry(yymmdd)


def test_without_today_the_expiry_year_is_2000_plus_yy() -> None:
    assert parse_expiry("990131") == date(2099, 1, 31)
    assert parse_expiry("000131") == date(2000, 1, 31)


@pytest.mark.parametrize(
    ("today", "yy", "year"),
    [
        (date(2026, 3, 1), 26, 2026),
        (date(2026, 3, 1), 76, 2076),  # 50 years ahead: still this century
        (date(2026, 3, 1), 77, 1977),  # 51 years ahead: previous century
        (date(2060, 3, 1), 11, 2011),  # 49 years back: this century
        (date(2060, 3, 1), 10, 2110),  # 50 years back: next century
        (date(2099, 12, 31), 0, 2100),
        (date(2000, 1, 1), 99, 1999),
    ],
)
def test_century_window_runs_from_49_years_back_to_50_years_ahead(
    today: date, yy: int, year: int
) -> None:
    assert expiry_year(yy, today=today) == year


def test_wrong_gtin_check_digit_names_the_digit_found_and_the_expected_one() -> None:
    fields = {**COMPLETE, "01": "00304094888024"}

    with pytest.raises(InvalidGTIN, match="check digit is 4, the GS1 check digit should be 6"):
        dscsa_identifier(fields)


def test_gtin_that_is_not_14_digits_is_rejected() -> None:
    with pytest.raises(InvalidGTIN, match="exactly 14 digits"):
        dscsa_identifier({**COMPLETE, "01": "0030409488802"})


def test_non_ndc_gtin_is_rejected() -> None:
    # 00614141123452: the GS1 US example GTIN, valid check digit, company prefix 0614141.
    fields = {**COMPLETE, "01": "00614141123452"}

    with pytest.raises(InvalidGTIN, match="not an NDC-based GTIN"):
        dscsa_identifier(fields)


MISSING_COMBINATIONS = [
    missing for size in range(1, 5) for missing in combinations(DSCSA_AIS, size)
]


@pytest.mark.parametrize("missing", MISSING_COMBINATIONS, ids="-".join)
def test_every_combination_of_missing_dscsa_ais_is_named_with_its_meaning(
    missing: tuple[str, ...],
) -> None:
    fields = {ai: value for ai, value in COMPLETE.items() if ai not in missing}

    with pytest.raises(InvalidBarcode) as caught:
        dscsa_identifier(fields)

    expected = "missing " + ", ".join(f"({ai}) {DSCSA_AIS[ai]}" for ai in missing)
    assert caught.value.reason == expected


def test_missing_expiry_and_serial_reads_as_in_the_brief() -> None:
    fields = {"01": GTIN, "10": "L4888A"}

    with pytest.raises(InvalidBarcode, match=r"missing \(17\) expiry, \(21\) serial$"):
        dscsa_identifier(fields)


def test_a_blank_value_counts_as_missing() -> None:
    with pytest.raises(InvalidBarcode, match=r"missing \(21\) serial"):
        dscsa_identifier({**COMPLETE, "21": ""})


def test_without_require_dscsa_only_the_gtin_is_needed() -> None:
    identifier = dscsa_identifier({"01": GTIN}, require_dscsa=False)

    assert identifier == ProductIdentifier(
        gtin=GTIN, ndc_digits=NDC_DIGITS, lot=None, expiry=None, serial=None
    )


def test_without_require_dscsa_the_gtin_is_still_required() -> None:
    with pytest.raises(InvalidBarcode, match=r"^barcode: missing \(01\) GTIN$"):
        dscsa_identifier({"10": "L4888A"}, require_dscsa=False)


def test_a_bad_value_is_reported_before_missing_ais() -> None:
    fields = {"01": "00304094888024", "10": "L4888A"}

    with pytest.raises(InvalidGTIN, match="should be 6"):
        dscsa_identifier(fields)


def test_lot_longer_than_20_characters_is_rejected() -> None:
    with pytest.raises(InvalidBarcode, match="21 characters, at most 20") as caught:
        dscsa_identifier({**COMPLETE, "10": "L" * 21})

    assert caught.value.field == "(10) lot"


def test_serial_of_exactly_20_characters_is_accepted() -> None:
    identifier = dscsa_identifier({**COMPLETE, "21": "S" * 20})

    assert identifier.serial == "S" * 20


@pytest.mark.parametrize("serial", ["7X2 K9", "7X2#K9", "7X2éK9", "7X2\x1dK9"])
def test_serial_with_a_character_outside_gs1_character_set_82_is_rejected(serial: str) -> None:
    with pytest.raises(InvalidBarcode, match="character set 82") as caught:
        dscsa_identifier({**COMPLETE, "21": serial})

    assert caught.value.field == "(21) serial"
