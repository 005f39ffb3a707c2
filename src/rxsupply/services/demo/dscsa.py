"""The demo's DSCSA receipts: its recent orders arrive serialised, each with the seller's EPCIS
document, and a few of them do not match.

Five products (chosen apart from the history's random draws, so the history is the same with or
without them) were ordered from the primary wholesaler in the demo's last week and received one
to five days before its last day, package by package by scan against the order, each order
with the wholesaler's EPCIS 1.2 document (GS1 US DSCSA guideline shape: master data,
commissioning with lot and expiry, cases by SSCC, the shipping event; written by
``ShipmentDocuments``, imported as any document is). The discrepancies a receiving dock meets:

1. a package the document lists was not in the box, and one in the box is not in the document
   (expected but not scanned, scanned but not expected);
2. one package's lot in the document is not the lot on its barcode (lot mismatch);
3. one package's expiry in the document is not the expiry on its barcode (expiry mismatch);
4. and 5. clean: every package matched.

Orders 1, 3 and 5 had their document before the goods (the scan that completes the order
reconciles it); orders 2 and 4 were scanned first (importing the document reconciles it). The
exceptions stay open for the demo's users to work.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np

from rxsupply.domain.clock import Clock, FixedClock
from rxsupply.domain.epcis_outbound import Case, Party, Shipment, ShippedUnit, TradeItem, sscc
from rxsupply.domain.product import Product
from rxsupply.domain.purchasing import OrderLine, OrderStatus, PurchaseOrder
from rxsupply.services import purchasing, receiving
from rxsupply.services.demo.tree import facility_code
from rxsupply.services.dscsa.exceptions import list_exceptions
from rxsupply.services.dscsa.importing import import_epcis
from rxsupply.services.ports import DemoItem, UnitOfWork
from rxsupply.services.ports.shipment_documents import ShipmentDocuments

SELLER_PREFIX = "0361414"  # the demo wholesaler's GS1 company prefix (fictional)
PER_CASE = 6
PLANS = (
    # packages, discrepancy, document before the goods
    (6, "missing_and_unexpected", True),
    (5, "lot", False),
    (4, "expiry", True),
    (5, "", False),
    (4, "", True),
)


@dataclass(frozen=True, slots=True)
class DscsaReceipts:
    """The demo's serialised orders and the exceptions left open."""

    orders: list[str]
    open_exceptions: int


def seed_dscsa_receipts(
    uow: UnitOfWork,
    catalogue: Sequence[DemoItem],
    *,
    documents: ShipmentDocuments,
    seed: int,
    clock: Clock,
    user: str,
) -> DscsaReceipts:
    """Order, ship (with documents) and receive by scan the demo's serialised orders (see the
    module); commits each step."""
    rng = np.random.default_rng([seed, 14])
    steady = [
        i
        for i, it in enumerate(catalogue)
        if it.demand in ("high", "medium") and not it.dea_schedule and it.products
    ]
    chosen = sorted(rng.choice(steady, size=min(len(PLANS), len(steady)), replace=False).tolist())
    items = uow.items.get_many([catalogue[i].code for i in chosen])
    wholesaler = uow.prices.primary_wholesaler()
    store = uow.locations.get(f"{facility_code(0)}-STORE")
    facility = uow.locations.get(facility_code(0))
    if wholesaler is None or store is None or facility is None or store.id is None:
        return DscsaReceipts([], 0)
    seller = Party(
        f"urn:epc:id:sgln:{SELLER_PREFIX}.00001.0",
        wholesaler,
        "400 Distribution Parkway",
        "Harrisburg",
        "PA",
        "17110",
    )
    buyer = Party(
        "urn:epc:id:sgln:0399999.00001.0",
        facility.name,
        "1 Hospital Drive",
        "Philadelphia",
        "PA",
        "19104",
    )
    numbers = []
    for n, (idx, (count, trouble, document_first)) in enumerate(
        zip(chosen, PLANS, strict=False), start=1
    ):
        item = items[catalogue[idx].code]
        pid = str(item.product_ids[0])
        product = uow.products.find_many("id", [pid])[pid]
        received = datetime.combine(
            clock.today() - timedelta(days=len(PLANS) + 1 - n), time(10), clock.zone
        )
        at = FixedClock(received, clock.zone)
        number = _order(uow, product, item.code, item.name, count, wholesaler, store.id, at, user)
        expiry = _month_end(clock.today() + timedelta(days=int(rng.integers(420, 720))))
        lot = f"DS{clock.today():%y%m}{n}"
        serials = [f"{n}{int(rng.integers(10**7, 10**8))}{k:02d}" for k in range(count)]
        scans = [(s, lot, expiry) for s in serials]
        listed = list(scans)
        if trouble == "missing_and_unexpected":
            scans[-1] = (f"{n}{int(rng.integers(10**7, 10**8))}99", lot, expiry)
        elif trouble == "lot":
            scans[2] = (serials[2], f"{lot}B", expiry)  # the box holds another lot
        elif trouble == "expiry":
            listed[1] = (serials[1], lot, _month_end(expiry + timedelta(days=40)))
        shipment = _shipment(seller, buyer, product, listed, number, received, n)
        # the document an hour before the truck, or an hour after it (reconciled then)
        if document_first:
            _import(uow, documents, shipment, number, _shifted(at, hours=-1), user)
            _receive(uow, product, number, scans, at, user)
        else:
            _receive(uow, product, number, scans, at, user)
            _import(uow, documents, shipment, number, _shifted(at, hours=1), user)
        numbers.append(number)
    still_open = list_exceptions(uow, open_only=True)
    return DscsaReceipts(numbers, sum(e.order_number in numbers for e in still_open))


def _order(
    uow: UnitOfWork,
    product: Product,
    item_code: str,
    item_name: str,
    packages: int,
    wholesaler: str,
    store_id: int,
    at: FixedClock,
    user: str,
) -> str:
    """A sent order for the packages, approved two days before they arrive."""
    placed = FixedClock(at.now() - timedelta(days=2), at.zone)
    partner = uow.prices.partner(wholesaler, kind="wholesaler")
    order_id = uow.orders.add(
        PurchaseOrder(
            number="",
            wholesaler=wholesaler,
            status=OrderStatus.DRAFT,
            created_at=placed.now(),
            created_by=user,
            lines=[
                OrderLine(
                    line_number=1,
                    product_id=product.id or 0,
                    ndc=str(product.ndc),
                    item_code=item_code,
                    item_name=item_name,
                    package_size=product.package_size,
                    packages=packages,
                    package_price=product.package_cost or Decimal("1.00"),
                    why="serialised order with its EPCIS document (demo)",
                )
            ],
        ),
        partner_id=partner,
        location_id=store_id,
    )
    uow.commit()
    number = f"PO{order_id:06d}"
    purchasing.approve_order(uow, order=number, user=user, clock=placed)
    return number


def _shipment(
    seller: Party,
    buyer: Party,
    product: Product,
    listed: list[tuple[str, str, date]],
    number: str,
    received: datetime,
    n: int,
) -> Shipment:
    units = [ShippedUnit(product.gtin, serial, lot, expiry) for serial, lot, expiry in listed]
    cases = tuple(
        Case(sscc(SELLER_PREFIX, n * 100 + k), tuple(units[start : start + PER_CASE]))
        for k, start in enumerate(range(0, len(units), PER_CASE), start=1)
    )
    labeler = str(product.ndc).split("-")[0]
    item = TradeItem(
        gtin=product.gtin,
        ndc=str(product.ndc),
        name=product.name,
        strength=product.strength,
        dosage_form=product.dosage_form,
        container_size=product.package_description
        or f"{product.package_size} {product.dispense_unit}",
        manufacturer=product.labeler,
        prefix_length=2 + len(labeler),
    )
    return Shipment(
        seller=seller,
        buyer=buyer,
        ship_from=seller,
        ship_to=buyer,
        items=(item,),
        cases=cases,
        shipped_at=received - timedelta(hours=18),
        order_number=number,
        document_number=f"ASN-{number}",
    )


def _import(
    uow: UnitOfWork,
    documents: ShipmentDocuments,
    shipment: Shipment,
    number: str,
    at: FixedClock,
    user: str,
) -> None:
    data, document = documents.document(shipment)
    import_epcis(
        uow,
        document=document,
        file_name=f"{shipment.document_number}.xml",
        sha256=hashlib.sha256(data).hexdigest(),
        facility=facility_code(0),
        order=number,
        user=user,
        clock=at,
    )


def _shifted(at: FixedClock, *, hours: int) -> FixedClock:
    return FixedClock(at.now() + timedelta(hours=hours), at.zone)


def _receive(
    uow: UnitOfWork,
    product: Product,
    number: str,
    scans: list[tuple[str, str, date]],
    at: FixedClock,
    user: str,
) -> None:
    for k, (serial, lot, expiry) in enumerate(scans):
        receiving.receive_against_order(
            uow,
            order=number,
            product=product.gtin,
            lot=lot,
            expiry=expiry,
            packages=1,
            serial=serial,
            user=user,
            clock=FixedClock(at.now() + timedelta(seconds=20 * k), at.zone),
        )


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)
