"""Receiving against a purchase order: package by package (a scan, or an NDC with its lot,
expiry and count) into the order's storeroom, through the ledger's one path, in one
transaction with the order's progress and what the receipt found.

- A product the order has: received (as a ledger receipt naming the order, at the line's
  price per unit); more packages than ordered are received and recorded **over**; an expiry
  sooner than ``min_shelf_days`` from today is received and recorded **short expiry** (the
  buyer may return it); ``damaged`` packages are recorded **damaged** and not received.
- A product the order does not have: recorded **wrong product**, not received.
- Against a ship notice (``ship_notice``, its shipment id): a lot or expiry the notice does not
  list is recorded **not as shipped**, more packages of a lot than it said **over** (see
  :mod:`rxsupply.services.ship_notices`).
- The line is received when its packages are in; the order partly received, then received.
  Closing an order (:func:`close_order`) records each line left short as **short**.
- An order that is a draft, cancelled or closed receives nothing: the receipt is refused.
- A package received by scan (with its serial) is recorded as scanned against the order; the
  scan that completes the order reconciles it against its EPCIS documents (DSCSA; see
  :mod:`rxsupply.services.dscsa.reconciliation`).
- A package the receipt put on hold (received quarantined because an open DSCSA document
  exception names it; quarantined by the exception the completing scan's reconciliation
  opens, received now or earlier) is listed in the answer's ``held``, with its lot, where it
  is and why: the receiver sets it apart on the quarantine shelf
  (:mod:`rxsupply.services.receipt_holds`).
- An order's partner that is not authorized on the receipt's day (DSCSA; see
  :func:`rxsupply.services.trading_partners.check_partner`) ships nothing: the receipt is
  refused with the reason, nothing written.

Each discrepancy is resolved with a note (:func:`resolve_receiving_discrepancy`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from rxsupply.domain.clock import Clock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.fields import check_units, required_text
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.purchasing import (
    LineStatus,
    OrderStatus,
    PurchaseOrder,
    ReceivingDiscrepancy,
    ReceivingIssue,
)
from rxsupply.domain.trading_partner import PartnerPolicy
from rxsupply.errors import DuplicateSerial, InvalidValue, NotFound, OrderRefused, RxSupplyError
from rxsupply.services.audit import record, require_user
from rxsupply.services.dscsa.reconciliation import reconcile_when_ready, record_scan
from rxsupply.services.ledger import Posted, Receive, post
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.purchasing import get_order
from rxsupply.services.receipt_holds import HeldPackage, held_after_receipt
from rxsupply.services.references import resolve_products
from rxsupply.services.ship_notices import compare_with_ship_notice, ship_notice_of
from rxsupply.services.trading_partners import check_partner

RECEIVABLE = (OrderStatus.SENT, OrderStatus.ACKNOWLEDGED, OrderStatus.PARTLY_RECEIVED)
MIN_SHELF_DAYS = 180
"""Days of shelf life a receipt should have left (``--min-shelf-days``): less is recorded."""


class OrderReceipt(NamedTuple):
    """What a receipt against an order answers: the order after it, what it found
    (discrepancies recorded) and the packages it put on hold."""

    order: PurchaseOrder
    found: list[ReceivingDiscrepancy]
    held: list[HeldPackage]


def receive_against_order(
    uow: UnitOfWork,
    *,
    order: str,
    product: str,
    lot: str,
    expiry: date | None,
    packages: int,
    user: str,
    clock: Clock,
    serial: str | None = None,
    damaged: int = 0,
    min_shelf_days: int = MIN_SHELF_DAYS,
    limits: LedgerLimits | None = None,
    external_id: ExternalId | None = None,
    ship_notice: str | None = None,
    partner_policy: PartnerPolicy | None = None,
) -> OrderReceipt:
    """Receive ``packages`` (and record ``damaged`` ones) of a product against an order (and
    against one of its ship notices, by shipment id, when given); the order after, what this
    receipt found and what it put on hold."""
    check_units("packages", packages, allow_zero=True)
    check_units("damaged", damaged, allow_zero=True)
    if packages + damaged == 0:
        raise InvalidValue("packages", "receive at least one package (or record damaged ones)")
    found = get_order(uow, order, lock=True)
    if found.status not in RECEIVABLE:
        raise OrderRefused(
            f"order {found.number} is {found.status.value}: nothing is received against it"
        )
    check_partner(uow, partner=found.wholesaler, on=clock.today(), policy=partner_policy)
    notice = ship_notice_of(uow, found, ship_notice) if ship_notice is not None else None
    now, today = clock.now(), clock.today()
    resolved = resolve_products(uow, [product]).get(product)
    if not isinstance(resolved, int):
        raise NotFound("product", product, str(resolved))
    line = next((ln for ln in found.lines if ln.product_id == resolved), None)
    issues: list[ReceivingDiscrepancy] = []

    def issue(kind: ReceivingIssue, count: int, note: str) -> None:
        issues.append(
            ReceivingDiscrepancy(
                order_number=found.number,
                line_number=line.line_number if line else None,
                issue=kind,
                ndc=line.ndc if line else product[:20],
                lot=lot[:40],
                packages=count,
                note=note,
                recorded_by=user,
                recorded_at=now,
            )
        )

    package: tuple[str, str] | None = None  # the serialised package received, if any
    if line is None or line.status is LineStatus.CANCELLED:
        why = "the order does not have it" if line is None else "its line was cancelled"
        issue(ReceivingIssue.WRONG_PRODUCT, packages + damaged, f"{product}: {why}; not received")
        return _finish(uow, found, issues, user=user, clock=clock)
    if damaged:
        issue(ReceivingIssue.DAMAGED, damaged, f"{damaged} damaged on arrival; not received")
    if packages:
        left = max(line.packages - line.received_packages, 0)
        if packages > left:
            issue(
                ReceivingIssue.OVER,
                packages - left,
                f"{packages} received, {left} still ordered on line {line.line_number}",
            )
        if notice is not None:
            issues.extend(
                compare_with_ship_notice(
                    uow,
                    notice=notice,
                    line=line,
                    lot=lot,
                    expiry=expiry,
                    packages=packages,
                    over_order=packages > left,
                    user=user,
                    now=now,
                )
            )
        if expiry is not None and expiry < today + timedelta(days=min_shelf_days):
            issue(
                ReceivingIssue.SHORT_EXPIRY,
                packages,
                f"lot {lot} expires {expiry.isoformat()}: under {min_shelf_days} days of shelf "
                "life",
            )
        receipt = Receive(
            user=user,
            product=product,
            lot=lot,
            expiry=expiry,
            packages=packages,
            quantity=None,
            serial=serial,
            location=uow.orders.location_code(found.id or 0),
            reference=found.number,
            unit_cost=(line.package_price / max(line.package_size, 1)).quantize(Decimal("0.0001")),
            external_id=external_id,
        )
        (result,) = post(uow, [receipt], clock=clock, limits=limits, commit=False)
        if isinstance(result, RxSupplyError):
            uow.rollback()  # the ship notice's counts, the order's: nothing is received
            if isinstance(result, DuplicateSerial):
                # the posting flags the package first received suspect even though it refuses
                # this one: posted again alone, the flag is all it writes, and it is kept
                post(uow, [receipt], clock=clock, limits=limits)
            raise result
        if isinstance(result, Posted) and result.duplicate:
            uow.rollback()
            return OrderReceipt(get_order(uow, found.number), [], [])
        received = line.received_packages + packages
        status = LineStatus.RECEIVED if received >= line.packages else line.status
        uow.orders.set_received(found.id or 0, line.line_number, received, status)
        line.received_packages, line.status = received, status
        if serial is not None:
            scanned = product if len(product) == 14 and product.isdigit() else None
            package = (scanned or _gtin_of(uow, resolved), serial)
            record_scan(
                uow,
                order=found,
                gtin=package[0],
                serial=serial,
                lot=lot,
                expiry=expiry,
                product_id=resolved,
                user=user,
                now=now,
                clock=clock,
            )
    return _finish(
        uow, found, issues, user=user, clock=clock, scanned=serial is not None, package=package
    )


def _gtin_of(uow: UnitOfWork, product_id: int) -> str:
    found = uow.products.find("id", str(product_id))
    assert found is not None
    return found.gtin


def _finish(
    uow: UnitOfWork,
    found: PurchaseOrder,
    issues: list[ReceivingDiscrepancy],
    *,
    user: str,
    clock: Clock,
    scanned: bool = False,
    package: tuple[str, str] | None = None,
) -> OrderReceipt:
    live = [ln for ln in found.lines if ln.status is not LineStatus.CANCELLED]
    if live and all(ln.status is LineStatus.RECEIVED for ln in live):
        status = OrderStatus.RECEIVED
    elif any(ln.received_packages for ln in found.lines):
        status = OrderStatus.PARTLY_RECEIVED
    else:
        status = found.status
    if status is not found.status:
        uow.orders.set_status(found.id or 0, allowed=RECEIVABLE, status=status)
    uow.orders.add_discrepancies(found.id or 0, issues)
    record(
        uow,
        user=user,
        action="receive_against_order",
        entity="purchase_order",
        key=found.number,
        now=clock.now(),
        before={"status": found.status.value},
        after={"status": status.value, "found": [d.as_dict() for d in issues]},
    )
    reconciled = None
    if scanned and status is OrderStatus.RECEIVED:
        # the scan that completes the receipt reconciles it against its documents, in the
        # receipt's transaction (a failing reconciliation takes the receipt back with it)
        reconciled = reconcile_when_ready(uow, order=found.number, user=user, clock=clock)
    held = held_after_receipt(uow, received=package, reconciled=reconciled)
    uow.commit()
    return OrderReceipt(get_order(uow, found.number), issues, held)


def close_order(uow: UnitOfWork, *, order: str, user: str, clock: Clock) -> PurchaseOrder:
    """Close a received or partly received order: each line left short is recorded short."""
    require_user(user)
    found = get_order(uow, order)
    if found.status not in (OrderStatus.PARTLY_RECEIVED, OrderStatus.RECEIVED):
        raise OrderRefused(
            f"order {found.number} is {found.status.value}: only a received or partly received "
            "order is closed"
        )
    now = clock.now()
    short = [
        ReceivingDiscrepancy(
            order_number=found.number,
            line_number=ln.line_number,
            issue=ReceivingIssue.SHORT,
            ndc=ln.ndc,
            packages=ln.packages - ln.received_packages,
            note=f"{ln.received_packages} of {ln.packages} received when the order was closed",
            recorded_by=user,
            recorded_at=now,
        )
        for ln in found.lines
        if ln.status in (LineStatus.OPEN, LineStatus.BACKORDERED)
        and ln.received_packages < ln.packages
    ]
    uow.orders.add_discrepancies(found.id or 0, short)
    uow.orders.set_status(
        found.id or 0,
        allowed=[OrderStatus.PARTLY_RECEIVED, OrderStatus.RECEIVED],
        status=OrderStatus.CLOSED,
    )
    record(
        uow,
        user=user,
        action="close_order",
        entity="purchase_order",
        key=found.number,
        now=now,
        before={"status": found.status.value},
        after={"status": OrderStatus.CLOSED.value, "short": [d.as_dict() for d in short]},
    )
    uow.commit()
    return get_order(uow, found.number)


def receiving_discrepancies(uow: UnitOfWork, *, order: str) -> list[ReceivingDiscrepancy]:
    found = get_order(uow, order)
    return uow.orders.discrepancies(found.id or 0)


def resolve_receiving_discrepancy(
    uow: UnitOfWork, *, discrepancy_id: int, resolution: str, user: str, clock: Clock
) -> None:
    """Resolve a receiving discrepancy with what was done (returned, credited, accepted)."""
    require_user(user)
    note = required_text(
        "resolution",
        resolution,
        limit=500,
        why="say what was done: returned, credit requested, ...",
    )
    now = clock.now()
    if not uow.orders.resolve_discrepancy(discrepancy_id, resolution=note, user=user, now=now):
        raise OrderRefused(f"receiving discrepancy {discrepancy_id} is unknown or resolved already")
    record(
        uow,
        user=user,
        action="resolve_receiving_discrepancy",
        entity="receiving_discrepancy",
        key=str(discrepancy_id),
        now=now,
        after={"resolution": note},
    )
    uow.commit()
