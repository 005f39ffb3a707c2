"""The sender of a wholesaler's X12 document (ISA06) checked against the EDI id on file for the
order's wholesaler, on each database: a ship notice (856), an invoice (810) or an
acknowledgement (855) from another sender refused naming the file, its sender and the id on
file, nothing written; from the sender on file recorded; with no id on file recorded, saying
the sender was not checked. The example order is to Example Wholesale Drug Co, whose documents
come from EXAMPLEWHOLESAL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, priced_storeroom
from tests.integration.services.test_ship_notices_invoices import BUYER, TRAY11
from tests.x12_samples import SENDER, acknowledgement, invoice, ship_notice

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.adapters.x12_810 import read_810
from rxsupply.adapters.x12_856 import read_856
from rxsupply.adapters.x12_inbound import read_855
from rxsupply.domain.purchasing import OrderStatus, PurchaseOrder
from rxsupply.errors import DocumentRejected, InvalidValue
from rxsupply.services import invoices, purchasing, ship_notices, trading_partners
from rxsupply.services.acknowledgements import acknowledge_order

WHOLESALER = "Example Wholesale Drug Co"
GPO = "Example Purchasing Alliance"
NOT_CHECKED = (
    f"the sender was not checked: {WHOLESALER}, the wholesaler of order {{order}}, has no EDI "
    "id on file (the document's ISA06 is 'EXAMPLEWHOLESAL')"
)


@pytest.fixture
def order(hospital: Engine) -> PurchaseOrder:
    """A sent order to Example Wholesale Drug Co: ondansetron, 10 trays."""
    priced_storeroom(hospital, {"ONDA4INJ": (400, 600)})
    with SqlUnitOfWork(hospital) as uow:
        (draft,) = purchasing.suggest_orders(uow, clock=CLOCK, user=BUYER).orders
    with SqlUnitOfWork(hospital) as uow:
        return purchasing.approve_order(uow, order=draft.number, user=BUYER, clock=CLOCK)


def set_edi_id(engine: Engine, edi_id: str | None, partner: str = WHOLESALER) -> dict[str, object]:
    with SqlUnitOfWork(engine) as uow:
        return trading_partners.set_edi_id(
            uow, partner=partner, edi_id=edi_id, user=BUYER, clock=CLOCK
        ).as_dict()


def count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_a_ship_notice_from_another_sender_is_refused_naming_the_file_and_both_senders(
    hospital: Engine, order: PurchaseOrder
) -> None:
    set_edi_id(hospital, SENDER)
    text = ship_notice(order.number, [(TRAY11, "ON2611X", "20280630", 10)], sender="OTHERWHOLESALE")

    with SqlUnitOfWork(hospital) as uow, pytest.raises(DocumentRejected) as refused:
        ship_notices.record_ship_notice(
            uow, notice=read_856(text), user=BUYER, clock=CLOCK, source="inbox/SHP-5501.856"
        )

    assert str(refused.value) == (
        "inbox/SHP-5501.856, ISA06: sent by 'OTHERWHOLESALE', not by Example Wholesale Drug "
        f"Co, the wholesaler of order {order.number} (its EDI id on file is "
        "'EXAMPLEWHOLESAL'): nothing recorded"
    )
    assert (refused.value.file, refused.value.where, refused.value.rule) == (
        "inbox/SHP-5501.856",
        "ISA06",
        "sender",
    )
    assert count(hospital, tables.ship_notice) == 0


def test_an_invoice_and_an_acknowledgement_from_another_sender_are_refused_too(
    hospital: Engine, order: PurchaseOrder
) -> None:
    set_edi_id(hospital, SENDER)
    line = order.lines[0].line_number
    bill = read_810(invoice(order.number, [(TRAY11, 10, "15.00")], sender="OTHERWHOLESALE"))
    ack = read_855(acknowledgement(order.number, [(line, "IA", 10)], sender="OTHERWHOLESALE"))

    with SqlUnitOfWork(hospital) as uow, pytest.raises(DocumentRejected, match="OTHERWHOLESALE"):
        invoices.record_invoice(uow, invoice=bill, user=BUYER, clock=CLOCK, source="bill.810")
    with SqlUnitOfWork(hospital) as uow, pytest.raises(DocumentRejected, match=r"ack\.855, ISA06"):
        acknowledge_order(uow, ack=ack, user=BUYER, clock=CLOCK, source="ack.855")

    assert count(hospital, tables.supplier_invoice) == 0
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        assert purchasing.get_order(uow, order.number).status is OrderStatus.SENT


def test_documents_from_the_sender_on_file_are_recorded_without_a_warning(
    hospital: Engine, order: PurchaseOrder
) -> None:
    set_edi_id(hospital, SENDER)
    line = order.lines[0].line_number

    with SqlUnitOfWork(hospital) as uow:
        _, acked = acknowledge_order(
            uow,
            ack=read_855(acknowledgement(order.number, [(line, "IA", 10)])),
            user=BUYER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(hospital) as uow:
        _, noted, _ = ship_notices.record_ship_notice(
            uow,
            notice=read_856(ship_notice(order.number, [(TRAY11, "ON2611X", "20280630", 10)])),
            user=BUYER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(hospital) as uow:
        _, billed, _ = invoices.record_invoice(
            uow,
            invoice=read_810(invoice(order.number, [(TRAY11, 10, "15.00")])),
            user=BUYER,
            clock=CLOCK,
        )

    assert (acked, noted, billed) == ([], [], [])
    assert count(hospital, tables.ship_notice) == 1
    assert count(hospital, tables.supplier_invoice) == 1


def test_with_no_edi_id_on_file_each_document_is_recorded_saying_its_sender_was_not_checked(
    hospital: Engine, order: PurchaseOrder
) -> None:
    line = order.lines[0].line_number
    said = NOT_CHECKED.format(order=order.number)

    with SqlUnitOfWork(hospital) as uow:
        done, acked = acknowledge_order(
            uow,
            ack=read_855(acknowledgement(order.number, [(line, "IA", 10)])),
            user=BUYER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(hospital) as uow:
        _, noted, _ = ship_notices.record_ship_notice(
            uow,
            notice=read_856(ship_notice(order.number, [(TRAY11, "ON2611X", "20280630", 10)])),
            user=BUYER,
            clock=CLOCK,
        )
    with SqlUnitOfWork(hospital) as uow:
        _, billed, duplicate = invoices.record_invoice(
            uow,
            invoice=read_810(invoice(order.number, [(TRAY11, 10, "15.00")])),
            user=BUYER,
            clock=CLOCK,
        )

    assert done.status is OrderStatus.ACKNOWLEDGED
    assert (acked, noted, billed, duplicate) == ([said], [said], [said], False)


def test_an_edi_id_is_recorded_cleared_and_not_given_to_two_partners(
    hospital: Engine, order: PurchaseOrder
) -> None:
    first = set_edi_id(hospital, f"  {SENDER} ")

    with pytest.raises(InvalidValue, match=f"on file for {WHOLESALER} already"):
        set_edi_id(hospital, SENDER, partner=GPO)
    cleared = set_edi_id(hospital, None)
    given = set_edi_id(hospital, SENDER, partner=GPO)

    assert first["edi_id"] == SENDER
    assert cleared["edi_id"] is None
    assert given["edi_id"] == SENDER
    with hospital.connect() as conn:
        audit = conn.execute(
            select(tables.audit.c.action, tables.audit.c.entity_key)
            .where(tables.audit.c.entity == "trading_partner")
            .where(tables.audit.c.action == "set_partner_edi_id")
            .order_by(tables.audit.c.id)
        ).all()
    assert [tuple(a) for a in audit] == [
        ("set_partner_edi_id", WHOLESALER),
        ("set_partner_edi_id", WHOLESALER),
        ("set_partner_edi_id", GPO),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("EXAMPLEWHOLESALE1", "at most 15 characters"),
        ("ACME\tDRUG", "printable"),
        ("ÄCME", "printable"),
    ],
)
def test_an_edi_id_isa06_cannot_carry_is_refused(
    hospital: Engine, order: PurchaseOrder, text: str, reason: str
) -> None:
    with pytest.raises(InvalidValue, match=reason):
        set_edi_id(hospital, text)
