"""Reading scanner output (GS1 DataMatrix, GS1-128, HRI, Digital Link) into identifiers."""

from __future__ import annotations

import calendar
import contextlib
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rxsupply.adapters.gs1 import GS, parse_scan
from rxsupply.domain.identifier import CSET_82, ProductIdentifier
from rxsupply.domain.ndc import gs1_check_digit, gtin14_from_ndc_digits
from rxsupply.errors import InvalidBarcode, InvalidGTIN, RxSupplyError

# NDC 0409-4888-02 (4-4-2) in a GTIN-14: 0 + 03 + 0409488802 + check digit 6.
GTIN = "00304094888026"
BAD_GTIN = "00304094888024"  # last digit should be 6
EXPECTED = ProductIdentifier(
    gtin=GTIN,
    ndc_digits="0409488802",
    lot="L4888A",
    expiry=date(2027, 6, 30),
    serial="7X2K9Q41",
)
ELEMENT_STRING = f"01{GTIN}17270630" + "10L4888A" + GS + "21" + "7X2K9Q41"
DIGITAL_LINK = f"https://id.gs1.org/01/{GTIN}/10/L4888A/21/7X2K9Q41?17=270630"


def test_the_example_gtin_carries_the_gs1_check_digit() -> None:
    assert gs1_check_digit(GTIN[:13]) == GTIN[13]
    assert gs1_check_digit(BAD_GTIN[:13]) != BAD_GTIN[13]


@pytest.mark.parametrize(
    "scan",
    [
        pytest.param("]d2" + ELEMENT_STRING, id="datamatrix-with-symbology-prefix"),
        pytest.param(ELEMENT_STRING, id="element-string-without-prefix"),
        pytest.param("]C1" + ELEMENT_STRING, id="gs1-128"),
        pytest.param("]e0" + ELEMENT_STRING, id="gs1-databar"),
        pytest.param("]Q3" + ELEMENT_STRING, id="gs1-qr-code"),
        pytest.param("]d2" + GS + ELEMENT_STRING + GS, id="leading-fnc1-and-trailing-gs"),
        pytest.param(ELEMENT_STRING.replace(GS, "<GS>"), id="keyboard-wedge-angle-gs"),
        pytest.param(ELEMENT_STRING.replace(GS, "{GS}"), id="keyboard-wedge-brace-gs"),
        pytest.param(
            f"17270630{GS}01{GTIN}21" + "7X2K9Q41" + f"{GS}10L4888A",
            id="other-ai-order-with-gs-after-a-fixed-length-ai",
        ),
        pytest.param(
            f"(01){GTIN}(17)270630(10)L4888A(21)7X2K9Q41", id="human-readable-parentheses"
        ),
        pytest.param(
            f"(01) {GTIN} (17) 270630 (10) L4888A (21) 7X2K9Q41", id="human-readable-spaced"
        ),
        pytest.param(DIGITAL_LINK, id="digital-link"),
        pytest.param("]Q1" + DIGITAL_LINK, id="digital-link-in-plain-qr"),
        pytest.param(
            f"https://example.com/pharma/01/{GTIN}/10/L4888A/21/7X2K9Q41?17=270630&utm=x",
            id="digital-link-custom-domain",
        ),
        pytest.param("  " + ELEMENT_STRING + "\r\n", id="with-surrounding-whitespace"),
    ],
)
def test_every_scanner_form_reads_the_same_identifier(scan: str) -> None:
    identifier = parse_scan(scan)

    assert identifier == EXPECTED


def test_variable_length_lot_ends_at_the_gs_separator() -> None:
    scan = f"01{GTIN}17270630" + "10AB21CD" + GS + "21XY10"

    identifier = parse_scan(scan)

    assert (identifier.lot, identifier.serial) == ("AB21CD", "XY10")


@pytest.mark.parametrize(
    "scan",
    [
        pytest.param(ELEMENT_STRING.replace(GTIN, BAD_GTIN), id="element-string"),
        pytest.param("]d2" + ELEMENT_STRING.replace(GTIN, BAD_GTIN), id="datamatrix"),
        pytest.param(f"(01){BAD_GTIN}(17)270630(10)L4888A(21)7X2K9Q41", id="human-readable"),
        pytest.param(DIGITAL_LINK.replace(GTIN, BAD_GTIN), id="digital-link"),
        pytest.param(BAD_GTIN, id="linear-gtin-14"),
    ],
)
def test_bad_gtin_check_digit_is_explained_with_the_expected_digit(scan: str) -> None:
    with pytest.raises(InvalidGTIN, match="check digit is 4, the GS1 check digit should be 6"):
        parse_scan(scan)


@pytest.mark.parametrize(
    ("scan", "reason"),
    [
        (f"01{GTIN}17270630" + "10L4888A", r"missing \(21\) serial"),
        (f"01{GTIN}" + "10L4888A", r"missing \(17\) expiry, \(21\) serial"),
        (f"01{GTIN}", r"missing \(17\) expiry, \(10\) lot, \(21\) serial"),
        ("10L4888A" + GS + "21" + "7X2K9Q41", r"missing \(01\) GTIN, \(17\) expiry"),
        (f"(01){GTIN}(21)7X2K9Q41", r"missing \(17\) expiry, \(10\) lot"),
        (f"https://id.gs1.org/01/{GTIN}/21/7X2K9Q41", r"missing \(17\) expiry, \(10\) lot"),
    ],
)
def test_missing_dscsa_ais_are_each_named_with_their_meaning(scan: str, reason: str) -> None:
    with pytest.raises(InvalidBarcode, match=f"{reason}$"):
        parse_scan(scan)


def test_a_linear_gtin_is_accepted_when_dscsa_fields_are_not_required() -> None:
    upc_a = "304094888026"  # the UPC-A on the carton: NDC 0409-4888-02

    identifier = parse_scan(upc_a, require_dscsa=False)

    assert identifier == ProductIdentifier(
        gtin=GTIN, ndc_digits="0409488802", lot=None, expiry=None, serial=None
    )


@pytest.mark.parametrize(
    ("yymmdd", "expiry"),
    [
        pytest.param("280200", date(2028, 2, 29), id="leap-year"),
        pytest.param("270200", date(2027, 2, 28), id="common-year"),
        pytest.param("270900", date(2027, 9, 30), id="thirty-day-month"),
    ],
)
def test_expiry_day_00_means_last_day_of_month(yymmdd: str, expiry: date) -> None:
    scan = f"]d201{GTIN}17{yymmdd}10L4888A{GS}21" + "7X2K9Q41"

    identifier = parse_scan(scan)

    assert identifier.expiry == expiry


def test_expiry_day_00_in_february_reads_the_same_from_a_digital_link() -> None:
    scan = f"https://id.gs1.org/01/{GTIN}/10/L4888A/21/7X2K9Q41?17=280200"

    assert parse_scan(scan).expiry == date(2028, 2, 29)


def test_expiry_century_follows_the_window_around_today() -> None:
    scan = f"01{GTIN}17770630" + "10L4888A" + GS + "21" + "7X2K9Q41"

    assert parse_scan(scan, today=date(2026, 1, 15)).expiry == date(1977, 6, 30)
    assert parse_scan(scan, today=date(2030, 1, 15)).expiry == date(2077, 6, 30)
    assert parse_scan(scan).expiry == date(2077, 6, 30)


@pytest.mark.parametrize(
    "scan",
    [
        pytest.param(f"]d201{GTIN}17271300" + "10L4888A" + GS + "21S1", id="element-string"),
        pytest.param(f"(01){GTIN}(17)271300(10)L4888A(21)S1", id="human-readable"),
        pytest.param(DIGITAL_LINK.replace("17=270630", "17=271300"), id="digital-link"),
    ],
)
def test_invalid_expiry_month_is_rejected_naming_the_month(scan: str) -> None:
    with pytest.raises(InvalidBarcode, match="month 13 does not exist") as caught:
        parse_scan(scan)

    assert caught.value.field == "(17) expiry"


def test_expiry_month_00_is_rejected() -> None:
    scan = f"01{GTIN}17270015" + "10L4888A" + GS + "21" + "7X2K9Q41"

    with pytest.raises(InvalidBarcode, match="month 00 does not exist"):
        parse_scan(scan)


def test_expiry_30_february_is_rejected() -> None:
    scan = f"01{GTIN}17280230" + "10L4888A" + GS + "21" + "7X2K9Q41"

    with pytest.raises(InvalidBarcode, match="day 30 does not exist in February 2028"):
        parse_scan(scan)


def test_truncated_expiry_is_rejected() -> None:
    with pytest.raises(InvalidBarcode, match="expected 6 digits YYMMDD"):
        parse_scan(f"01{GTIN}172706")


def test_non_ndc_gtin_is_rejected() -> None:
    scan = "]d2" + ELEMENT_STRING.replace(GTIN, "00614141123452")

    with pytest.raises(InvalidGTIN, match="not an NDC-based GTIN"):
        parse_scan(scan)


def test_lot_that_runs_into_the_serial_because_a_gs_was_lost_is_rejected() -> None:
    # biip alone would stop the lot at 20 characters and read "21..." as a serial.
    scan = f"01{GTIN}17270630" + "10" + "L" * 20 + "21" + "7X2K9Q41"

    with pytest.raises(InvalidBarcode, match="30 characters, at most 20") as caught:
        parse_scan(scan)

    assert caught.value.field == "(10) lot"


def test_the_same_ai_twice_with_different_values_is_rejected() -> None:
    scan = ELEMENT_STRING + GS + "10OTHERLOT"

    with pytest.raises(InvalidBarcode, match="appears twice"):
        parse_scan(scan)


def test_biip_strictness_is_kept_when_our_rules_find_nothing_wrong() -> None:
    # GS1 Digital Link orders the qualifiers of (01): (22), (10), (21), (235).
    scan = f"https://id.gs1.org/01/{GTIN}/21/7X2K9Q41/10/L4888A?17=270630"

    with pytest.raises(InvalidBarcode, match="not a valid GS1 barcode"):
        parse_scan(scan)


@pytest.mark.parametrize(
    "scan",
    [
        "hello world",
        "",
        "   ",
        GS,
        "]",
        "]d2",
        "]d2" + GS,
        "(99",
        "()",
        "https://example.com/",
        "https://id.gs1.org/01/",
        "ftp://id.gs1.org/01/00304094888026",
        "0100304094888026172706301",
        "\x00\x01\x02",
        "SELECT * FROM products;",
    ],
)
def test_unreadable_data_raises_invalid_barcode_with_a_reason(scan: str) -> None:
    with pytest.raises(InvalidBarcode) as caught:
        parse_scan(scan)

    assert caught.value.reason
    assert caught.value.__cause__ is None


def test_junk_names_the_accepted_forms() -> None:
    with pytest.raises(InvalidBarcode, match="not a GS1 element string, human-readable"):
        parse_scan("hello world")


@settings(deadline=None)
@given(st.text(max_size=60))
def test_any_text_either_parses_or_raises_an_rxsupply_error(scan: str) -> None:
    with contextlib.suppress(RxSupplyError):
        parse_scan(scan)


CSET_82_TEXT = st.text(alphabet=sorted(CSET_82), min_size=1, max_size=20)


@st.composite
def dscsa_scans(draw: st.DrawFn) -> tuple[str, ProductIdentifier]:
    """An element string for random valid values, fixed-length AIs first in random order."""
    ndc_digits = draw(st.text(alphabet="0123456789", min_size=10, max_size=10))
    gtin = gtin14_from_ndc_digits(ndc_digits, indicator=draw(st.integers(0, 8)))
    expiry = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
    last_day = calendar.monthrange(expiry.year, expiry.month)[1]
    day = "00" if expiry.day == last_day and draw(st.booleans()) else f"{expiry.day:02d}"
    lot, serial = draw(CSET_82_TEXT), draw(CSET_82_TEXT)
    separator = draw(st.sampled_from([GS, "<GS>", "{GS}"]))
    assume("<GS>" not in lot and "<GS>" not in serial)

    fixed = draw(st.permutations([("01", gtin), ("17", expiry.strftime("%y%m") + day)]))
    variable = draw(st.permutations([("10", lot), ("21", serial)]))
    prefix = draw(st.sampled_from(["", "]d2", "]C1"]))
    trailer = draw(st.sampled_from(["", separator]))
    fixed_part = "".join(ai + value for ai, value in fixed)
    variable_part = separator.join(ai + value for ai, value in variable)
    scan = prefix + fixed_part + variable_part + trailer
    return scan, ProductIdentifier(gtin, ndc_digits, lot, expiry, serial)


@settings(deadline=None)
@given(dscsa_scans())
def test_an_element_string_built_from_valid_values_reads_back_the_same_values(
    case: tuple[str, ProductIdentifier],
) -> None:
    scan, expected = case

    identifier = parse_scan(scan)

    assert identifier == expected
