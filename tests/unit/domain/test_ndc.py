"""National Drug Codes: the three 10-digit patterns, the 11-digit billing form and GTIN-14.

Worked GTIN-14 check digits (GS1 mod 10, weights 3,1,3,... from the right of the 13-digit body):
0 03 0409488810 -> 0+1+24+8+24+4+27+0+12+0+9+0+0 = 109 -> check 1 -> 00304094888101.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rxsupply.domain.ndc import (
    NDC,
    PATTERNS,
    Pattern,
    gs1_check_digit,
    gtin14_from_ndc_digits,
    ndc11_candidates,
    ndc_digits_from_gtin14,
    ndc_lookup_key,
    validate_gtin14,
)
from rxsupply.errors import InvalidGTIN, InvalidNDC, InvalidValue, RxSupplyError

HOSPIRA_442 = NDC("0409", "4888", "10")
EXAMPLE_532 = NDC("50090", "123", "01")
FRESENIUS_541 = NDC("68180", "0513", "1")


# --- worked examples: the three 10-digit patterns --------------------------------------------


@pytest.mark.parametrize(
    ("text", "segments", "pattern"),
    [
        ("0409-4888-10", ("0409", "4888", "10"), "4-4-2"),
        ("50090-123-01", ("50090", "123", "01"), "5-3-2"),
        ("68180-0513-1", ("68180", "0513", "1"), "5-4-1"),
    ],
)
def test_a_hyphenated_ndc_is_read_into_its_three_segments_and_pattern(
    text: str, segments: tuple[str, str, str], pattern: Pattern
) -> None:
    ndc = NDC.parse(text)

    assert (ndc.labeler, ndc.product, ndc.package) == segments
    assert ndc.pattern == pattern
    assert str(ndc) == text


@pytest.mark.parametrize(
    ("ndc", "digits", "ndc11", "ndc11_hyphenated", "product_ndc"),
    [
        (HOSPIRA_442, "0409488810", "00409488810", "00409-4888-10", "0409-4888"),
        (EXAMPLE_532, "5009012301", "50090012301", "50090-0123-01", "50090-123"),
        (FRESENIUS_541, "6818005131", "68180051301", "68180-0513-01", "68180-0513"),
    ],
)
def test_each_pattern_pads_its_short_segment_for_the_11_digit_billing_form(
    ndc: NDC, digits: str, ndc11: str, ndc11_hyphenated: str, product_ndc: str
) -> None:
    forms = (ndc.digits, ndc.ndc11, ndc.ndc11_hyphenated, ndc.product_ndc)

    assert forms == (digits, ndc11, ndc11_hyphenated, product_ndc)


def test_surrounding_whitespace_is_ignored_when_parsing() -> None:
    text = "  0409-4888-10\t"

    ndc = NDC.parse(text)

    assert ndc == HOSPIRA_442


def test_from_digits_splits_ten_digits_by_the_given_pattern() -> None:
    digits = "6818005131"

    ndc = NDC.from_digits(digits, "5-4-1")

    assert ndc == FRESENIUS_541


def test_the_same_ten_digits_give_different_ndcs_under_different_patterns() -> None:
    digits = "0409488810"

    split = {pattern: str(NDC.from_digits(digits, pattern)) for pattern in PATTERNS}

    assert split == {"4-4-2": "0409-4888-10", "5-3-2": "04094-888-10", "5-4-1": "04094-8881-0"}


@pytest.mark.parametrize("digits", ["040948881", "04094888100", "04094888A0", ""])
def test_from_digits_needs_exactly_ten_digits(digits: str) -> None:
    with pytest.raises(InvalidNDC) as caught:
        NDC.from_digits(digits, "4-4-2")

    assert caught.value.reason == "expected exactly 10 digits"


# --- GTIN-14 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ndc", "gtin"),
    [
        (HOSPIRA_442, "00304094888101"),
        (EXAMPLE_532, "00350090123012"),
        (FRESENIUS_541, "00368180051312"),
    ],
)
def test_the_gtin14_is_indicator_03_the_ten_ndc_digits_and_a_check_digit(
    ndc: NDC, gtin: str
) -> None:
    built = ndc.gtin14()

    assert built == gtin
    assert built[:3] == "003"
    assert built[3:13] == ndc.digits
    assert validate_gtin14(built) == built


def test_the_packaging_indicator_is_the_first_digit_and_changes_the_check_digit() -> None:
    ndc = HOSPIRA_442

    case_gtin = ndc.gtin14(indicator=5)

    assert case_gtin == "50304094888106"


@pytest.mark.parametrize("indicator", [-1, 9, 10])
def test_a_packaging_indicator_outside_0_to_8_is_rejected(indicator: int) -> None:
    with pytest.raises(InvalidGTIN) as caught:
        HOSPIRA_442.gtin14(indicator=indicator)

    assert caught.value.field == "indicator"


def test_the_gs1_check_digit_of_the_worked_example_is_1() -> None:
    body = "0030409488810"

    check = gs1_check_digit(body)

    assert check == "1"


@pytest.mark.parametrize("digits", ["040948881", "00409488810", "04094888X0"])
def test_a_gtin_needs_the_ten_ndc_digits(digits: str) -> None:
    with pytest.raises(InvalidNDC):
        gtin14_from_ndc_digits(digits)


@pytest.mark.parametrize("ndc", [HOSPIRA_442, EXAMPLE_532, FRESENIUS_541])
def test_ndc_to_gtin_and_back_gives_the_ndc_digits_and_with_the_pattern_the_ndc(
    ndc: NDC,
) -> None:
    gtin = ndc.gtin14()

    digits = ndc_digits_from_gtin14(gtin)

    assert digits == ndc.digits
    assert NDC.from_digits(digits, ndc.pattern) == ndc


def test_the_ndc_digits_are_read_from_a_case_level_gtin_too() -> None:
    gtin = "50304094888106"

    digits = ndc_digits_from_gtin14(gtin)

    assert digits == "0409488810"


@pytest.mark.parametrize(
    "gtin",
    [
        "00012345678905",  # UPC-A 012345678905 as a GTIN-14: GS1 prefix 00, not 03
        "04012345678901",  # a German EAN-13 as a GTIN-14
    ],
)
def test_a_valid_gtin_that_is_not_ndc_based_is_rejected_with_its_prefix(gtin: str) -> None:
    assert validate_gtin14(gtin) == gtin

    with pytest.raises(InvalidGTIN) as caught:
        ndc_digits_from_gtin14(gtin)

    assert "not an NDC-based GTIN" in caught.value.reason
    assert f"digits 2-3 are {gtin[1:3]}" in caught.value.reason


@pytest.mark.parametrize(
    "gtin",
    ["0030409488810", "003040948881011", "", "0030409488810X", "00304O94888101"],
)
def test_a_gtin14_must_be_exactly_fourteen_digits(gtin: str) -> None:
    with pytest.raises(InvalidGTIN) as caught:
        validate_gtin14(gtin)

    assert caught.value.reason == "a GTIN-14 has exactly 14 digits"


def test_a_wrong_check_digit_is_rejected_naming_the_expected_digit() -> None:
    gtin = "00304094888102"

    with pytest.raises(InvalidGTIN) as caught:
        ndc_digits_from_gtin14(gtin)

    assert caught.value.reason == "check digit is 2, the GS1 check digit should be 1"
    assert caught.value.value == gtin


# --- the 11-digit billing form ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("ndc11", "expected"),
    [
        ("00409488810", HOSPIRA_442),
        ("50090012345", NDC("50090", "123", "45")),
        ("68180513101", NDC("68180", "5131", "1")),
    ],
)
def test_an_11_digit_ndc_with_one_possible_padding_zero_gives_the_10_digit_ndc(
    ndc11: str, expected: NDC
) -> None:
    ndc = NDC.from_ndc11(ndc11)

    assert ndc == expected
    assert ndc.ndc11 == ndc11


def test_a_hyphenated_11_digit_ndc_is_parsed_to_its_10_digit_form() -> None:
    text = "00409-4888-10"

    ndc = NDC.parse(text)

    assert ndc == HOSPIRA_442


@pytest.mark.parametrize(
    ("ndc11", "candidates"),
    [
        ("50090012301", ["50090-123-01", "50090-0123-1"]),
        ("68180051301", ["68180-513-01", "68180-0513-1"]),
        ("00409048801", ["0409-0488-01", "00409-488-01", "00409-0488-1"]),
    ],
)
def test_an_ambiguous_11_digit_ndc_is_rejected_naming_every_candidate(
    ndc11: str, candidates: list[str]
) -> None:
    assert [str(c) for c in ndc11_candidates(ndc11)] == candidates

    with pytest.raises(InvalidNDC) as caught:
        NDC.from_ndc11(ndc11)

    assert "ambiguous" in caught.value.reason
    assert caught.value.reason.endswith(", ".join(candidates))


def test_an_ambiguous_hyphenated_11_digit_ndc_is_rejected_by_parse_too() -> None:
    text = "68180-0513-01"

    with pytest.raises(InvalidNDC) as caught:
        NDC.parse(text)

    assert "68180-513-01" in str(caught.value)
    assert "68180-0513-1" in str(caught.value)


def test_an_11_digit_ndc_without_any_padding_zero_is_rejected() -> None:
    ndc11 = "12345678912"

    with pytest.raises(InvalidNDC) as caught:
        NDC.from_ndc11(ndc11)

    assert "padding zero" in caught.value.reason


@pytest.mark.parametrize("ndc11", ["0040948881", "004094888100", "0040948881A"])
def test_11_digit_candidates_need_exactly_11_digits(ndc11: str) -> None:
    with pytest.raises(InvalidNDC):
        ndc11_candidates(ndc11)


# --- rejected input --------------------------------------------------------------------------


def test_bare_ten_digits_are_rejected_with_a_reason_telling_to_hyphenate() -> None:
    text = "0409488810"

    with pytest.raises(InvalidNDC) as caught:
        NDC.parse(text)

    assert "no segment pattern" in caught.value.reason
    assert "hyphenated" in caught.value.reason
    assert caught.value.field == "ndc"
    assert caught.value.value == text


def test_bare_eleven_digits_are_rejected_by_parse_with_the_same_advice() -> None:
    text = "00409488810"

    with pytest.raises(InvalidNDC) as caught:
        NDC.parse(text)

    assert caught.value.reason.startswith("a 11-digit NDC without hyphens")
    assert "hyphenated" in caught.value.reason


@pytest.mark.parametrize(
    "text",
    [
        "0409-488-10",  # 4-3-2
        "409-4888-10",  # 3-4-2
        "0409-4888-1",  # 4-4-1
        "50090-12-01",  # 5-2-2
        "50090-123-1",  # 5-3-1
        "050090-123-01",  # 6-3-2
        "0409-4888-100",  # 4-4-3
        "0409-4888",  # two segments
        "0409-4888-10-1",  # four segments
        "0409--4888-10",
        "",
    ],
)
def test_wrong_segment_lengths_are_rejected(text: str) -> None:
    with pytest.raises(InvalidNDC) as caught:
        NDC.parse(text)

    assert caught.value.field == "ndc"


def test_constructing_an_ndc_with_wrong_segment_lengths_names_the_lengths() -> None:
    with pytest.raises(InvalidNDC) as caught:
        NDC("0409", "488", "10")

    assert caught.value.reason == "segments of 4-3-2 digits; an NDC is 4-4-2, 5-3-2 or 5-4-1"


@pytest.mark.parametrize("text", ["0409-48A8-10", "O409-4888-10", "0409-4888-1O", "abcd-efgh-ij"])
def test_letters_in_an_ndc_are_rejected(text: str) -> None:
    with pytest.raises(InvalidNDC):
        NDC.parse(text)


def test_constructing_an_ndc_with_a_letter_says_digits_only() -> None:
    with pytest.raises(InvalidNDC) as caught:
        NDC("0409", "48A8", "10")

    assert caught.value.reason == "an NDC has digits and hyphens only"


def test_ndc_errors_are_value_errors_in_the_rxsupply_tree() -> None:
    with pytest.raises(InvalidNDC) as caught:
        NDC.parse("not an ndc")

    assert isinstance(caught.value, InvalidValue)
    assert isinstance(caught.value, RxSupplyError)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "text",
    [
        "\uff10\uff14\uff10\uff19-4888-10",  # full-width 0409
        "\u0660\u0664\u0660\u0669-\u0664\u0668\u0668\u0668-\u0661\u0660",  # Arabic-Indic
    ],
)
def test_an_ndc_written_with_non_ascii_digits_is_rejected(text: str) -> None:
    with pytest.raises(InvalidNDC):
        NDC.parse(text)


def test_a_gtin_written_with_non_ascii_digits_is_rejected() -> None:
    gtin = "".join(chr(ord(c) - ord("0") + 0xFF10) for c in "00304094888101")  # full-width

    with pytest.raises(InvalidGTIN):
        validate_gtin14(gtin)


def test_ten_non_ascii_digits_are_no_lookup_key() -> None:
    text = "\u0660\u0664\u0660\u0669\u0664\u0668\u0668\u0668\u0661\u0660"

    with pytest.raises(InvalidNDC):
        ndc_lookup_key(text)


# --- lookup keys -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("0409-4888-10", ("ndc", "0409-4888-10")),
        ("50090-123-01", ("ndc", "50090-123-01")),
        ("68180-0513-1", ("ndc", "68180-0513-1")),
        (" 68180-0513-1 ", ("ndc", "68180-0513-1")),
        ("0409488810", ("digits10", "0409488810")),
        ("00409488810", ("ndc11", "00409488810")),
        ("00409-4888-10", ("ndc11", "00409488810")),
        ("68180-0513-01", ("ndc11", "68180051301")),  # ambiguous as an NDC, fine as a key
        ("12345678912", ("ndc11", "12345678912")),
    ],
)
def test_the_lookup_key_says_how_to_find_a_product_for_every_written_form(
    text: str, key: tuple[str, str]
) -> None:
    found = ndc_lookup_key(text)

    assert found == key


@pytest.mark.parametrize(
    "text",
    ["0409-488-10", "0409-48A8-10", "040948881", "004094888100", "04094888A0", "", "ndc"],
)
def test_the_lookup_key_rejects_text_that_is_no_form_of_an_ndc(text: str) -> None:
    with pytest.raises(InvalidNDC):
        ndc_lookup_key(text)


# --- properties ------------------------------------------------------------------------------


@st.composite
def ndcs(draw: st.DrawFn) -> NDC:
    pattern = draw(st.sampled_from(sorted(PATTERNS)))
    digits = draw(st.text(alphabet="0123456789", min_size=10, max_size=10))
    return NDC.from_digits(digits, pattern)


@settings(max_examples=200, deadline=None)
@given(ndc=ndcs())
def test_parsing_the_printed_form_gives_the_same_ndc(ndc: NDC) -> None:
    parsed = NDC.parse(str(ndc))

    assert parsed == ndc
    assert parsed.pattern == ndc.pattern


@settings(max_examples=200, deadline=None)
@given(ndc=ndcs())
def test_the_billing_form_candidates_always_contain_the_ndc(ndc: NDC) -> None:
    candidates = ndc11_candidates(ndc.ndc11)

    assert ndc in candidates
    assert all(c.ndc11 == ndc.ndc11 for c in candidates)


@settings(max_examples=200, deadline=None)
@given(ndc=ndcs(), indicator=st.integers(min_value=0, max_value=8))
def test_every_gtin14_has_a_valid_check_digit_and_gives_back_the_ndc_digits(
    ndc: NDC, indicator: int
) -> None:
    gtin = ndc.gtin14(indicator=indicator)

    assert len(gtin) == 14
    assert validate_gtin14(gtin) == gtin
    assert ndc_digits_from_gtin14(gtin) == ndc.digits


@settings(max_examples=300, deadline=None)
@given(
    ndc=ndcs(),
    indicator=st.integers(min_value=0, max_value=8),
    position=st.integers(min_value=0, max_value=13),
    shift=st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_change_of_a_gtin14_is_caught_by_the_check_digit(
    ndc: NDC, indicator: int, position: int, shift: int
) -> None:
    gtin = ndc.gtin14(indicator=indicator)
    changed = str((int(gtin[position]) + shift) % 10)
    typo = gtin[:position] + changed + gtin[position + 1 :]

    with pytest.raises(InvalidGTIN):
        validate_gtin14(typo)
