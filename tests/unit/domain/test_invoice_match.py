"""The three-way match: an invoice line against its order line's price and what that line
received, each variance beyond its tolerance named, and money to the cent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rxsupply.domain.purchasing import LineStatus, OrderLine
from rxsupply.domain.shipping import Invoice, InvoiceLine, MatchStatus, Tolerance, match_invoice


def ordered(received: int, *, status: LineStatus = LineStatus.OPEN) -> OrderLine:
    return OrderLine(
        line_number=1,
        product_id=7,
        ndc="98765-401-02",
        item_code="ONDA4INJ",
        item_name="ondansetron",
        package_size=25,
        packages=10,
        package_price=Decimal("15.0000"),
        received_packages=received,
        status=status,
    )


def billed(packages: int, price: str, product_id: int | None = 7) -> Invoice:
    line = InvoiceLine(
        line_number=1,
        ndc="98765040102",
        packages=packages,
        unit_price=Decimal(price),
        product_id=product_id,
    )
    return Invoice(
        number="INV1",
        invoice_date=date(2026, 11, 21),
        po_number="PO000012",
        sender="W",
        total=line.extended,
        lines=[line],
    )


@pytest.mark.parametrize(
    ("packages", "price", "received", "tolerance", "status"),
    [
        (10, "15.00", 10, Tolerance(), MatchStatus.MATCHED),
        (10, "15.30", 10, Tolerance(), MatchStatus.PRICE_VARIANCE),
        (10, "15.30", 10, Tolerance(Decimal(2)), MatchStatus.MATCHED),  # 0.30 is 2% of 15.00
        (10, "15.31", 10, Tolerance(Decimal(2)), MatchStatus.PRICE_VARIANCE),
        (10, "15.00", 8, Tolerance(), MatchStatus.QUANTITY_VARIANCE),
        (10, "15.00", 8, Tolerance(packages=2), MatchStatus.MATCHED),
        (10, "14.00", 8, Tolerance(), MatchStatus.BOTH),
    ],
)
def test_a_line_is_matched_or_names_its_variance_beyond_the_tolerance(
    packages: int, price: str, received: int, tolerance: Tolerance, status: MatchStatus
) -> None:
    match = match_invoice(billed(packages, price), [ordered(received)], tolerance)

    assert match.lines[0].status is status
    assert match.status is status


def test_the_variances_are_per_package_extended_and_in_money() -> None:
    (line,) = match_invoice(billed(10, "15.75"), [ordered(8)]).lines

    assert line.price_variance == Decimal("0.75")
    assert line.extended_price_variance == Decimal("7.50")
    assert (line.quantity_variance, line.quantity_variance_value) == (2, Decimal("31.50"))
    assert line.invoiced == Decimal("157.50")


def test_a_product_the_order_lacks_or_cancelled_is_not_ordered() -> None:
    unknown = match_invoice(billed(1, "15.00", product_id=None), [ordered(0)])
    cancelled = match_invoice(billed(1, "15.00"), [ordered(0, status=LineStatus.CANCELLED)])

    assert unknown.status is cancelled.status is MatchStatus.NOT_ORDERED
    assert unknown.lines[0].price_variance == Decimal(0)


def numbered(number: str, packages: int, price: str = "15.00") -> Invoice:
    bill = billed(packages, price)
    bill.number = number
    return bill


def test_packages_an_earlier_invoice_billed_are_a_quantity_variance_naming_it() -> None:
    first = numbered("INV1", 10)

    again = match_invoice(numbered("INV2", 10), [ordered(10)], earlier=[first])

    (line,) = again.lines
    assert again.status is MatchStatus.QUANTITY_VARIANCE
    assert (line.billed_before, line.billed_on, line.quantity_variance) == (10, ("INV1",), 10)
    assert line.quantity_variance_value == Decimal("150.00")
    assert line.note == "10 of the 10 packages received billed already on INV1"
    assert match_invoice(first, [ordered(10)]).status is MatchStatus.MATCHED


def test_a_second_invoice_for_the_rest_of_what_was_received_is_matched() -> None:
    first = numbered("INV1", 6)

    rest = match_invoice(numbered("INV2", 4), [ordered(10)], earlier=[first])

    assert rest.status is MatchStatus.MATCHED
    assert (rest.lines[0].quantity_variance, rest.lines[0].note) == (0, "")


def test_two_lines_of_one_invoice_billing_the_same_packages_count_once() -> None:
    bill = billed(10, "15.00")
    bill.lines.append(
        InvoiceLine(line_number=2, ndc="98765040102", packages=10, unit_price=Decimal("15.00"),
                    product_id=7)
    )  # fmt: skip

    first, second = match_invoice(bill, [ordered(10)]).lines

    assert first.status is MatchStatus.MATCHED
    assert second.status is MatchStatus.QUANTITY_VARIANCE
    assert second.billed_on == ("INV1 line 1",)


def test_packages_billed_beyond_those_received_earlier_are_not_counted_twice() -> None:
    over = numbered("INV1", 12)

    (line,) = match_invoice(numbered("INV2", 10), [ordered(10)], earlier=[over]).lines

    assert (line.unbilled_packages, line.quantity_variance) == (0, 10)
