"""Transfers between locations: requested, picked, in transit, received (or cancelled).

A transfer asks for ``quantity`` dispense units of an item (or of one product) to go from one
location to another. Its states:

- **requested**: who wants what, from where to where. Nothing moves.
- **picked**: the source picked usable stock, earliest expiry first, with the allocation the
  ledger uses; the lines name the lot and the place (a storeroom bin, a pocket) each comes
  from. Nothing moves yet (a pick reserves nothing: shipping posts exactly the lines, and is
  refused when one is no longer there or no longer usable: pick again).
- **in transit**: shipped. Each line moved through the ledger from its place into the source
  facility's *transit location* (kind ``transit``, code ``<FACILITY>-TRANSIT``): the stock is on
  the books, at a place no pick sees, until it arrives.
- **received**: the destination received it, line by line from the transit location, possibly
  short: units not received stay in transit and are recorded as a discrepancy to resolve.
- **cancelled**: before it ships only; once stock has left the source it is received (a
  return is a new transfer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from rxsupply.errors import TransferRefused


class TransferStatus(StrEnum):
    REQUESTED = "requested"
    PICKED = "picked"
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    CANCELLED = "cancelled"


# What each step needs the transfer to be in.
ALLOWED: dict[str, frozenset[TransferStatus]] = {
    "pick": frozenset({TransferStatus.REQUESTED, TransferStatus.PICKED}),
    "ship": frozenset({TransferStatus.PICKED}),
    "receive": frozenset({TransferStatus.IN_TRANSIT}),
    "cancel": frozenset({TransferStatus.REQUESTED, TransferStatus.PICKED}),
}


@dataclass(slots=True)
class TransferLine:
    """``quantity`` units of one lot picked at ``location``; ``received`` of them arrived."""

    line_number: int
    location: str
    ndc: str
    lot: str
    expiry: date | None
    quantity: int
    received: int | None = None
    location_id: int | None = None
    product_id: int | None = None
    lot_id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line_number,
            "location": self.location,
            "ndc": self.ndc,
            "lot": self.lot,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "quantity": self.quantity,
            "received": self.received,
        }


@dataclass(slots=True)
class Transfer:
    """A transfer and who did each step when."""

    from_location: str
    to_location: str
    quantity: int
    requested_by: str
    requested_at: datetime
    item: str = ""
    product: str = ""
    note: str = ""
    status: TransferStatus = TransferStatus.REQUESTED
    number: str = ""
    id: int | None = None
    lines: list[TransferLine] = field(default_factory=list)
    picked_by: str = ""
    picked_at: datetime | None = None
    shipped_by: str = ""
    shipped_at: datetime | None = None
    received_by: str = ""
    received_at: datetime | None = None
    cancelled_by: str = ""
    cancelled_at: datetime | None = None
    cancel_reason: str = ""

    @property
    def what(self) -> str:
        return self.item or self.product

    @property
    def picked(self) -> int:
        return sum(ln.quantity for ln in self.lines)

    @property
    def received(self) -> int | None:
        if self.status is not TransferStatus.RECEIVED:
            return None
        return sum(ln.received or 0 for ln in self.lines)

    @property
    def short(self) -> int:
        """Units shipped that did not arrive (received transfers only)."""
        got = self.received
        return 0 if got is None else self.picked - got

    def check(self, step: str) -> None:
        """Refuse a step the transfer's state does not allow, saying why."""
        if self.status in ALLOWED[step]:
            return
        if step == "cancel" and self.status is TransferStatus.IN_TRANSIT:
            raise TransferRefused(
                f"transfer {self.number} has shipped: its stock left {self.from_location}; "
                "receive it (a return is a new transfer)"
            )
        raise TransferRefused(
            f"transfer {self.number} is {self.status.value}: it cannot be {_DONE[step]}"
        )

    def as_dict(self) -> dict[str, object]:
        def stamp(at: datetime | None) -> str | None:
            return at.isoformat() if at else None

        return {
            "number": self.number,
            "status": self.status.value,
            "from_location": self.from_location,
            "to_location": self.to_location,
            "item": self.item or None,
            "product": self.product or None,
            "quantity": self.quantity,
            "picked": self.picked,
            "received": self.received,
            "short": self.short,
            "note": self.note,
            "requested_by": self.requested_by,
            "requested_at": stamp(self.requested_at),
            "picked_by": self.picked_by or None,
            "picked_at": stamp(self.picked_at),
            "shipped_by": self.shipped_by or None,
            "shipped_at": stamp(self.shipped_at),
            "received_by": self.received_by or None,
            "received_at": stamp(self.received_at),
            "cancelled_by": self.cancelled_by or None,
            "cancelled_at": stamp(self.cancelled_at),
            "cancel_reason": self.cancel_reason,
            "lines": [ln.as_dict() for ln in self.lines],
        }


_DONE = {"pick": "picked", "ship": "shipped", "receive": "received", "cancel": "cancelled"}


def split_received(lines: list[TransferLine], received: int) -> list[int]:
    """How ``received`` units spread over the shipped lines: in line order (earliest expiry
    first, as picked), each line up to its quantity."""
    out: list[int] = []
    left = received
    for ln in lines:
        take = min(left, ln.quantity)
        out.append(take)
        left -= take
    return out
