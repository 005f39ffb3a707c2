"""Same drug or not: the same ingredients (a salt or a case written on one side only still
matches), a strength in common (normalised) and a dosage form family in common; and the
therapeutic alternatives' conversion ratio."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rxsupply.domain.alternatives import (
    item_shape,
    parse_ratio,
    product_shape,
    same_drug,
    search_words,
)
from rxsupply.errors import InvalidValue

ONDANSETRON_VIAL = product_shape(
    generic_name="ondansetron",
    strength="4 mg/2 mL",
    dosage_form="INJECTION, SOLUTION",
    route="INTRAVENOUS",
)


@pytest.mark.parametrize(
    "generic",
    ["Ondansetron Hydrochloride", "ONDANSETRON", "ondansetron hydrochloride dihydrate"],
)
def test_a_salt_or_the_case_written_on_one_side_only_is_the_same_ingredient(generic: str) -> None:
    other = product_shape(
        generic_name=generic, strength="2 mg/mL", dosage_form="INJECTION", route="INTRAMUSCULAR"
    )

    assert same_drug(ONDANSETRON_VIAL, other)


def test_a_concentration_written_per_volume_or_per_ml_is_the_same_strength() -> None:
    per_ml = product_shape(
        generic_name="ondansetron", strength="2 mg/mL", dosage_form="INJECTION, SOLUTION"
    )

    assert same_drug(ONDANSETRON_VIAL, per_ml)
    assert "2mg/ml" in ONDANSETRON_VIAL.strengths


@pytest.mark.parametrize(
    ("generic", "strength", "form", "why"),
    [
        ("ondansetron", "4 mg", "TABLET, ORALLY DISINTEGRATING", "another form"),
        ("ondansetron", "32 mg/50 mL", "INJECTION, SOLUTION", "another strength"),
        ("granisetron hydrochloride", "1 mg/mL", "INJECTION, SOLUTION", "another ingredient"),
        ("ondansetron; dexamethasone", "2 mg/mL", "INJECTION", "a combination"),
    ],
)
def test_another_form_strength_or_ingredient_is_not_the_same_drug(
    generic: str, strength: str, form: str, why: str
) -> None:
    other = product_shape(generic_name=generic, strength=strength, dosage_form=form)

    assert not same_drug(ONDANSETRON_VIAL, other), why


def test_ketorolac_tromethamine_is_not_tromethamine() -> None:
    ketorolac = product_shape(generic_name="ketorolac tromethamine", strength="30 mg/mL")
    buffer = product_shape(generic_name="tromethamine", strength="30 mg/mL")

    assert not same_drug(ketorolac, buffer)


def test_an_item_without_product_details_falls_back_on_its_name() -> None:
    shape = item_shape("morphine 2 mg/mL 1 mL syringe", [])

    other = product_shape(
        generic_name="Morphine Sulfate", strength="2 mg/mL", dosage_form="INJECTION, SOLUTION"
    )

    assert same_drug(shape, other)
    assert search_words(shape) == ["morphine"]


def test_a_product_without_a_generic_name_is_read_from_its_name() -> None:
    shape = product_shape(generic_name="", name="Ondansetron 2 mg/mL injection vial")

    assert same_drug(ONDANSETRON_VIAL, shape)


@pytest.mark.parametrize(
    ("text", "ratio"),
    [("0.25", Decimal("0.25")), (" 10 ", Decimal("10")), ("6.6667", Decimal("6.6667")), ("", None)],
)
def test_a_ratio_is_a_positive_number_of_at_most_four_decimals(
    text: str, ratio: Decimal | None
) -> None:
    assert parse_ratio(text) == ratio


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0", "above zero"),
        ("-0.5", "above zero"),
        ("1:4", "not a number"),
        ("0.12345", "at most 4 decimal places"),
        ("NaN", "above zero"),
        ("1e9", "below"),
    ],
)
def test_a_ratio_that_is_not_one_says_why(text: str, reason: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_ratio(text)

    assert refused.value.field == "ratio" and reason in refused.value.reason
