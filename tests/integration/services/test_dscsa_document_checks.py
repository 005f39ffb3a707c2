"""An imported document whose transaction statement is not affirmed, or whose seller is not an
authorized trading partner, is kept as evidence and opens an exception of its order."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, TESTER, priced_storeroom
from tests.dscsa_shipments import TRAY, ship, shipment

from rxsupply.adapters import tables
from rxsupply.adapters.epcis import read_epcis
from rxsupply.adapters.epcis.writer import shipment_xml
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.purchasing import PurchaseOrder
from rxsupply.services import purchasing
from rxsupply.services.dscsa import exceptions, reconciliation
from rxsupply.services.dscsa.importing import import_epcis

FAR = date(2028, 6, 30)


@pytest.fixture
def order(hospital: Engine) -> PurchaseOrder:
    priced_storeroom(hospital, {"ONDA4INJ": (400, 600)})
    with SqlUnitOfWork(hospital) as uow:
        (draft,) = purchasing.suggest_orders(uow, clock=CLOCK, user="buyer").orders
    with SqlUnitOfWork(hospital) as uow:
        return purchasing.approve_order(uow, order=draft.number, user="buyer", clock=CLOCK)


def import_doc(engine: Engine, number: str, *, seller_name: str | None = None,
               affirmed: bool = True) -> int:  # fmt: skip
    data = shipment_xml(shipment(number, [("S1", "ON1", FAR)]))
    document = read_epcis(io.BytesIO(data), name="asn.xml")
    if seller_name is not None:
        document.transaction["seller"] = {"name": seller_name}
    if not affirmed:
        document.transaction["statement"] = {"affirmed": False}
    with SqlUnitOfWork(engine) as uow:
        return import_epcis(
            uow, document=document, file_name="asn.xml", sha256=hashlib.sha256(data).hexdigest(),
            facility="MAIN", order=number, user=TESTER, clock=CLOCK,
        ).id  # fmt: skip


def test_a_document_without_an_affirmed_statement_is_kept_and_opens_no_statement(
    hospital: Engine, order: PurchaseOrder
) -> None:
    doc = import_doc(hospital, order.number, affirmed=False)

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        found = exceptions.list_exceptions(uow, order=order.number)
        kept = uow.connection.execute(select(func.count()).select_from(tables.dscsa_document))
        assert kept.scalar_one() == 1
    assert [(e.kind.value, e.identifier, e.document_id) for e in found] == [
        ("no_statement", f"document:{doc}", doc)
    ]


def test_a_document_from_a_seller_not_on_file_opens_seller_unauthorized(
    hospital: Engine, order: PurchaseOrder
) -> None:
    doc = import_doc(hospital, order.number, seller_name="Grey Market Pharma LLC")

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (found,) = exceptions.list_exceptions(uow, order=order.number)
    assert (found.kind.value, found.identifier) == ("seller_unauthorized", f"document:{doc}")
    assert found.found == "Grey Market Pharma LLC is not a trading partner on file"


def test_a_document_exception_is_not_resolved_by_a_clean_reconciliation(
    hospital: Engine, order: PurchaseOrder
) -> None:
    import_doc(hospital, order.number, affirmed=False)
    ship(hospital, order.number, [("S1", "ON1", FAR)])

    with SqlUnitOfWork(hospital) as uow:
        after = reconciliation.reconcile_order(uow, order=order.number, user="b", clock=CLOCK)

    assert after.resolved == []
    assert sorted(e.kind.value for e in after.exceptions if e.state.value == "open") == [
        "missing",
        "no_statement",
    ]


def test_an_authorized_seller_with_an_affirmed_statement_opens_nothing(
    hospital: Engine, order: PurchaseOrder
) -> None:
    import_doc(hospital, order.number)

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        assert exceptions.list_exceptions(uow, order=order.number) == []


def import_bytes(engine: Engine, number: str, data: bytes) -> int:
    document = read_epcis(io.BytesIO(data), name="asn.xml")
    with SqlUnitOfWork(engine) as uow:
        return import_epcis(
            uow, document=document, file_name="asn.xml", sha256=hashlib.sha256(data).hexdigest(),
            facility="MAIN", order=number, user=TESTER, clock=CLOCK,
        ).id  # fmt: skip


def test_a_package_shipped_without_a_lot_and_expiry_is_kept_and_opens_lot_expiry_missing(
    hospital: Engine, order: PurchaseOrder
) -> None:
    """DSCSA transaction information names the lot of every package: S2 was never
    commissioned with one, and was recorded with lot and expiry null and no exception."""
    data = shipment_xml(shipment(order.number, [("S1", "ON1", FAR), ("S2", "ON2", FAR)]))
    ilmd = b"<cbvmda:lotNumber>ON2</cbvmda:lotNumber><cbvmda:itemExpirationDate>2028-06-30"
    data = data.replace(ilmd + b"</cbvmda:itemExpirationDate>", b"")

    doc = import_bytes(hospital, order.number, data)

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (found,) = exceptions.list_exceptions(uow, order=order.number)
    assert (found.kind.value, found.identifier, found.document_id) == (
        "lot_expiry_missing",
        f"document:{doc}",
        doc,
    )
    assert found.expected == "a lot and expiry for every package shipped"
    assert (
        found.found == "1 package without a lot or expiry: 010039876540102721S2 (no lot, no expiry)"
    )


def test_a_gtin_the_master_data_does_not_describe_opens_product_undescribed(
    hospital: Engine, order: PurchaseOrder
) -> None:
    """The header described another product: the transaction information listed it with 0
    containers, the trays were recorded as ondansetron, and no exception opened."""
    other = replace(TRAY, gtin="00394350548252", ndc="94350-548-25", name="Bupivacaine")
    sent = replace(shipment(order.number, [("S1", "ON1", FAR), ("S2", "ON1", FAR)]), items=(other,))

    doc = import_bytes(hospital, order.number, shipment_xml(sent))

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (found,) = exceptions.list_exceptions(uow, order=order.number)
    assert (found.kind.value, found.identifier) == ("product_undescribed", f"document:{doc}")
    assert found.expected == (
        "product master data (name, strength, dosage form, NDC, container size) for every GTIN "
        "shipped"
    )
    assert found.found == "GTIN 00398765401027 (2 packages): not described by the master data"
