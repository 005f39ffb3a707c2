"""Ship notices (856) and invoices (810) against a purchase order on each database: a notice
recorded once, one for another buyer refused with nothing written, receiving against a notice
with a lot it does not list, and an invoice matched with its price and quantity variances."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, priced_storeroom
from tests.x12_samples import SENDER, invoice, ship_notice

from rxsupply.adapters import tables
from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.adapters.x12_810 import read_810
from rxsupply.adapters.x12_856 import read_856
from rxsupply.domain.purchasing import PurchaseOrder, ReceivingIssue
from rxsupply.domain.shipping import MatchStatus, Tolerance
from rxsupply.errors import DuplicateSerial, InvalidValue, NotFound, OrderRefused
from rxsupply.services import invoices, purchasing, receiving, ship_notices, trading_partners
from rxsupply.services.imports.columns import PURCHASE_COLUMNS
from rxsupply.services.imports.purchases import import_purchases

BUYER = "buyer"
TRAY = "98765-401-02"  # ondansetron, 25 vials a tray
TRAY11 = "98765040102"
FAR = date(2028, 6, 30)


@pytest.fixture
def order(hospital: Engine) -> PurchaseOrder:
    """A sent order: ondansetron, 10 trays on contract at $15.00, to the example wholesaler
    with its EDI id on file (its documents are checked to come from it)."""
    priced_storeroom(hospital, {"ONDA4INJ": (400, 600)})
    with SqlUnitOfWork(hospital) as uow:
        trading_partners.set_edi_id(
            uow, partner="Example Wholesale Drug Co", edi_id=SENDER, user=BUYER, clock=CLOCK
        )
    with SqlUnitOfWork(hospital) as uow:
        (draft,) = purchasing.suggest_orders(uow, clock=CLOCK, user=BUYER).orders
    with SqlUnitOfWork(hospital) as uow:
        return purchasing.approve_order(uow, order=draft.number, user=BUYER, clock=CLOCK)


def rows(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def record(engine: Engine, text: str) -> tuple[object, list[str], bool]:
    with SqlUnitOfWork(engine) as uow:
        return ship_notices.record_ship_notice(uow, notice=read_856(text), user=BUYER, clock=CLOCK)


def test_a_ship_notice_is_recorded_once_with_its_packages_per_lot(
    hospital: Engine, order: PurchaseOrder
) -> None:
    text = ship_notice(
        order.number, [(TRAY11, "ON2611X", "20280630", 6), (TRAY11, "ON2612Y", "20280731", 4)]
    )

    first = record(hospital, text)
    again = record(hospital, text)

    assert (first[1], first[2]) == ([], False)
    assert again[2] is True
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (notice,) = ship_notices.ship_notices(uow, order=order.number)
    assert [(ln.ndc, ln.lot, ln.expiry, ln.packages, ln.line_number) for ln in notice.lines] == [
        (TRAY, "ON2611X", date(2028, 6, 30), 6, 1),
        (TRAY, "ON2612Y", date(2028, 7, 31), 4, 1),
    ]
    assert notice.lines[0].sscc == "000123456000000019"
    assert rows(hospital, tables.ship_notice) == 1


def test_a_ship_notice_for_another_buyer_is_refused_and_nothing_is_written(
    hospital: Engine, order: PurchaseOrder
) -> None:
    text = ship_notice(order.number, [(TRAY11, "ON2611X", "20280630", 6)], buyer="OTHERHOSP")

    with pytest.raises(InvalidValue) as caught:
        record(hospital, text)

    assert caught.value.field == "N104"
    assert "OTHERHOSP" in str(caught.value)
    assert rows(hospital, tables.ship_notice) == rows(hospital, tables.ship_notice_line) == 0


def test_a_ship_notice_of_an_unknown_order_or_a_product_not_ordered_is_refused(
    hospital: Engine, order: PurchaseOrder
) -> None:
    with pytest.raises(NotFound, match="PO999999"):
        record(hospital, ship_notice("PO999999", [(TRAY11, "ON2611X", "20280630", 6)]))
    with pytest.raises(InvalidValue, match="no line of NDC 00409123401"):
        record(hospital, ship_notice(order.number, [("00409123401", "L1", "20280630", 1)]))

    assert rows(hospital, tables.ship_notice) == 0


def test_packages_shipped_beyond_the_order_are_recorded_with_a_warning(
    hospital: Engine, order: PurchaseOrder
) -> None:
    _, warnings, _ = record(
        hospital, ship_notice(order.number, [(TRAY11, "ON2611X", "20280630", 12)])
    )

    assert warnings == [
        "line 1 (98765-401-02): 12 packages shipped, 10 still ordered; the overage is recorded "
        "over when it is received"
    ]
    assert rows(hospital, tables.ship_notice_line) == 1


def test_receiving_against_a_ship_notice_records_a_lot_it_does_not_list_and_an_overage(
    hospital: Engine, order: PurchaseOrder
) -> None:
    record(
        hospital,
        ship_notice(
            order.number, [(TRAY11, "ON2611X", "20280630", 6), (TRAY11, "ON2612Y", "20280731", 4)]
        ),
    )

    with SqlUnitOfWork(hospital) as uow:
        _, wrong_lot, _ = receiving.receive_against_order(
            uow,
            order=order.number,
            product=TRAY,
            lot="ON9999Z",
            expiry=FAR,
            packages=2,
            ship_notice="SHP-5501",
            user=BUYER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(hospital) as uow:
        after, over, _ = receiving.receive_against_order(
            uow,
            order=order.number,
            product=TRAY,
            lot="ON2612Y",
            expiry=date(2028, 7, 31),
            packages=5,
            ship_notice="SHP-5501",
            user=BUYER,
            clock=CLOCK,
        )

    assert [(d.issue, d.lot, d.packages) for d in wrong_lot] == [
        (ReceivingIssue.NOT_AS_SHIPPED, "ON9999Z", 2)
    ]
    assert "ship notice SHP-5501 lists lot ON2611X, ON2612Y" in wrong_lot[0].note
    assert [(d.issue, d.packages) for d in over] == [(ReceivingIssue.OVER, 1)]
    assert after.lines[0].received_packages == 7  # both receipts went into stock
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (notice,) = ship_notices.ship_notices(uow, order=order.number)
        recorded = receiving.receiving_discrepancies(uow, order=order.number)
    assert [ln.received_packages for ln in notice.lines] == [0, 5]
    assert [d.issue for d in recorded] == [ReceivingIssue.NOT_AS_SHIPPED, ReceivingIssue.OVER]


def test_a_serial_scanned_again_against_a_notice_is_flagged_and_not_counted_in_again(
    hospital: Engine, order: PurchaseOrder
) -> None:
    """The refused scan keeps its suspect flag (the package first received) and nothing else:
    the notice and the order count the package once."""
    record(hospital, ship_notice(order.number, [(TRAY11, "ON2611X", "20280630", 6)]))

    def scan() -> None:
        with SqlUnitOfWork(hospital) as uow:
            receiving.receive_against_order(
                uow,
                order=order.number,
                product=TRAY,
                lot="ON2611X",
                expiry=FAR,
                packages=1,
                serial="SN-ASN-1",
                ship_notice="SHP-5501",
                user=BUYER,
                clock=CLOCK,
            )

    scan()
    with pytest.raises(DuplicateSerial):
        scan()

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (notice,) = ship_notices.ship_notices(uow, order=order.number)
        after = purchasing.get_order(uow, order.number)
    with hospital.connect() as conn:
        status = conn.execute(
            select(tables.serial_package.c.status).where(
                tables.serial_package.c.serial == "SN-ASN-1"
            )
        ).scalar_one()
    assert [ln.received_packages for ln in notice.lines] == [1]
    assert after.lines[0].received_packages == 1
    assert status == "suspect"


def test_receiving_against_a_shipment_the_order_lacks_is_refused_and_nothing_is_written(
    hospital: Engine, order: PurchaseOrder
) -> None:
    with SqlUnitOfWork(hospital) as uow, pytest.raises(NotFound, match="SHP-0000"):
        receiving.receive_against_order(
            uow,
            order=order.number,
            product=TRAY,
            lot="ON2611X",
            expiry=FAR,
            packages=2,
            ship_notice="SHP-0000",
            user=BUYER,
            clock=CLOCK,
        )

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        assert purchasing.get_order(uow, order.number).lines[0].received_packages == 0


def test_an_invoice_is_matched_with_its_price_and_quantity_variances(
    hospital: Engine, order: PurchaseOrder
) -> None:
    with SqlUnitOfWork(hospital) as uow:
        receiving.receive_against_order(
            uow,
            order=order.number,
            product=TRAY,
            lot="ON2611X",
            expiry=FAR,
            packages=8,
            user=BUYER,
            clock=CLOCK,
        )
    history_before = rows(hospital, tables.purchase_line)
    text = invoice(
        order.number,
        [(TRAY11, 10, "15.75"), ("98765325001", 1, "4.10"), ("00409123401", 1, "2.00")],
    )

    with SqlUnitOfWork(hospital) as uow:
        match, _, duplicate = invoices.record_invoice(
            uow, invoice=read_810(text), user=BUYER, clock=CLOCK
        )
    with SqlUnitOfWork(hospital) as uow:
        _, _, again = invoices.record_invoice(uow, invoice=read_810(text), user=BUYER, clock=CLOCK)

    assert (duplicate, again) == (False, True)
    tray, other, unknown = match.lines
    assert tray.status is MatchStatus.BOTH
    assert (tray.price_variance, tray.extended_price_variance) == (Decimal("0.75"), Decimal("7.50"))
    assert (tray.invoiced_packages, tray.received_packages, tray.quantity_variance) == (10, 8, 2)
    assert other.status is unknown.status is MatchStatus.NOT_ORDERED
    assert (other.ndc, unknown.ndc) == ("98765325001", "00409123401")
    assert match.status is MatchStatus.NOT_ORDERED
    assert match.invoice.total == Decimal("163.60")
    # the two lines of known products (ordered or not) into the purchase history, once
    assert rows(hospital, tables.purchase_line) == history_before + 2
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (loose,) = invoices.invoice_matches(
            uow, order=order.number, tolerance=Tolerance(Decimal(5), 2)
        )
    assert loose.lines[0].status is MatchStatus.MATCHED


def test_an_invoice_for_an_unknown_order_is_refused(hospital: Engine, order: PurchaseOrder) -> None:
    with SqlUnitOfWork(hospital) as uow, pytest.raises(NotFound, match="PO999999"):
        invoices.record_invoice(
            uow,
            invoice=read_810(invoice("PO999999", [(TRAY11, 1, "15.00")])),
            user=BUYER,
            clock=CLOCK,
        )

    assert rows(hospital, tables.supplier_invoice) == 0


def test_an_invoice_line_posted_and_then_imported_from_a_purchases_csv_counts_once(
    hospital: Engine, order: PurchaseOrder, tmp_path: Path
) -> None:
    with SqlUnitOfWork(hospital) as uow:
        bill = read_810(invoice(order.number, [(TRAY11, 10, "15.75")]))
        invoices.record_invoice(uow, invoice=bill, user=BUYER, clock=CLOCK)
    csv = tmp_path / "purchases.csv"
    csv.write_text(
        "invoice_date,wholesaler,invoice_number,ndc,packages,unit_price\n"
        f"2026-11-21,{order.wholesaler},INV-88123,98765-401-02,10,15.75\n"
    )
    table = read_csv_table(csv, required=PURCHASE_COLUMNS[0], optional=PURCHASE_COLUMNS[1])

    with SqlUnitOfWork(hospital) as uow:
        imported = import_purchases(uow, table, now=CLOCK.now(), user=BUYER)

    assert imported.written == 0
    with hospital.connect() as conn:
        paid = conn.execute(
            select(tables.purchase_line.c.unit_price).where(
                tables.purchase_line.c.invoice_number == "INV-88123"
            )
        ).scalar_one()
    assert paid == Decimal("15.75")


def test_an_invoice_after_the_order_is_closed_is_matched(
    hospital: Engine, order: PurchaseOrder
) -> None:
    with SqlUnitOfWork(hospital) as uow:
        receiving.receive_against_order(
            uow, order=order.number, product=TRAY, lot="ON2611X", expiry=FAR, packages=10,
            user=BUYER, clock=CLOCK,
        )  # fmt: skip
        receiving.close_order(uow, order=order.number, user=BUYER, clock=CLOCK)
        bill = read_810(invoice(order.number, [(TRAY11, 10, "15.00")]))

        match, _, _ = invoices.record_invoice(uow, invoice=bill, user=BUYER, clock=CLOCK)

    assert match.status is MatchStatus.MATCHED


def test_a_ship_notice_of_a_cancelled_order_is_refused(
    hospital: Engine, order: PurchaseOrder
) -> None:
    with SqlUnitOfWork(hospital) as uow:
        purchasing.cancel_order(uow, order=order.number, reason="outage", user=BUYER, clock=CLOCK)

    with pytest.raises(OrderRefused, match="cancelled: it takes no ship notice"):
        record(hospital, ship_notice(order.number, [(TRAY11, "ON2611X", "20280630", 6)]))

    assert rows(hospital, tables.ship_notice) == 0


def test_a_receipt_of_the_notices_lot_with_another_expiry_is_recorded_not_as_shipped(
    hospital: Engine, order: PurchaseOrder
) -> None:
    record(hospital, ship_notice(order.number, [(TRAY11, "ON2611X", "20280630", 6)]))

    with SqlUnitOfWork(hospital) as uow:
        _, found, _ = receiving.receive_against_order(
            uow, order=order.number, product=TRAY, lot="ON2611X", expiry=date(2028, 5, 31),
            packages=6, ship_notice="SHP-5501", user=BUYER, clock=CLOCK,
        )  # fmt: skip

    assert [(d.issue, d.packages) for d in found] == [(ReceivingIssue.NOT_AS_SHIPPED, 6)]
    assert "expires 2028-05-31; ship notice SHP-5501 says 2028-06-30" in found[0].note


def test_a_second_invoice_for_packages_billed_already_is_a_quantity_variance(
    hospital: Engine, order: PurchaseOrder
) -> None:
    with SqlUnitOfWork(hospital) as uow:
        receiving.receive_against_order(
            uow, order=order.number, product=TRAY, lot="ON2611X", expiry=FAR, packages=10,
            user=BUYER, clock=CLOCK,
        )  # fmt: skip
    with SqlUnitOfWork(hospital) as uow:
        first, _, _ = invoices.record_invoice(
            uow,
            invoice=read_810(invoice(order.number, [(TRAY11, 10, "15.00")], number="INV1")),
            user=BUYER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(hospital) as uow:
        second, _, _ = invoices.record_invoice(
            uow,
            invoice=read_810(invoice(order.number, [(TRAY11, 10, "15.00")], number="INV2")),
            user=BUYER,
            clock=CLOCK,
        )

    assert first.status is MatchStatus.MATCHED
    assert second.status is MatchStatus.QUANTITY_VARIANCE
    (line,) = second.lines
    assert (line.billed_before, line.billed_on, line.quantity_variance) == (10, ("INV1",), 10)
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        now = invoices.invoice_matches(uow, order=order.number)
    assert [(m.invoice.number, m.status) for m in now] == [
        ("INV1", MatchStatus.MATCHED),
        ("INV2", MatchStatus.QUANTITY_VARIANCE),
    ]
    assert now[1].lines[0].note == "10 of the 10 packages received billed already on INV1"


def another_order(engine: Engine) -> PurchaseOrder:
    """A second sent order of ondansetron (its levels raised after the first was sent)."""
    priced_storeroom(engine, {"ONDA4INJ": (4000, 6000)})
    with SqlUnitOfWork(engine) as uow:
        (draft,) = purchasing.suggest_orders(uow, clock=CLOCK, user=BUYER).orders
    with SqlUnitOfWork(engine) as uow:
        return purchasing.approve_order(uow, order=draft.number, user=BUYER, clock=CLOCK)


def test_an_invoice_number_recorded_on_another_order_is_refused_naming_it(
    hospital: Engine, order: PurchaseOrder
) -> None:
    with SqlUnitOfWork(hospital) as uow:
        bill = read_810(invoice(order.number, [(TRAY11, 10, "15.00")], number="123"))
        invoices.record_invoice(uow, invoice=bill, user=BUYER, clock=CLOCK)
    second = another_order(hospital)
    history = rows(hospital, tables.purchase_line)
    again = read_810(invoice(second.number, [(TRAY11, 10, "15.00")], number="123"))

    with SqlUnitOfWork(hospital) as uow, pytest.raises(OrderRefused) as caught:
        invoices.record_invoice(uow, invoice=again, user=BUYER, clock=CLOCK)

    assert second.number != order.number
    assert str(caught.value) == (
        f"invoice 123 (BIG02) is recorded already on order {order.number}: "
        f"not recorded on {second.number}"
    )
    assert rows(hospital, tables.supplier_invoice) == 1
    assert rows(hospital, tables.purchase_line) == history


def test_a_shipment_id_recorded_on_another_order_is_refused_naming_it(
    hospital: Engine, order: PurchaseOrder
) -> None:
    record(hospital, ship_notice(order.number, [(TRAY11, "ON2611X", "20280630", 6)]))
    second = another_order(hospital)

    with pytest.raises(OrderRefused) as caught:
        record(hospital, ship_notice(second.number, [(TRAY11, "ON2611X", "20280630", 6)]))

    assert str(caught.value) == (
        f"ship notice SHP-5501 (BSN02) is recorded already on order {order.number}: "
        f"not recorded on {second.number}"
    )
    assert rows(hospital, tables.ship_notice) == rows(hospital, tables.ship_notice_line) == 1


def test_a_lot_in_two_cases_of_a_notice_is_received_against_both(
    hospital: Engine, order: PurchaseOrder
) -> None:
    record(
        hospital,
        ship_notice(
            order.number, [(TRAY11, "ON2611X", "20280630", 4), (TRAY11, "ON2611X", "20280630", 4)]
        ),
    )

    with SqlUnitOfWork(hospital) as uow:
        _, found, _ = receiving.receive_against_order(
            uow, order=order.number, product=TRAY, lot="ON2611X", expiry=date(2028, 6, 30),
            packages=8, ship_notice="SHP-5501", user=BUYER, clock=CLOCK,
        )  # fmt: skip
    with SqlUnitOfWork(hospital) as uow:
        _, beyond, _ = receiving.receive_against_order(
            uow, order=order.number, product=TRAY, lot="ON2611X", expiry=date(2028, 6, 30),
            packages=1, ship_notice="SHP-5501", user=BUYER, clock=CLOCK,
        )  # fmt: skip

    assert found == []
    assert [(d.issue, d.packages) for d in beyond] == [(ReceivingIssue.OVER, 1)]
    assert "1 of lot ON2611X received; ship notice SHP-5501 had 0 still to come" in beyond[0].note
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (notice,) = ship_notices.ship_notices(uow, order=order.number)
    assert [ln.received_packages for ln in notice.lines] == [4, 5]


def tray_cost(engine: Engine) -> Decimal:
    with engine.connect() as conn:
        return Decimal(
            conn.execute(
                select(tables.product.c.package_cost).where(tables.product.c.ndc == TRAY)
            ).scalar_one()
        )


def bill_tray(engine: Engine, po: str, number: str, price: str, dated: str) -> MatchStatus:
    with SqlUnitOfWork(engine) as uow:
        match, _, _ = invoices.record_invoice(
            uow,
            invoice=read_810(invoice(po, [(TRAY11, 1, price)], number=number, dated=dated)),
            user=BUYER,
            clock=CLOCK,
            tolerance=Tolerance(Decimal(10), 10),
        )
    return match.lines[0].status


def test_an_older_invoice_recorded_late_does_not_roll_the_cost_back(
    hospital: Engine, order: PurchaseOrder
) -> None:
    bill_tray(hospital, order.number, "INV-NEW", "15.50", "20261121")
    newer = tray_cost(hospital)

    status = bill_tray(hospital, order.number, "INV-OLD", "14.50", "20261001")

    assert status is MatchStatus.MATCHED  # within the 10% tolerance: not a price variance
    assert newer == Decimal("15.50")
    assert tray_cost(hospital) == Decimal("15.50")
    bill_tray(hospital, order.number, "INV-SAME-DAY", "14.90", "20261121")
    assert tray_cost(hospital) == Decimal("14.90")  # on the day of the last purchase: taken


def test_an_invoice_line_with_a_price_variance_leaves_the_cost(
    hospital: Engine, order: PurchaseOrder
) -> None:
    before, history = tray_cost(hospital), rows(hospital, tables.purchase_line)

    status = bill_tray(hospital, order.number, "INV-DEAR", "19.00", "20261121")

    assert status is MatchStatus.PRICE_VARIANCE  # 19.00 is beyond 10% of the order's 15.00
    assert tray_cost(hospital) == before != Decimal("19.00")
    assert rows(hospital, tables.purchase_line) == history + 1  # in the history all the same
