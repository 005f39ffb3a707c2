"""Stock discrepancies: what a cabinet reports leaving it beyond the stock on record.

An automated dispensing cabinet is the truth for what left it: a nurse took the dose, and the
feed must not refuse that. But the ledger never hands out stock it does not have as usable
(on-hand never goes below zero, and expired or blocked units are never issued). So when a
reported dispense or waste needs more than the usable stock on record at the pocket, the
usable units are issued and the rest is recorded as a :class:`Discrepancy`: open until a
pharmacist or technician finds why (an unrecorded refill, a miscount, expired or quarantined
units that left the pocket: a safety event) and resolves it with a note, usually after a count
has corrected the on-hand.

A cabinet's **count** that disagrees with the record is a discrepancy too: ``count_short``
(fewer units counted than on record) or ``count_over`` (more); for those ``reported`` is the
larger of the two figures and ``posted`` the smaller, so ``missing`` is the difference, and
:meth:`Discrepancy.why` says which was counted.

A controlled-substance **waste without a witness** (``unwitnessed_waste``) is one as well:
the cabinet is the truth for what left, so the waste is posted, and the discrepancy stays
open until the witness is found or the loss is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

COUNT_SHORT, COUNT_OVER = "count_short", "count_over"
UNWITNESSED_WASTE = "unwitnessed_waste"
"""A controlled-substance waste a cabinet reported without a witness (or witnessed by the
user who wasted it): the units left (``posted`` 0 of them witnessed, ``reported`` wasted),
and the pharmacy must find the witness or report the loss."""


class DiscrepancyStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True, kw_only=True)
class Discrepancy:
    """``reported`` units of ``kind`` (dispense or waste) at a location, of which ``posted``
    were issued from usable stock; ``blocked`` expired or blocked units were on record there
    (units that may have left the pocket although they must not be used)."""

    location_id: int
    kind: str
    reported: int
    posted: int
    blocked: int
    occurred_at: datetime
    reported_by: str
    item_id: int | None = None
    product_id: int | None = None
    what: str = ""
    external_id: str | None = None
    id: int | None = None
    status: DiscrepancyStatus = DiscrepancyStatus.OPEN
    recorded_at: datetime | None = None
    resolution: str = ""
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    location: str = ""

    @property
    def missing(self) -> int:
        """Units reported that the usable stock on record did not cover."""
        return self.reported - self.posted

    def why(self) -> str:
        """The discrepancy in a sentence."""
        where = self.location or f"location {self.location_id}"
        if self.kind == COUNT_SHORT:
            return (
                f"count of {self.what or 'units'} at {where}: {self.posted} counted, "
                f"{self.reported} on record, {self.missing} missing"
            )
        if self.kind == COUNT_OVER:
            return (
                f"count of {self.what or 'units'} at {where}: {self.reported} counted, "
                f"{self.posted} on record, {self.missing} more than recorded"
            )
        if self.kind == UNWITNESSED_WASTE:
            return (
                f"controlled-substance waste of {self.reported} {self.what or 'units'} at "
                f"{where} reported by {self.reported_by} without a witness"
            )
        text = (
            f"{self.kind} of {self.reported} {self.what or 'units'} reported at {where}: "
            f"{self.posted} usable on record, {self.missing} not"
        )
        if self.blocked:
            text += f" ({self.blocked} expired or blocked units on record there)"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "status": self.status.value,
            "kind": self.kind,
            "location": self.location or None,
            "location_id": self.location_id,
            "item_id": self.item_id,
            "product_id": self.product_id,
            "what": self.what,
            "reported": self.reported,
            "posted": self.posted,
            "missing": self.missing,
            "blocked": self.blocked,
            "occurred_at": self.occurred_at.isoformat(),
            "reported_by": self.reported_by,
            "external_id": self.external_id,
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
            "resolution": self.resolution,
            "resolved_by": self.resolved_by,
            "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None,
            "why": self.why(),
        }
