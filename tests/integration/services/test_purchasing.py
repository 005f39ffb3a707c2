"""Purchasing on each database: the storeroom's suggested order (items at or below their
reorder point, up to their order-up-to level, in whole packages of the best eligible price,
one draft per wholesaler), a Schedule II line refused without its DEA Form 222 number, the
order sent, then on order, and cancelled with its reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from tests.conftest import CLOCK, NOW, TESTER, load_examples, priced_storeroom

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.levels import StockLevel
from rxsupply.domain.purchasing import LineAck, LineStatus, OrderAck, OrderStatus, PurchaseOrder
from rxsupply.errors import InvalidValue, NotFound, OrderRefused
from rxsupply.services import purchasing
from rxsupply.services.acknowledgements import acknowledge_order
from rxsupply.services.order_lines import change_order_line
from rxsupply.services.preferences import prefer_product

BUYER = "buyer"


@pytest.fixture
def storeroom(hospital: Engine) -> Engine:
    """The example hospital with its prices, and reorder points at the storeroom: ondansetron
    (350 vials on hand) at 400 / 600, morphine (60 syringes, Schedule II) at 100 / 120,
    acetaminophen (2,000 tablets) at 100 / 500."""
    priced_storeroom(
        hospital,
        {"ONDA4INJ": (400, 600), "MORPH2INJ": (100, 120), "APAP325TAB": (100, 500)},
    )
    return hospital


def suggest(engine: Engine) -> purchasing.Suggestion:
    with SqlUnitOfWork(engine) as uow:
        return purchasing.suggest_orders(uow, clock=CLOCK, user=BUYER)


def test_the_suggested_order_buys_up_to_max_in_whole_packages_of_the_best_price(
    storeroom: Engine,
) -> None:
    done = suggest(storeroom)

    (order,) = done.orders
    assert (order.wholesaler, order.status, order.created_by) == (
        "Example Wholesale Drug Co",
        OrderStatus.DRAFT,
        BUYER,
    )
    lines = {ln.item_code: ln for ln in order.lines}
    assert set(lines) == {"ONDA4INJ", "MORPH2INJ"}  # acetaminophen is above its reorder point
    onda = lines["ONDA4INJ"]
    # 350 usable <= min 400: 250 vials up to 600, the tray on contract ($0.60 a vial): 10 trays
    assert (onda.ndc, onda.packages, onda.package_price, onda.contract) == (
        "98765-401-02",
        10,
        Decimal("15.0000"),
        "GPO-2026-117",
    )
    assert "350 usable + 0 on order = 350 <= min 400" in onda.why
    morphine = lines["MORPH2INJ"]
    assert (morphine.packages, morphine.schedule, morphine.contract) == (6, "CII", "")
    assert order.value == Decimal("150.00") + Decimal("187.20")


def test_a_schedule_ii_line_stops_the_order_until_its_222_number_is_recorded(
    storeroom: Engine,
) -> None:
    (order,) = suggest(storeroom).orders
    morphine = next(ln for ln in order.lines if ln.schedule == "CII")
    onda = next(ln for ln in order.lines if ln.schedule != "CII")

    with SqlUnitOfWork(storeroom) as uow, pytest.raises(OrderRefused) as refused:
        purchasing.approve_order(uow, order=order.number, user=BUYER, clock=CLOCK)
    with SqlUnitOfWork(storeroom) as uow, pytest.raises(InvalidValue):
        purchasing.set_dea_form_number(
            uow, order=order.number, line=morphine.line_number, number="12", user=BUYER, clock=CLOCK
        )
    with SqlUnitOfWork(storeroom) as uow, pytest.raises(OrderRefused):
        purchasing.set_dea_form_number(
            uow,
            order=order.number,
            line=onda.line_number,
            number="261234567",
            user=BUYER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(storeroom) as uow:
        purchasing.set_dea_form_number(
            uow,
            order=order.number,
            line=morphine.line_number,
            number="261234567",
            user=BUYER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(storeroom) as uow:
        sent = purchasing.approve_order(uow, order=order.number, user=BUYER, clock=CLOCK)

    assert f"line {morphine.line_number} (98765-0210-1" in str(refused.value)
    assert "DEA Form 222" in str(refused.value)
    assert (sent.status, sent.approved_by, sent.approved_at) == (OrderStatus.SENT, BUYER, NOW)
    with storeroom.connect() as conn:
        actions = conn.execute(
            select(tables.audit.c.action).where(tables.audit.c.entity == "purchase_order")
        ).scalars()
        assert list(actions) == ["suggest_orders", "dea_form_number", "approve_order"]


def test_what_is_on_order_counts_in_the_next_suggestion(storeroom: Engine) -> None:
    sent_order(storeroom, dea_number="CSOS-778812")  # a CSOS order number serves as well

    again = suggest(storeroom)

    assert again.orders == []


def test_a_second_suggestion_rewrites_the_wholesalers_draft(storeroom: Engine) -> None:
    first = suggest(storeroom).orders[0]

    second = suggest(storeroom).orders[0]

    assert second.number == first.number
    with SqlUnitOfWork(storeroom, readonly=True) as uow:
        assert len(purchasing.list_orders(uow)) == 1


def test_an_order_is_cancelled_with_its_reason_once(storeroom: Engine) -> None:
    (order,) = suggest(storeroom).orders

    with SqlUnitOfWork(storeroom) as uow, pytest.raises(InvalidValue):
        purchasing.cancel_order(uow, order=order.number, reason=" ", user=BUYER, clock=CLOCK)
    with SqlUnitOfWork(storeroom) as uow:
        done = purchasing.cancel_order(
            uow, order=order.number, reason="wholesaler outage", user=BUYER, clock=CLOCK
        )
    with SqlUnitOfWork(storeroom) as uow, pytest.raises(OrderRefused) as refused:
        purchasing.cancel_order(uow, order=order.number, reason="again", user=BUYER, clock=CLOCK)

    assert (done.status, done.note) == (OrderStatus.CANCELLED, "wholesaler outage")
    assert "is cancelled" in str(refused.value)


def test_an_unknown_order_is_not_found(storeroom: Engine) -> None:
    with SqlUnitOfWork(storeroom, readonly=True) as uow, pytest.raises(NotFound):
        purchasing.get_order(uow, "PO999999")


def test_an_item_without_any_price_is_listed_not_ordered(hospital: Engine) -> None:
    load_examples(hospital, "purchases")  # invoices, but no price file
    with SqlUnitOfWork(hospital) as uow:
        store = uow.locations.get("MAIN-STORE")
        assert store is not None
        uow.stock_levels.save(
            StockLevel(
                location_id=store.id or 0,
                item_id=uow.items.ids_by_code()["ONDA4INJ"],
                min_level=400,
                max_level=600,
            ),
            now=NOW,
            user=TESTER,
        )
        uow.commit()

    done = suggest(hospital)

    assert done.orders == []
    assert done.skipped == [("ONDA4INJ", "no price in force for any of its products")]


def test_a_line_added_by_hand_takes_its_best_price_and_an_unknown_ndc_is_refused(
    storeroom: Engine,
) -> None:
    (order,) = suggest(storeroom).orders

    with SqlUnitOfWork(storeroom) as uow:
        added = purchasing.add_order_line(
            uow, order=order.number, product="98765-3250-01", packages=2, user=BUYER, clock=CLOCK
        )
    with SqlUnitOfWork(storeroom) as uow, pytest.raises(NotFound) as unknown:
        purchasing.add_order_line(
            uow, order=order.number, product="99999-999-99", packages=1, user=BUYER, clock=CLOCK
        )
    with SqlUnitOfWork(storeroom, readonly=True) as uow:
        after = purchasing.get_order(uow, order.number)

    line = added.lines[-1]
    assert (line.ndc, line.item_code, line.packages, line.package_price, line.contract) == (
        "98765-3250-1",  # the product's own NDC (5-4-1) for the 11-digit form given
        "APAP325TAB",
        2,
        Decimal("3.5000"),
        "GPO-2026-117",
    )
    assert "99999-999-99" in str(unknown.value)
    assert len(after.lines) == len(added.lines)  # nothing written for the unknown NDC


@pytest.mark.parametrize(
    ("price", "reason"),
    [
        (Decimal("0.00001"), "must be above zero"),  # rounds to $0.0000 a package
        (Decimal("1e400"), "too large"),  # crashed writing the line
        (Decimal("99999999999999999999"), "too large"),
        (Decimal("NaN"), "not an amount of money"),
    ],
)
def test_a_hand_added_line_at_a_price_no_package_can_cost_is_refused_and_nothing_written(
    storeroom: Engine, price: Decimal, reason: str
) -> None:
    (order,) = suggest(storeroom).orders

    with SqlUnitOfWork(storeroom) as uow, pytest.raises(InvalidValue) as refused:
        purchasing.add_order_line(
            uow,
            order=order.number,
            product="98765-3250-01",
            packages=2,
            user=BUYER,
            clock=CLOCK,
            package_price=price,
        )
    with SqlUnitOfWork(storeroom, readonly=True) as uow:
        after = purchasing.get_order(uow, order.number)

    assert "package_price" in str(refused.value)
    assert reason in str(refused.value)
    assert len(after.lines) == len(order.lines)


def test_a_hand_added_line_price_is_kept_to_four_decimal_places(storeroom: Engine) -> None:
    (order,) = suggest(storeroom).orders

    with SqlUnitOfWork(storeroom) as uow:
        added = purchasing.add_order_line(
            uow,
            order=order.number,
            product="98765-3250-01",
            packages=2,
            user=BUYER,
            clock=CLOCK,
            package_price=Decimal("12.345678"),
        )

    assert (added.lines[-1].package_price, added.lines[-1].value) == (
        Decimal("12.3457"),
        Decimal("24.6914"),
    )


def sent_order(engine: Engine, *, dea_number: str = "261234567") -> PurchaseOrder:
    (order,) = suggest(engine).orders
    morphine = next(ln for ln in order.lines if ln.schedule == "CII")
    with SqlUnitOfWork(engine) as uow:
        purchasing.set_dea_form_number(
            uow,
            order=order.number,
            line=morphine.line_number,
            number=dea_number,
            user=BUYER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(engine) as uow:
        return purchasing.approve_order(uow, order=order.number, user=BUYER, clock=CLOCK)


def test_an_acknowledgement_backorders_a_line_and_changes_another(storeroom: Engine) -> None:
    order = sent_order(storeroom)
    onda = next(ln for ln in order.lines if ln.item_code == "ONDA4INJ")
    morphine = next(ln for ln in order.lines if ln.item_code == "MORPH2INJ")
    answer = OrderAck(
        po_number=order.number,
        ack_type="AC",
        sender="EXAMPLEWHOLESAL",
        lines=[LineAck(onda.line_number, "IQ", 8), LineAck(morphine.line_number, "IB", None)],
    )

    with SqlUnitOfWork(storeroom) as uow:
        done, _ = acknowledge_order(uow, ack=answer, user=BUYER, clock=CLOCK)
    with SqlUnitOfWork(storeroom, readonly=True) as uow:
        products = [onda.product_id, morphine.product_id]
        on_order = uow.orders.on_order(products)
        backordered = uow.orders.on_order(products, status=LineStatus.BACKORDERED)

    lines = {ln.item_code: ln for ln in done.lines}
    assert done.status is OrderStatus.ACKNOWLEDGED
    assert (lines["ONDA4INJ"].packages, lines["ONDA4INJ"].status) == (8, LineStatus.OPEN)
    assert lines["MORPH2INJ"].status is LineStatus.BACKORDERED
    assert on_order == {onda.product_id: 8 * 25}
    assert backordered == {morphine.product_id: 6 * 10}


def test_a_backordered_product_is_not_counted_as_coming_nor_bought_again(
    storeroom: Engine,
) -> None:
    order = sent_order(storeroom)
    tray = next(ln for ln in order.lines if ln.item_code == "ONDA4INJ")
    morphine = next(ln for ln in order.lines if ln.item_code == "MORPH2INJ")
    with SqlUnitOfWork(storeroom) as uow:
        acknowledge_order(
            uow,
            ack=OrderAck(
                order.number,
                "AC",
                "EXAMPLEWHOLESAL",
                [LineAck(tray.line_number, "IB", None), LineAck(morphine.line_number, "IB", None)],
            ),
            user=BUYER,
            clock=CLOCK,
        )

    again = suggest(storeroom)

    lines = {ln.item_code: ln for o in again.orders for ln in o.lines}
    assert tray.ndc == "98765-401-02"
    assert lines["ONDA4INJ"].ndc == "98765-402-10"
    assert lines["ONDA4INJ"].packages == 25  # 250 units: the 250 backordered not counted
    assert "backordered, not counted and not bought: 250 units of 98765-401-02" in (
        lines["ONDA4INJ"].why
    )
    assert "MORPH2INJ" not in lines
    assert ("MORPH2INJ", "every product with a price is backordered at its wholesaler") in (
        again.skipped
    )


def test_an_acknowledgement_of_a_cancelled_order_or_an_unknown_line_is_refused(
    storeroom: Engine,
) -> None:
    order = sent_order(storeroom)
    with SqlUnitOfWork(storeroom) as uow, pytest.raises(InvalidValue) as no_line:
        acknowledge_order(
            uow,
            ack=OrderAck(order.number, "AC", "W", [LineAck(99, "IA", None)]),
            user=BUYER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(storeroom) as uow:
        purchasing.cancel_order(uow, order=order.number, reason="outage", user=BUYER, clock=CLOCK)
    with SqlUnitOfWork(storeroom) as uow, pytest.raises(OrderRefused) as cancelled:
        acknowledge_order(uow, ack=OrderAck(order.number, "AC", "W", []), user=BUYER, clock=CLOCK)

    assert "has no line 99" in str(no_line.value)
    assert "is cancelled" in str(cancelled.value)


def test_a_rejected_order_is_cancelled(storeroom: Engine) -> None:
    order = sent_order(storeroom)

    with SqlUnitOfWork(storeroom) as uow:
        done, _ = acknowledge_order(
            uow, ack=OrderAck(order.number, "RJ", "W", []), user=BUYER, clock=CLOCK
        )

    assert (done.status, done.note) == (OrderStatus.CANCELLED, "rejected by the wholesaler (855)")


def test_a_preferred_product_is_bought_though_another_is_cheaper(storeroom: Engine) -> None:
    with SqlUnitOfWork(storeroom) as uow:
        chosen = prefer_product(
            uow, item="ONDA4INJ", product="98765-402-10", user=BUYER, clock=CLOCK
        )

    lines = {ln.item_code: ln for o in suggest(storeroom).orders for ln in o.lines}

    assert chosen == "98765-402-10"
    assert lines["ONDA4INJ"].ndc == "98765-402-10"
    assert "the item's preferred product" in lines["ONDA4INJ"].why
    assert "the cheapest, 98765-401-02, is 0.6000 a unit" in lines["ONDA4INJ"].why


def test_a_preference_for_another_item_s_product_is_refused_and_cleared_by_none(
    storeroom: Engine,
) -> None:
    with SqlUnitOfWork(storeroom) as uow, pytest.raises(InvalidValue, match="not a product of"):
        prefer_product(uow, item="ONDA4INJ", product="98765-0210-1", user=BUYER, clock=CLOCK)
    with SqlUnitOfWork(storeroom) as uow:
        prefer_product(uow, item="ONDA4INJ", product="98765-402-10", user=BUYER, clock=CLOCK)
        cleared = prefer_product(uow, item="ONDA4INJ", product=None, user=BUYER, clock=CLOCK)

    lines = {ln.item_code: ln for o in suggest(storeroom).orders for ln in o.lines}

    assert cleared is None
    assert lines["ONDA4INJ"].ndc == "98765-401-02"


def test_a_draft_line_is_changed_or_removed_and_a_sent_order_s_lines_are_not(
    storeroom: Engine,
) -> None:
    (draft,) = suggest(storeroom).orders
    onda = next(ln for ln in draft.lines if ln.item_code == "ONDA4INJ")
    morphine = next(ln for ln in draft.lines if ln.item_code == "MORPH2INJ")

    with SqlUnitOfWork(storeroom) as uow:
        for packages, by in ((3, "manager"), (4, BUYER)):  # the latest change is named, once
            change_order_line(
                uow, order=draft.number, line=onda.line_number, packages=packages, user=by,
                clock=CLOCK,
            )  # fmt: skip
        after = change_order_line(
            uow, order=draft.number, line=morphine.line_number, packages=0, user=BUYER, clock=CLOCK
        )

    lines = {ln.item_code: ln for ln in after.lines}
    assert set(lines) == {"ONDA4INJ"}
    assert lines["ONDA4INJ"].packages == 4 and lines["ONDA4INJ"].line_number == onda.line_number
    assert lines["ONDA4INJ"].why == f"{onda.why}; changed by {BUYER}"
    with SqlUnitOfWork(storeroom) as uow, pytest.raises(NotFound, match="line 99"):
        change_order_line(uow, order=draft.number, line=99, packages=1, user=BUYER, clock=CLOCK)
    sent = sent_order(storeroom)
    with SqlUnitOfWork(storeroom) as uow, pytest.raises(OrderRefused, match="only a draft"):
        change_order_line(uow, order=sent.number, line=1, packages=1, user=BUYER, clock=CLOCK)
