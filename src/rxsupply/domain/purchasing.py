"""Purchase orders: what the storeroom buys from a wholesaler, and the states an order goes
through.

An order is suggested as a **draft** (one per wholesaler, from the storeroom's reorder points),
reviewed and **approved** by a buyer, which sends it (**sent**: the wholesaler's CSV and an
X12 850); the wholesaler **acknowledges** it (855), ships it (856) and invoices it (810); it is
**partly received** and **received** line by line, then **closed**; a draft or an order not yet
received may be **cancelled**. Lines are whole packages of one product at a package price;
a line may be backordered or cancelled by the wholesaler. A Schedule II line needs its DEA Form
222 serial number or its CSOS order number before the order can be sent (21 CFR 1305).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from rxsupply.errors import InvalidValue


class OrderStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    PARTLY_RECEIVED = "partly_received"
    RECEIVED = "received"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class LineStatus(StrEnum):
    OPEN = "open"
    BACKORDERED = "backordered"
    CANCELLED = "cancelled"
    RECEIVED = "received"


OPEN_ORDER = frozenset({OrderStatus.SENT, OrderStatus.ACKNOWLEDGED, OrderStatus.PARTLY_RECEIVED})
"""Orders whose open lines are on order (a draft is not yet on order)."""
_DEA_FORM = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{5,39}")


def check_dea_form_number(text: str) -> str:
    """A DEA Form 222 serial number (9 digits on the single-sheet form) or a CSOS order number
    (letters, digits and dashes): 6 to 40 characters."""
    value = text.strip()
    if not _DEA_FORM.fullmatch(value):
        raise InvalidValue(
            "dea_form_number",
            "a DEA Form 222 serial number or a CSOS order number: 6 to 40 letters, digits or -",
            text[:40],
        )
    return value


@dataclass(slots=True, kw_only=True)
class OrderLine:
    """``packages`` of one product at ``package_price`` (its ``contract``, when on one);
    ``why`` says how the suggestion came about."""

    line_number: int
    product_id: int
    ndc: str
    item_code: str
    item_name: str
    package_size: int
    packages: int
    package_price: Decimal
    contract: str = ""
    schedule: str = ""
    dea_form_number: str = ""
    status: LineStatus = LineStatus.OPEN
    received_packages: int = 0
    why: str = ""
    id: int | None = None

    @property
    def units(self) -> int:
        return self.packages * self.package_size

    @property
    def value(self) -> Decimal:
        return self.package_price * self.packages

    @property
    def needs_dea_form(self) -> bool:
        return self.schedule == "CII"

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line_number,
            "ndc": self.ndc,
            "item": self.item_code,
            "item_name": self.item_name,
            "packages": self.packages,
            "package_size": self.package_size,
            "units": self.units,
            "package_price": str(self.package_price),
            "value": str(self.value),
            "contract": self.contract or None,
            "schedule": self.schedule or None,
            "dea_form_number": self.dea_form_number or None,
            "status": self.status.value,
            "received_packages": self.received_packages,
            "why": self.why,
        }


@dataclass(slots=True, kw_only=True)
class PurchaseOrder:
    number: str
    wholesaler: str
    status: OrderStatus
    created_at: datetime
    created_by: str
    lines: list[OrderLine] = field(default_factory=list)
    approved_by: str = ""
    approved_at: datetime | None = None
    note: str = ""
    id: int | None = None

    @property
    def value(self) -> Decimal:
        return sum((ln.value for ln in self.lines if ln.status != LineStatus.CANCELLED), Decimal(0))

    def problems_before_sending(self) -> list[str]:
        """Why the order cannot be sent yet (nothing when it can)."""
        out = []
        if self.status is not OrderStatus.DRAFT:
            out.append(f"order {self.number} is {self.status.value}, not a draft")
        live = [ln for ln in self.lines if ln.status != LineStatus.CANCELLED]
        if not live:
            out.append(f"order {self.number} has no lines")
        for ln in live:
            if ln.needs_dea_form and not ln.dea_form_number:
                out.append(
                    f"line {ln.line_number} ({ln.ndc} {ln.item_name}) is Schedule II: it needs "
                    "its DEA Form 222 or CSOS order number"
                )
        return out

    def as_dict(self, *, lines: bool = True) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id,
            "number": self.number,
            "wholesaler": self.wholesaler,
            "status": self.status.value,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "approved_by": self.approved_by or None,
            "approved_at": self.approved_at.isoformat() if self.approved_at else None,
            "lines_count": len(self.lines),
            "value": str(self.value),
            "note": self.note,
        }
        if lines:
            out["lines"] = [ln.as_dict() for ln in self.lines]
        return out


@dataclass(frozen=True, slots=True)
class LineAck:
    """A wholesaler's answer on one order line (X12 855 ``ACK``): ``status`` IA accepted, IB
    backordered, IR or ID rejected or deleted, IQ quantity changed (to ``quantity``)."""

    line_number: int
    status: str
    quantity: int | None


@dataclass(frozen=True, slots=True)
class OrderAck:
    """A wholesaler's acknowledgement of a purchase order (X12 855)."""

    po_number: str
    ack_type: str
    sender: str
    lines: list[LineAck] = field(default_factory=list)


class ReceivingIssue(StrEnum):
    """What a receipt against an order found (each recorded with its resolution)."""

    OVER = "over"  # more packages than ordered: received
    SHORT = "short"  # fewer than ordered when the order was closed
    WRONG_PRODUCT = "wrong_product"  # a product the order does not have: not received
    DAMAGED = "damaged"  # packages damaged on arrival: not received
    SHORT_EXPIRY = "short_expiry"  # expiry sooner than the minimum days of shelf life: received
    NOT_AS_SHIPPED = "not_as_shipped"  # a lot or expiry the ship notice (856) lacks: received


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceivingDiscrepancy:
    order_number: str
    issue: ReceivingIssue
    ndc: str
    packages: int
    note: str
    recorded_by: str
    recorded_at: datetime
    line_number: int | None = None
    lot: str = ""
    resolution: str = ""
    resolved_by: str = ""
    resolved_at: datetime | None = None
    id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "order": self.order_number,
            "line": self.line_number,
            "issue": self.issue.value,
            "ndc": self.ndc,
            "lot": self.lot or None,
            "packages": self.packages,
            "note": self.note,
            "recorded_by": self.recorded_by,
            "recorded_at": self.recorded_at.isoformat(),
            "resolution": self.resolution or None,
            "resolved_by": self.resolved_by or None,
            "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None,
        }
