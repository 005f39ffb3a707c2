"""A wholesaler's acknowledgement of a purchase order (X12 855, read by
:mod:`rxsupply.adapters.x12_inbound`): :func:`acknowledge_order` marks each line accepted,
backordered (a shortage signal), rejected or changed in quantity, and the order acknowledged,
or cancelled when the wholesaler rejects it whole; in one transaction with its audit entry.

A line newly backordered raises a ``backorder`` shortage of its item, or attaches to the one
already current (:func:`rxsupply.services.shortages.raise_backorder_shortages`), in the same
transaction: the shortage is known the moment the backorder is."""

from __future__ import annotations

from rxsupply.domain.clock import Clock
from rxsupply.domain.purchasing import LineStatus, OrderAck, OrderLine, OrderStatus, PurchaseOrder
from rxsupply.errors import InvalidValue, OrderRefused
from rxsupply.services.audit import record, require_user
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.purchasing import get_order
from rxsupply.services.ship_notices import DOCUMENT
from rxsupply.services.shortages import raise_backorder_shortages
from rxsupply.services.trading_partners import check_edi_sender

ACK_LINE = {
    "IA": LineStatus.OPEN,
    "IQ": LineStatus.OPEN,
    "IB": LineStatus.BACKORDERED,
    "IR": LineStatus.CANCELLED,
    "ID": LineStatus.CANCELLED,
}


def acknowledge_order(
    uow: UnitOfWork, *, ack: OrderAck, user: str, clock: Clock, source: str = DOCUMENT
) -> tuple[PurchaseOrder, list[str]]:
    """Record a wholesaler's acknowledgement (X12 855; ``source`` names its file) of a sent
    order: each line accepted, backordered (a shortage signal), rejected or changed in
    quantity; the order acknowledged, or cancelled when the wholesaler rejects it whole
    (``BAK02`` RJ). The order after, and what the acknowledgement warns of (a sender not
    checked). One from another sender than the EDI id on file for the order's wholesaler is
    refused (:func:`check_edi_sender`)."""
    require_user(user)
    found = get_order(uow, ack.po_number)
    if found.status not in (OrderStatus.SENT, OrderStatus.ACKNOWLEDGED):
        raise OrderRefused(
            f"order {found.number} is {found.status.value}: an acknowledgement cannot change it"
        )
    unchecked = check_edi_sender(
        uow, wholesaler=found.wholesaler, order=found.number, sender=ack.sender, source=source
    )
    by_number = {ln.line_number: ln for ln in found.lines}
    changed: list[dict[str, object]] = []
    backordered: list[OrderLine] = []
    for answer in ack.lines:
        line = by_number.get(answer.line_number)
        if line is None:
            raise InvalidValue("PO101", f"order {found.number} has no line {answer.line_number}")
        status = ACK_LINE.get(answer.status)
        if status is None:
            raise InvalidValue(
                "ACK01", f"line {answer.line_number}: {answer.status!r} is not IA, IB, IR, ID or IQ"
            )
        if answer.status == "IQ":
            if answer.quantity is None or answer.quantity <= 0:
                raise InvalidValue(
                    "ACK02", f"line {answer.line_number}: a changed quantity above 0"
                )
            line.packages = answer.quantity
        if status is LineStatus.BACKORDERED and line.status is not LineStatus.BACKORDERED:
            backordered.append(line)
        line.status = status
        changed.append(
            {
                "line": line.line_number,
                "ndc": line.ndc,
                "status": status.value,
                "packages": line.packages,
            }
        )
    rejected = ack.ack_type == "RJ"
    new_status = OrderStatus.CANCELLED if rejected else OrderStatus.ACKNOWLEDGED
    uow.orders.replace_lines(found.id or 0, found.lines)
    if not uow.orders.set_status(
        found.id or 0,
        allowed=[OrderStatus.SENT, OrderStatus.ACKNOWLEDGED],
        status=new_status,
        note="rejected by the wholesaler (855)" if rejected else None,
    ):
        raise OrderRefused(f"order {found.number} changed meanwhile")
    shortages = raise_backorder_shortages(
        uow,
        order=found.number,
        wholesaler=found.wholesaler,
        lines=backordered if not rejected else [],
        user=user,
        clock=clock,
    )
    record(
        uow,
        user=user,
        action="acknowledge_order",
        entity="purchase_order",
        key=found.number,
        now=clock.now(),
        before={"status": found.status.value},
        after={
            "status": new_status.value,
            "ack_type": ack.ack_type,
            "from": ack.sender,
            "lines": changed,
            "backordered": [
                c["ndc"] for c in changed if c["status"] == LineStatus.BACKORDERED.value
            ],
            "shortages": shortages,
        },
    )
    uow.commit()
    return get_order(uow, found.number), unchecked
