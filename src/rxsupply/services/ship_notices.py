"""A wholesaler's advance ship notices (X12 856, read by :mod:`rxsupply.adapters.x12_856`) and
receiving against one.

- :func:`record_ship_notice`: a notice of an order sent, acknowledged or being received, from
  the sender on file for the order's wholesaler when one is (its EDI id), is
  recorded once per sender and shipment id (the same notice again answers as recorded; the
  same shipment id for another order is refused, naming the order it is on); every
  NDC it lists must be on the order, or nothing is recorded. Packages shipped beyond what a
  line ordered are **not** refused: the notice says what is on the truck, and the overage is
  recorded **over** when the packages are counted in (a promise is not a receipt); the answer
  warns of it.
- :func:`compare_with_ship_notice` (called by
  :func:`rxsupply.services.receiving.receive_against_order` when a receipt names a shipment):
  a lot or an expiry the notice does not list for that product is recorded **not as shipped**
  (received: the package in hand is the truth, the wholesaler corrects its transaction
  information); more packages of a lot than the notice said (over every entry of the lot: an
  856 lists a lot once per case) are recorded **over**.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from rxsupply.domain.clock import Clock
from rxsupply.domain.fields import check_units
from rxsupply.domain.ndc import NDC
from rxsupply.domain.purchasing import (
    LineStatus,
    OrderLine,
    OrderStatus,
    PurchaseOrder,
    ReceivingDiscrepancy,
    ReceivingIssue,
)
from rxsupply.domain.shipping import ExpectedPackages, ShipNotice
from rxsupply.errors import InvalidValue, NotFound, OrderRefused
from rxsupply.services.audit import record, require_user
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.purchasing import get_order
from rxsupply.services.trading_partners import check_edi_sender

SHIPPABLE = (
    OrderStatus.SENT,
    OrderStatus.ACKNOWLEDGED,
    OrderStatus.PARTLY_RECEIVED,
    OrderStatus.RECEIVED,
)
INVOICEABLE = (*SHIPPABLE, OrderStatus.CLOSED)
"""An invoice often comes after the order is closed; a ship notice does not."""
DOCUMENT = "the document"
"""How a refusal names a document that came without a file name (posted to the API)."""


def order_of(
    uow: UnitOfWork,
    number: str,
    *,
    field: str,
    what: str,
    allowed: tuple[OrderStatus, ...] = SHIPPABLE,
) -> PurchaseOrder:
    """The order a wholesaler's document names, refused unless it is in an ``allowed`` state
    (sent or further on, not cancelled)."""
    try:
        found = get_order(uow, number)
    except NotFound:
        raise NotFound("purchase order", number, f"named in {field}") from None
    if found.status not in allowed:
        raise OrderRefused(f"order {found.number} is {found.status.value}: it takes no {what}")
    return found


def refuse_if_elsewhere(
    what: str, field: str, key: str, recorded_on: str, order: PurchaseOrder
) -> None:
    """A document its sender sent before (same id) is recorded again only on the same order:
    the same id on another order is refused, naming the order it is on."""
    if recorded_on != order.number:
        raise OrderRefused(
            f"{what} {key} ({field}) is recorded already on order {recorded_on}: "
            f"not recorded on {order.number}"
        )


def line_by_ndc(order: PurchaseOrder) -> dict[str, OrderLine]:
    """The order's live lines by the 11 digits of their NDC."""
    return {
        NDC.parse(ln.ndc).ndc11: ln for ln in order.lines if ln.status is not LineStatus.CANCELLED
    }


def record_ship_notice(
    uow: UnitOfWork,
    *,
    notice: ShipNotice,
    user: str,
    clock: Clock,
    source: str = DOCUMENT,
) -> tuple[ShipNotice, list[str], bool]:
    """Record a ship notice (``source`` names its file); the notice as recorded, what it warns
    of (a sender not checked, packages beyond what was ordered), and whether it was recorded
    already (then nothing is written). A notice from another sender than the EDI id on file
    for the order's wholesaler is refused (:func:`check_edi_sender`)."""
    require_user(user)
    found = order_of(uow, notice.po_number, field="PRF01", what="ship notice")
    unchecked = check_edi_sender(
        uow, wholesaler=found.wholesaler, order=found.number, sender=notice.sender, source=source
    )
    recorded_on = uow.shipping.notice_order(notice.sender, notice.shipment_id)
    if recorded_on is not None:
        refuse_if_elsewhere("ship notice", "BSN02", notice.shipment_id, recorded_on, found)
        same = next(
            n
            for n in uow.shipping.notices(found.id or 0)
            if (n.sender, n.shipment_id) == (notice.sender, notice.shipment_id)
        )
        return same, unchecked, True
    lines = line_by_ndc(found)
    shipped: dict[int, int] = {}
    mapped = []
    for ln in notice.lines:
        check_units("SN102", ln.packages)
        ordered = lines.get(ln.ndc)
        if ordered is None:
            raise InvalidValue("LIN03", f"order {found.number} has no line of NDC {ln.ndc}")
        mapped.append(
            replace(
                ln,
                product_id=ordered.product_id,
                ndc=ordered.ndc,
                line_number=ordered.line_number,
            )
        )
        shipped[ordered.line_number] = shipped.get(ordered.line_number, 0) + ln.packages
    warnings = unchecked + [
        f"line {ln.line_number} ({ln.ndc}): {shipped[ln.line_number]} packages shipped, "
        f"{ln.packages - ln.received_packages} still ordered; the overage is recorded over when "
        "it is received"
        for ln in found.lines
        if shipped.get(ln.line_number, 0) > ln.packages - ln.received_packages
    ]
    now = clock.now()
    notice = replace(
        notice, lines=mapped, po_number=found.number, recorded_by=user, recorded_at=now
    )
    notice.id = uow.shipping.add_notice(found.id or 0, notice)
    record(
        uow,
        user=user,
        action="record_ship_notice",
        entity="purchase_order",
        key=found.number,
        now=now,
        after={
            "shipment_id": notice.shipment_id,
            "from": notice.sender,
            "packages": notice.packages,
            "warnings": warnings,
        },
    )
    uow.commit()
    return notice, warnings, False


def ship_notices(uow: UnitOfWork, *, order: str) -> list[ShipNotice]:
    found = get_order(uow, order)
    return uow.shipping.notices(found.id or 0)


def ship_notice_of(uow: UnitOfWork, order: PurchaseOrder, shipment: str) -> ShipNotice:
    """One of the order's ship notices, by its shipment id."""
    found = next(
        (n for n in uow.shipping.notices(order.id or 0) if n.shipment_id == shipment), None
    )
    if found is None:
        raise NotFound("ship notice", shipment, f"order {order.number} has no such ship notice")
    return found


def compare_with_ship_notice(
    uow: UnitOfWork,
    *,
    notice: ShipNotice,
    line: OrderLine,
    lot: str,
    expiry: date | None,
    packages: int,
    over_order: bool,
    user: str,
    now: datetime,
) -> list[ReceivingDiscrepancy]:
    """What a receipt of ``packages`` of ``lot`` on ``line`` finds against the notice (and the
    packages counted in against the notice's lot); ``over_order``: the receipt is recorded
    over against the order already."""

    def issue(kind: ReceivingIssue, count: int, note: str) -> ReceivingDiscrepancy:
        return ReceivingDiscrepancy(
            order_number=notice.po_number,
            line_number=line.line_number,
            issue=kind,
            ndc=line.ndc,
            lot=lot[:40],
            packages=count,
            note=note,
            recorded_by=user,
            recorded_at=now,
        )

    mine = [ln for ln in notice.lines if ln.product_id == line.product_id]
    same = [ln for ln in mine if ln.lot == lot]  # one entry per case (SSCC) the lot is in
    where = f"ship notice {notice.shipment_id}"
    if not same:
        listed = ", ".join(dict.fromkeys(ln.lot or "no lot" for ln in mine))
        why = f"{where} lists lot {listed}" if mine else f"{where} does not list {line.ndc}"
        return [issue(ReceivingIssue.NOT_AS_SHIPPED, packages, f"lot {lot}: {why}; received")]
    out = []
    said = sorted({ln.expiry for ln in same if ln.expiry is not None})
    if said and expiry is not None and expiry not in said:
        out.append(
            issue(
                ReceivingIssue.NOT_AS_SHIPPED,
                packages,
                f"lot {lot} expires {expiry.isoformat()}; {where} says "
                f"{', '.join(d.isoformat() for d in said)}; received",
            )
        )
    left = sum(max(ln.packages - ln.received_packages, 0) for ln in same)
    if packages > left and not over_order:
        out.append(
            issue(
                ReceivingIssue.OVER,
                packages - left,
                f"{packages} of lot {lot} received; {where} had {left} still to come",
            )
        )
    for ln, count in _spread(same, packages):
        uow.shipping.add_received(ln.id or 0, count)
        ln.received_packages += count
    return out


def _spread(entries: list[ExpectedPackages], packages: int) -> list[tuple[ExpectedPackages, int]]:
    """The packages received against a lot's entries: each entry filled in the notice's order,
    any beyond them all against the last."""
    out = []
    for i, ln in enumerate(entries):
        left = ln.packages - ln.received_packages
        take = max(packages if i == len(entries) - 1 else min(left, packages), 0)
        if take:
            out.append((ln, take))
            packages -= take
    return out
