"""Package sizes from FDA PACKAGEDESCRIPTION text (examples are real NDC Directory rows)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rxsupply.domain.package import (
    PackageSize,
    is_countable_unit,
    normalise_unit,
    parse_package_description,
)
from rxsupply.errors import InvalidValue


def test_a_vial_in_a_carton_is_dispensed_as_one_vial() -> None:
    text = "1 VIAL in 1 CARTON (0002-0800-01)  > 10 mL in 1 VIAL"

    size = parse_package_description(text)

    assert size == PackageSize(size=1, dispense_unit="VIAL", outer_unit="CARTON")


def test_a_tray_of_vials_is_dispensed_as_vials() -> None:
    text = "25 VIAL in 1 TRAY > 2 mL in 1 VIAL"

    size = parse_package_description(text)

    assert size == PackageSize(size=25, dispense_unit="VIAL", outer_unit="TRAY")


def test_a_bottle_of_film_coated_tablets_is_dispensed_as_tablets() -> None:
    text = "100 TABLET, FILM COATED in 1 BOTTLE (0093-0058-01) "

    size = parse_package_description(text)

    assert size == PackageSize(size=100, dispense_unit="TABLET", outer_unit="BOTTLE")


def test_blister_packs_in_a_carton_multiply_into_tablets() -> None:
    text = "10 BLISTER PACK in 1 CARTON (x) > 10 TABLET in 1 BLISTER PACK (y)"

    size = parse_package_description(text)

    assert size == PackageSize(size=100, dispense_unit="TABLET", outer_unit="CARTON")


def test_a_bottle_of_liquid_in_a_carton_is_dispensed_as_the_bottle() -> None:
    text = "1 BOTTLE in 1 CARTON > 473 mL in 1 BOTTLE"

    size = parse_package_description(text)

    assert size == PackageSize(size=1, dispense_unit="BOTTLE", outer_unit="CARTON")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # single-dose vials on a tray; the qualifier goes, the vial stays
        (
            "25 VIAL, SINGLE-DOSE in 1 TRAY (0409-4888-10)  > 10 mL in 1 VIAL, SINGLE-DOSE "
            "(0409-4888-02) ",
            (25, "VIAL", "TRAY"),
        ),
        # three countable levels: cartons of bags in a package
        (
            "2 CARTON in 1 PACKAGE (0009-3375-02)  > 12 BAG in 1 CARTON > 50 mL in 1 BAG "
            "(0009-3375-01) ",
            (24, "BAG", "PACKAGE"),
        ),
        # a patch holds hours or days of drug: time is a measure
        (
            "8 POUCH in 1 BOX (0023-5885-12)  > 1 PATCH in 1 POUCH > 3.5 d in 1 PATCH",
            (8, "PATCH", "BOX"),
        ),
        # lyophilised powder is not counted: the vial is the unit
        (
            "10 VIAL in 1 CARTON (44567-708-10)  > 1 INJECTION, POWDER, FOR SOLUTION in 1 VIAL",
            (10, "VIAL", "CARTON"),
        ),
        # metered actuations are doses inside the inhaler
        (
            "1 INHALER in 1 CARTON (0037-7590-12)  > 120 AEROSOL, METERED in 1 INHALER",
            (1, "INHALER", "CARTON"),
        ),
        # a homeopathic strength unit is a measure
        (
            "1 BOTTLE, SPRAY in 1 BOX (67858-698-02)  > 1 [hp_X] in 1 BOTTLE, SPRAY "
            "(67858-698-01) ",
            (1, "BOTTLE", "BOX"),
        ),
        # litres are the one upper-case measure
        ("21 L in 1 DEWAR (10006-001-12) ", (1, "DEWAR", "DEWAR")),
        # a decimal measure at the top level
        ("226.8 g in 1 JAR (0067-2067-08) ", (1, "JAR", "JAR")),
        # the inner NDC printed twice
        (
            "12 PACKET in 1 BOX (0924-5603-04)  > .5 g in 1 PACKET (0924-5603-01)  (0924-5603-01) ",
            (12, "PACKET", "BOX"),
        ),
        # a kit lists unlike parts after '*': the kit is the unit
        (
            "1 KIT in 1 CARTON (0024-5151-75)  *  5 mL in 1 AMPULE *  5 mL in 1 VIAL, SINGLE-USE",
            (1, "KIT", "CARTON"),
        ),
        (
            "2 KIT in 1 CARTON (0074-0243-71)  > 1 KIT in 1 KIT *  1 SYRINGE in 1 TRAY > "
            ".4 mL in 1 SYRINGE *  1 mL in 1 PACKET",
            (2, "KIT", "CARTON"),
        ),
        # four levels deep
        (
            "16 BOX in 1 CASE (0404-1000-01)  > 12 TUBE in 1 BOX (0404-1000-02)  > "
            "100 STICK in 1 TUBE (0404-1000-03) ",
            (19200, "STICK", "CASE"),
        ),
        (
            "10 CARTRIDGE in 1 CARTON (0409-1890-01)  > 1 mL in 1 CARTRIDGE",
            (10, "CARTRIDGE", "CARTON"),
        ),
    ],
)
def test_real_descriptions_give_the_innermost_countable_unit(
    text: str, expected: tuple[int, str, str]
) -> None:
    size = parse_package_description(text)

    assert (size.size, size.dispense_unit, size.outer_unit) == expected


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [
        ("", "blank"),
        ("   ", "blank"),
        # half a blister pack
        (
            "2.5 BLISTER PACK in 1 PACKAGE, COMBINATION (11523-4328-7)  > 10 TABLET, CHEWABLE in "
            "1 BLISTER PACK",
            "positive whole count",
        ),
        ("0 TABLET in 1 BOTTLE (35356-822-00) ", "positive whole count"),
        (".00001 CAPSULE, DELAYED RELEASE in 1 CUP (68151-3088-8) ", "positive whole count"),
        # a level with no unit
        (
            "24 PACKET in 1 BOX (35418-232-70)  > 2 TABLET in 1 PACKET (35418-232-02)  > 125  in "
            "1 CARTON (35418-232-67) ",
            "does not read",
        ),
        # a description that starts with a kit part
        (" *  1 TUBE in 1 KIT > 118 mL in 1 TUBE (59088-333-08) ", "no '<count>"),
        ("1 BOTTLE in 1 CARTON > 100 TABLET in 1 JAR", "level 2 is in a JAR"),
        ("100 TABLET in 2 BOTTLE", "expected 'in 1 <container>'"),
        ("a bottle of pills", "does not read"),
        ("10 mL in 1 INJECTION", "not countable"),
    ],
)
def test_unreadable_descriptions_are_rejected_naming_the_field(text: str, reason_part: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_package_description(text)

    assert caught.value.field == "PACKAGEDESCRIPTION"
    assert reason_part in caught.value.reason


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("TABLET, FILM COATED", "TABLET"),
        ("VIAL, MULTI-DOSE", "VIAL"),
        ("SYRINGE, GLASS", "SYRINGE"),
        ("BLISTER  PACK", "BLISTER PACK"),
        ("mL", "mL"),
        ("[iU]", "[iU]"),
    ],
)
def test_units_are_normalised_to_the_base_word(raw: str, normalised: str) -> None:
    assert normalise_unit(raw) == normalised


@pytest.mark.parametrize(
    ("unit", "countable"),
    [
        ("TABLET", True),
        ("CAPSULE, EXTENDED RELEASE", True),
        ("AMPULE", True),
        ("SUPPOSITORY", True),
        ("mL", False),
        ("L", False),
        ("mcg", False),
        ("[iU]", False),
        ("[hp_C]", False),
        ("SPRAY, METERED", False),
        ("INJECTION, POWDER, LYOPHILIZED, FOR SOLUTION", False),
        ("SOLUTION/ DROPS", False),
    ],
)
def test_countable_units_are_pieces_and_measures_are_not(unit: str, countable: bool) -> None:
    assert is_countable_unit(unit) is countable


_COUNTABLE = [
    "TABLET",
    "TABLET, FILM COATED",
    "CAPSULE",
    "VIAL",
    "VIAL, SINGLE-DOSE",
    "AMPULE",
    "SYRINGE, GLASS",
    "BAG",
    "PATCH",
    "SUPPOSITORY",
    "BLISTER PACK",
    "CARTRIDGE",
    "POUCH",
]
_CONTAINERS = ["CARTON", "BOX", "BOTTLE", "TRAY", "CASE", "PACKAGE"]
_MEASURES = ["mL", "g", "L", "mg", "[iU]", "h"]


@settings(deadline=None)
@given(
    n1=st.integers(min_value=1, max_value=10_000),
    u1=st.sampled_from(_COUNTABLE),
    c1=st.sampled_from(_CONTAINERS),
    n2=st.integers(min_value=1, max_value=10_000),
    u2=st.sampled_from(_COUNTABLE),
)
def test_two_countable_levels_multiply_their_counts(
    n1: int, u1: str, c1: str, n2: int, u2: str
) -> None:
    text = f"{n1} {u1} in 1 {c1} (0000-0000-01)  > {n2} {u2} in 1 {u1}"

    size = parse_package_description(text)

    assert size == PackageSize(
        size=n1 * n2, dispense_unit=normalise_unit(u2), outer_unit=normalise_unit(c1)
    )


@settings(deadline=None)
@given(
    n1=st.integers(min_value=1, max_value=10_000),
    u1=st.sampled_from(_COUNTABLE),
    c1=st.sampled_from(_CONTAINERS),
    amount=st.decimals(min_value="0.01", max_value="5000", places=2),
    measure=st.sampled_from(_MEASURES),
)
def test_a_measure_inside_a_countable_unit_leaves_the_count_alone(
    n1: int, u1: str, c1: str, amount: Decimal, measure: str
) -> None:
    text = f"{n1} {u1} in 1 {c1} > {amount} {measure} in 1 {u1}"

    size = parse_package_description(text)

    assert size == PackageSize(size=n1, dispense_unit=normalise_unit(u1), outer_unit=c1)
