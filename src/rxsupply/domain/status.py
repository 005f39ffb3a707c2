"""Stock status: which stock may be handed out.

A lot (product + lot number) and a serialised package each have a status. Only *available*
stock that has not expired is usable; picking of every kind (transfers, refills, dispenses,
pick lists) takes usable stock only, earliest expiry first. Quarantined, recalled and suspect
stock is *blocked*: it stays on hand (it must be found, counted and returned or destroyed)
but it moves only into a quarantine location or out of the hospital (waste, return to vendor),
or with an override that a second user, a manager, approves. Returned, destroyed, dispensed
and opened are terminal: a serialised package in one of them has left the ledger's package
tracking (its units, if any remain, are loose dispense units).

*Expired* is not a stored status: it is derived from the lot's expiry and the facility's day.
A lot is usable through its expiry date and expired from the day after (a label's "EXP 03/2027"
means the last day of March 2027, which the barcode's day ``00`` also says).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from rxsupply.errors import InvalidValue


class StockStatus(StrEnum):
    AVAILABLE = "available"
    QUARANTINED = "quarantined"
    RECALLED = "recalled"
    SUSPECT = "suspect"
    OPENED = "opened"  # a serialised package opened into dispense units
    RETURNED = "returned"
    DESTROYED = "destroyed"
    DISPENSED = "dispensed"

    @property
    def blocked(self) -> bool:
        return self in BLOCKED

    @property
    def terminal(self) -> bool:
        return self in TERMINAL


BLOCKED = frozenset({StockStatus.QUARANTINED, StockStatus.RECALLED, StockStatus.SUSPECT})
TERMINAL = frozenset(
    {StockStatus.OPENED, StockStatus.RETURNED, StockStatus.DESTROYED, StockStatus.DISPENSED}
)
SEALED = frozenset({StockStatus.AVAILABLE}) | BLOCKED
"""Statuses of a serialised package that is still whole and tracked."""


def is_expired(expiry: date | None, on: date) -> bool:
    """Expired on ``on`` (the facility's day): usable through the expiry date itself."""
    return expiry is not None and expiry < on


def parse_block(text: str) -> StockStatus:
    """A status a user may put stock into: quarantined, recalled or suspect."""
    try:
        status = StockStatus(text.strip().lower())
    except ValueError:
        status = None
    if status is None or not status.blocked:
        raise InvalidValue("status", "quarantined, recalled or suspect", text[:40])
    return status


@dataclass(frozen=True, slots=True)
class StatusNote:
    """Why stock is blocked: the status, the reason, who set it and since when."""

    status: StockStatus
    reason: str = ""
    by: str = ""
    since: datetime | None = None

    def describe(self) -> str:
        who = f" by {self.by}" if self.by else ""
        when = f" since {self.since:%Y-%m-%d}" if self.since else ""
        why = f": {self.reason}" if self.reason else ""
        return f"{self.status.value}{who}{when}{why}"


def why_unusable(
    *, expiry: date | None, on: date, note: StatusNote | None, lot: str = "lot"
) -> str | None:
    """Why stock of a lot may not be handed out on ``on``, or None when it may."""
    if note is not None and note.status.blocked:
        return f"{lot} is {note.describe()}"
    if is_expired(expiry, on):
        assert expiry is not None
        return f"{lot} expired on {expiry.isoformat()}"
    return None
