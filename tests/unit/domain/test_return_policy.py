"""The return policy rule: the window edges, partial packages, categories and the credit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rxsupply.domain.return_policy import (
    LotFacts,
    PartialRule,
    Returnability,
    ReturnPolicy,
    classify,
    parse_share,
    shift_months,
)
from rxsupply.domain.status import StockStatus
from rxsupply.errors import InvalidValue

EXPIRY = date(2027, 6, 15)
POLICY = ReturnPolicy(labeler="Acme", months_before=6, months_after=12)


def lot(quantity: int = 20, size: int = 10, **kw: object) -> LotFacts:
    facts: dict[str, object] = {
        "expiry": EXPIRY,
        "quantity": quantity,
        "package_size": size,
        "package_price": Decimal("50.00"),
        "price_basis": "WAC",
    }
    return LotFacts(**(facts | kw))  # type: ignore[arg-type]


def test_a_month_is_counted_on_the_calendar_and_clamped_to_a_shorter_month() -> None:
    assert shift_months(date(2027, 3, 31), -1) == date(2027, 2, 28)
    assert shift_months(date(2028, 3, 31), -1) == date(2028, 2, 29)
    assert shift_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert shift_months(date(2027, 6, 15), -6) == date(2026, 12, 15)
    assert shift_months(date(2027, 6, 15), 12) == date(2028, 6, 15)


def test_the_day_before_the_window_opens_a_lot_is_returnable_later_from_the_first_day() -> None:
    found = classify(lot(), POLICY, date(2026, 12, 14))

    assert found.returnability is Returnability.LATER
    assert found.returnable_from == date(2026, 12, 15)


def test_on_the_first_day_of_the_window_a_lot_is_returnable_now() -> None:
    found = classify(lot(), POLICY, date(2026, 12, 15))

    assert found.returnability is Returnability.NOW
    assert found.returnable_from == date(2026, 12, 15)


def test_on_the_last_day_of_the_window_a_lot_is_still_returnable_now() -> None:
    found = classify(lot(), POLICY, date(2028, 6, 15))

    assert found.returnability is Returnability.NOW


def test_the_day_after_the_window_a_lot_is_never_returnable_and_says_when_it_closed() -> None:
    found = classify(lot(), POLICY, date(2028, 6, 16))

    assert found.returnability is Returnability.NEVER
    assert found.returnable_from is None
    assert "closed on 2028-06-15" in found.reason
    assert found.expected_credit == 0


def test_the_expected_credit_is_the_credit_share_of_the_price_of_the_units() -> None:
    policy = ReturnPolicy(
        labeler="Acme", months_before=6, months_after=12, credit_share=Decimal("0.9")
    )

    found = classify(lot(quantity=30, size=10), policy, date(2027, 7, 1))

    assert found.expected_credit == Decimal("135.00")  # 3 packages x 50.00 x 0.9
    assert "90% of WAC" in found.reason


def test_full_only_credits_the_full_packages_and_leaves_the_opened_one() -> None:
    found = classify(lot(quantity=27, size=10), POLICY, date(2027, 7, 1))

    assert found.credited_units == 20
    assert found.expected_credit == Decimal("100.00")
    assert "opened package of 7 of 10 units is not accepted" in found.reason


def test_full_only_refuses_a_lot_that_is_only_an_opened_package() -> None:
    found = classify(lot(quantity=7, size=10), POLICY, date(2027, 7, 1))

    assert found.returnability is Returnability.NEVER
    assert found.reason.startswith("An opened package of 7 of 10 units")


def test_exact_count_credits_every_unit_counted() -> None:
    policy = ReturnPolicy(
        labeler="Acme", months_before=6, months_after=12, partial=PartialRule.EXACT_COUNT
    )

    found = classify(lot(quantity=7, size=10), policy, date(2027, 7, 1))

    assert found.returnability is Returnability.NOW
    assert found.expected_credit == Decimal("35.00")


@pytest.mark.parametrize(("units", "credited"), [(4, 0), (5, 5), (6, 6)])
def test_min_fill_credits_an_opened_package_only_at_or_above_its_share(
    units: int, credited: int
) -> None:
    policy = ReturnPolicy(
        labeler="Acme",
        months_before=6,
        months_after=12,
        partial=PartialRule.MIN_FILL,
        min_fill=Decimal("0.5"),
    )

    found = classify(lot(quantity=units, size=10), policy, date(2027, 7, 1))

    assert found.credited_units == credited
    assert (found.returnability is Returnability.NEVER) == (credited == 0)


def test_an_excluded_category_is_never_returnable_and_says_which() -> None:
    policy = ReturnPolicy(
        labeler="Acme", months_before=6, months_after=12, excluded=frozenset({"refrigerated"})
    )

    found = classify(lot(categories=frozenset({"refrigerated"})), policy, date(2027, 7, 1))

    assert found.returnability is Returnability.NEVER
    assert found.reason == "Acme takes no refrigerated products back"


def test_a_lot_without_a_policy_or_an_expiry_is_never_returnable() -> None:
    assert classify(lot(), None, date(2027, 7, 1)).reason == "no return policy for the labeler"
    assert classify(lot(expiry=None), POLICY, date(2027, 7, 1)).returnability == "never"


def test_a_lot_without_a_price_is_returnable_with_its_credit_unknown() -> None:
    found = classify(lot(package_price=None), POLICY, date(2027, 7, 1))

    assert found.returnability is Returnability.NOW
    assert found.expected_credit == 0
    assert "no price on record" in found.reason


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"months_before": 37}, "months_before"),
        ({"months_after": -1}, "months_after"),
        ({"credit_share": Decimal("1.1")}, "credit_share"),
        ({"partial": PartialRule.MIN_FILL}, "min_fill"),
        ({"min_fill": Decimal("0.5")}, "min_fill"),
        ({"excluded": frozenset({"sewer"})}, "excluded"),
        ({"labeler": " "}, "labeler"),
    ],
)
def test_a_policy_out_of_bounds_is_refused_naming_its_field(
    changes: dict[str, object], field: str
) -> None:
    base: dict[str, object] = {"labeler": "Acme", "months_before": 6, "months_after": 12}

    with pytest.raises(InvalidValue) as caught:
        ReturnPolicy(**(base | changes))  # type: ignore[arg-type]

    assert caught.value.field == field


def test_a_window_past_the_last_day_of_the_calendar_ends_there() -> None:
    assert shift_months(date(9999, 12, 31), 12) == date(9999, 12, 31)
    assert shift_months(date(1, 1, 15), -1) == date(1, 1, 1)


def test_a_lot_expiring_on_the_last_day_of_the_calendar_is_classified() -> None:
    found = classify(lot(expiry=date(9999, 12, 31)), POLICY, date(2027, 7, 1))

    assert found.returnability is Returnability.LATER
    assert found.returnable_until == date(9999, 12, 31)


@pytest.mark.parametrize("share", [Decimal("0.00004"), Decimal("1e-30"), Decimal(0)])
def test_a_share_that_rounds_below_one_ten_thousandth_is_refused(share: Decimal) -> None:
    with pytest.raises(InvalidValue) as caught:
        ReturnPolicy(labeler="Acme", months_before=6, months_after=12, credit_share=share)
    with pytest.raises(InvalidValue) as fill:
        ReturnPolicy(
            labeler="Acme",
            months_before=6,
            months_after=12,
            partial=PartialRule.MIN_FILL,
            min_fill=share,
        )

    assert (caught.value.field, fill.value.field) == ("credit_share", "min_fill")


def test_a_share_is_kept_to_four_decimal_places() -> None:
    policy = ReturnPolicy(
        labeler="Acme", months_before=6, months_after=12, credit_share=Decimal("0.123456")
    )

    assert policy.credit_share == Decimal("0.1235")


@pytest.mark.parametrize("text", ["1e99999999", "1e99999999%", "-1e-99999999", "NaN", "0.00004"])
def test_a_share_typed_out_of_range_is_refused_not_overflowed(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_share(text, "credit_share")

    assert caught.value.field == "credit_share"


def test_partial_packages_are_counted_at_each_place_not_on_the_lot_total() -> None:
    # 7 + 8 units in two places: no full package of 10 anywhere, though 15 make one overall
    found = classify(lot(quantity=15, size=10, places=(7, 8)), POLICY, date(2027, 7, 1))

    assert found.returnability is Returnability.NEVER
    assert found.reason.startswith("Opened packages of 7 and 8 of 10 units")


def test_full_packages_in_each_place_are_credited_and_the_opened_ones_left() -> None:
    found = classify(lot(quantity=33, size=10, places=(20, 13)), POLICY, date(2027, 7, 1))

    assert found.credited_units == 30
    assert found.expected_credit == Decimal("150.00")


def test_a_suspect_lot_is_never_returnable_whatever_its_policy() -> None:
    found = classify(lot(status=StockStatus.SUSPECT), POLICY, date(2027, 7, 1))

    assert found.returnability is Returnability.NEVER
    assert found.reason == "suspect product: hold for investigation (DSCSA)"
    assert found.expected_credit == 0


def test_a_recalled_lot_is_returnable_now_under_the_recall_outside_its_window() -> None:
    found = classify(lot(quantity=27, size=10, status=StockStatus.RECALLED), None, date(2026, 1, 1))

    assert found.returnability is Returnability.NOW
    assert found.reason.startswith("recalled: return under the firm's recall instructions")
    assert found.credited_units == 27
    assert found.expected_credit == Decimal("135.00")  # 27 units of 10 at 50.00, in full


def test_a_quarantined_lot_keeps_its_policy_classification() -> None:
    found = classify(lot(status=StockStatus.QUARANTINED), POLICY, date(2026, 12, 14))

    assert found.returnability is Returnability.LATER
