"""NDCs read out of the FDA shortage list's presentation texts: each package once, in the
11-digit 5-4-2 form when its segment pattern is known, by its 10 digits when it is not.

The presentations are copied from ``../shared/data/fda-shortages`` as the FDA wrote them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rxsupply.domain.ndc import NDC, PATTERNS
from rxsupply.domain.ndc_text import ndcs_in_text

REAL = [
    # (presentation as published, its NDCs: the 11-digit form, else "d" + the 10 digits)
    ("Tablet, 400 mg/1 (NDC 60505-5306-1)", ["60505530601"]),  # 5-4-1, 2024 export
    ("2mg/mL (NDC 57894-200-01)", ["57894020001"]),  # 5-3-2, 2019
    (
        "Acyclovir Ointment 5% 15gram Tube, Ointment, 5% 15gram (NDC 0378-8700-06)",
        ["00378870006"],  # 4-4-2, 2025
    ),
    (
        "125 mg/5 mL powder for suspension (NDCs 0093-4150-73, 0093-4150-79 and 0093-4150-80)",
        ["00093415073", "00093415079", "00093415080"],
    ),
    ("15 mg, 30 count bottle (NDC: 0591-4380-30)", ["00591438030"]),  # "NDC:"
    ("12.5mg, 30 Tablets (NDC 45802-0103-65)", ["45802010365"]),  # already 5-4-2
    ("250mg, 120 count (NDC 65862024508)", ["65862024508"]),  # 11 bare digits
    ("CARBIDOPA & LEVODOPA ER TABLETS 50MG/200MG 100CT; (NDC 1672907901)", ["d1672907901"]),
    ("0.5 mg 100 count bottle (NDC 0781-13-9101)", ["d0781139101"]),  # hyphens misplaced
    (
        "Marcaine Spinal 15 mg/2 mL (7.5 mg/mL); Glass Ampul (NDC 00409- 1761-02)",
        ["00409176102"],  # a space after a hyphen
    ),
    ("25 mg bottles of 500 (NDC NDC 69097-148-12)", ["69097014812"]),
    (
        "Iohexol (Omnipaque) NDC (0407-1414-98), 350 mg/1 mL, OMNIPAQUE INJECTION",
        ["00407141498"],
    ),
    (
        "PREMASOL - sulfite-free (Amino Acid) Injection. Product Codes: 2B0009 10% 1000 mL "
        "(NDC 0338-1130-04), 2B0010 10% 2000 mL (NDC 0338-1130-06), 2B0012 10% 500 mL "
        "(NDC 0338-1130-03)",
        ["00338113004", "00338113006", "00338113003"],  # a record that went on in 3 rows
    ),
    ("Case (61703-422-83)\xa0 (NDC 61703-422-83)", ["61703042283"]),  # one package, once
    ("16.2mg/60 mg suppository (NDC: 0574-7040)", []),  # a product NDC: no package
    ("500mg per 50ml (NDC 250-21-608-50)", []),  # four segments
    ("CLINIMIX sulfite-free (Amino Acid in Dextrose) Injection in CLARITY Container", []),
]


@pytest.mark.parametrize(("text", "expected"), REAL, ids=[t[:40] for t, _ in REAL])
def test_the_ndcs_of_a_real_presentation(text: str, expected: list[str]) -> None:
    found = ndcs_in_text(text)

    assert [n.key for n in found] == expected


def test_a_five_four_two_ndc_keeps_its_ten_digits_only_when_one_segment_is_padded() -> None:
    (unique,) = ndcs_in_text("(NDC 45802-0103-65)")
    (ambiguous,) = ndcs_in_text("(NDC 00409-1761-02)")

    assert (str(unique.ndc), unique.digits10) == ("45802-103-65", "4580210365")
    # 0409-1761-02 or 00409-1761-2: the billing form alone is known
    assert (ambiguous.ndc, ambiguous.ndc11, ambiguous.digits10) == (None, "00409176102", None)


def test_a_phone_number_a_date_and_a_lot_are_no_ndc() -> None:
    text = "Call 800-706-5575 (7:00 am - 6:00 pm CST); lot 2B6186, expires 2025-10-03"

    assert ndcs_in_text(text) == []


segment = st.text(alphabet="0123456789", min_size=1, max_size=5)


@st.composite
def ndcs(draw: st.DrawFn) -> NDC:
    pattern = draw(st.sampled_from(sorted(PATTERNS)))
    a, b, _ = PATTERNS[pattern]
    digits = draw(st.text(alphabet="0123456789", min_size=10, max_size=10))
    return NDC(digits[:a], digits[a : a + b], digits[a + b :])


filler = st.text(alphabet=st.characters(blacklist_characters="0123456789-"), max_size=30)


@given(ndc=ndcs(), before=filler, after=filler, billing=st.booleans())
def test_any_ndc_written_in_any_text_is_found_with_its_billing_form(
    ndc: NDC, before: str, after: str, billing: bool
) -> None:
    written = ndc.ndc11_hyphenated if billing else str(ndc)

    found = ndcs_in_text(f"{before} (NDC {written}){after}")

    assert [n.ndc11 for n in found] == [ndc.ndc11]
    if not billing:
        assert found[0].ndc == ndc and found[0].digits10 == ndc.digits


@given(ndc=ndcs(), first=ndcs())
def test_two_ndcs_are_found_in_order_and_the_same_package_once(ndc: NDC, first: NDC) -> None:
    text = f"(NDCs {first} and {ndc}; case NDC {first.ndc11})"

    found = [n.ndc11 for n in ndcs_in_text(text)]

    assert found == list(dict.fromkeys([first.ndc11, ndc.ndc11]))
