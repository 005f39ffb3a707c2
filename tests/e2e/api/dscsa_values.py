"""What the role walk needs to call the reconciliation routes: an order with the seller's
EPCIS document and packages scanned against it, reconciled (its exceptions open), and an open
exception. The order is from a wholesaler with no licence on file, so the walk's own
authorizations of Example Wholesale Drug Co never stop its receipts."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine
from tests.conftest import CLOCK, NOW
from tests.dscsa_shipments import GTIN, ship

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.dscsa_exception import ExceptionState
from rxsupply.domain.purchasing import OrderLine, OrderStatus, PurchaseOrder
from rxsupply.services import receiving
from rxsupply.services.dscsa import reconciliation

WHOLESALER = "DSCSA Walk Wholesale"
FAR = date(2030, 1, 31)


def made_order(engine: Engine) -> str:
    """A new sent order for 4 ondansetron trays: the document ships two, two are scanned (one
    of them not in the document), reconciled."""
    with SqlUnitOfWork(engine) as uow:
        tray = uow.products.find("ndc", "98765-401-02")
        store = uow.locations.get("MAIN-STORE")
        assert tray is not None and tray.id is not None and store is not None
        partner = uow.prices.partner(WHOLESALER, kind="wholesaler")
        order_id = uow.orders.add(
            PurchaseOrder(
                number="",
                wholesaler=WHOLESALER,
                status=OrderStatus.SENT,
                created_at=NOW,
                created_by="tests",
                lines=[
                    OrderLine(
                        line_number=1,
                        product_id=tray.id,
                        ndc="98765-401-02",
                        item_code="ONDA4INJ",
                        item_name="ondansetron",
                        package_size=25,
                        packages=4,
                        package_price=Decimal("15.00"),
                    )
                ],
            ),
            partner_id=partner,
            location_id=store.id or 0,
        )
        uow.commit()
        number = f"PO{order_id:06d}"
    lot, tag = f"W{uuid.uuid4().hex[:8]}", uuid.uuid4().hex[:10]
    ship(engine, number, [(f"A{tag}", lot, FAR), (f"B{tag}", lot, FAR)])
    for serial in (f"A{tag}", f"C{tag}"):
        with SqlUnitOfWork(engine) as uow:
            receiving.receive_against_order(
                uow,
                order=number,
                product=GTIN,
                lot=lot,
                expiry=FAR,
                packages=1,
                serial=serial,
                user="tests",
                clock=CLOCK,
            )
    with SqlUnitOfWork(engine) as uow:
        reconciliation.reconcile_order(uow, order=number, user="tests", clock=CLOCK)
    return number


def reconciled_order(engine: Engine) -> str:
    """The walk's reconciled order (made on the first call)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = uow.reconciliation.exceptions(limit=1)
    return found[0].order_number if found else made_order(engine)


def open_exception(engine: Engine) -> str:
    """An exception not resolved (a new order's when every one is resolved)."""
    open_states = (ExceptionState.OPEN, ExceptionState.SELLER_CONTACTED)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = uow.reconciliation.exceptions(states=open_states, limit=1)
    if not found:
        made_order(engine)
        with SqlUnitOfWork(engine, readonly=True) as uow:
            found = uow.reconciliation.exceptions(states=open_states, limit=1)
    return str(found[0].id)
