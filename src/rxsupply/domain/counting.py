"""Cycle counts: the count plan (how often each item-location is counted), blind counts and
their variances, the approval threshold and the reason codes of a variance.

The plan counts an item-location every ``interval`` days by its ABC class (A monthly, B
quarterly, C yearly by default) and every ``controlled_days`` when any of its products has a
DEA schedule. An item-location never counted is due today. ABC classes come from the latest
planning run; without one, :func:`abc_by_value` ranks item-locations by annual usage value
(the classic Pareto split: the items making up the first 80 % of value are A, the next 15 %
B, the rest C; e.g. Silver, Pyke & Peterson, *Inventory Management and Production Planning and
Scheduling*, 3rd ed., section 3.5).

A count's expected quantity is snapshotted when it starts and hidden from the counter (a blind
count). At submission the expected quantity becomes the snapshot plus every movement of the
line since (the on-hand then), so stock dispensed or refilled during the count is not counted
twice; a line that moved is flagged for the reviewer, who may ask for a recount.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


class CountStatus(StrEnum):
    OPEN = "open"  # being counted: the sheet, counted quantities entered
    SUBMITTED = "submitted"  # counted and submitted: variances shown to reviewers
    APPROVED = "approved"  # a manager approved the lines over the threshold
    POSTED = "posted"  # variances posted to the ledger
    CANCELLED = "cancelled"  # given up with a reason, nothing posted: its stock may be recounted


UNPOSTED = (CountStatus.OPEN, CountStatus.SUBMITTED, CountStatus.APPROVED)
"""A count in one of these states holds its stock lines: no other count may list them."""


class VarianceReason(StrEnum):
    """Why a count differs from the record (the ledger's note of the variance)."""

    MISCOUNT = "miscount"
    DAMAGED = "damaged"
    EXPIRED_REMOVED = "expired-removed"
    UNRECORDED_DISPENSE = "unrecorded-dispense"
    UNRECORDED_RECEIPT = "unrecorded-receipt"
    THEFT_SUSPECTED = "theft-suspected"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class CountRules:
    """How often each class is counted (days) and the threshold above which a line needs a
    manager's approval (settings ``RXSUPPLY_COUNT_DAYS_A`` ... ``RXSUPPLY_COUNT_APPROVAL_VALUE``).
    A line of a controlled substance with any variance always needs approval (the ledger's
    two-person rule)."""

    days_a: int = 30
    days_b: int = 90
    days_c: int = 365
    controlled_days: int = 7
    approval_value: Decimal = Decimal("100")
    approval_units: int = 20

    def interval(self, abc: str, *, controlled: bool) -> int:
        if controlled:
            return self.controlled_days
        return {"A": self.days_a, "B": self.days_b}.get(abc, self.days_c)

    def needs_approval(self, line: CountLine) -> str | None:
        """Why a line's variance needs a manager's approval, or None."""
        units = line.variance
        if not units:
            return None
        if line.controlled:
            return "a controlled substance"
        if abs(units) > self.approval_units:
            return f"{abs(units):,} units (more than {self.approval_units:,})"
        value = abs(line.value or Decimal(0))
        if value > self.approval_value:
            return f"${value:,.2f} (more than ${self.approval_value:,.2f})"
        return None


def abc_by_value(values: Mapping[K, Decimal]) -> dict[K, str]:
    """A, B or C for each key by its share of the total value, highest first: A up to 80 %
    of the cumulative value, B up to 95 %, C the rest (and everything without value)."""
    total = sum(values.values(), start=Decimal(0))
    out: dict[K, str] = {}
    running = Decimal(0)
    for key, value in sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        if value <= 0 or total <= 0:
            out[key] = "C"
            continue
        share_before = running / total
        running += value
        out[key] = (
            "A"
            if share_before < Decimal("0.80")
            else "B"
            if share_before < Decimal("0.95")
            else "C"
        )
    return out


def due_date(last_counted: date | None, interval_days: int, today: date) -> date:
    """When an item-location is next due: its last count plus the interval (today when it
    was never counted)."""
    return today if last_counted is None else last_counted + timedelta(days=interval_days)


@dataclass(slots=True)
class CountLine:
    """One line of a count sheet: what to count where (location, item, NDC, lot, expiry).

    ``expected`` is the on-hand when the count started (hidden from the counter);
    ``on_hand_at_submit`` the on-hand when it was submitted (the snapshot plus movements
    since), what the count is compared with; ``added`` a line the counter found that was not on
    the sheet."""

    location: str
    item: str
    ndc: str
    product_name: str
    lot: str
    expiry: date | None
    expected: int
    unit_cost: Decimal | None = None
    controlled: bool = False
    schedule: str = ""
    counted: int | None = None
    on_hand_at_submit: int | None = None
    added: bool = False
    reason: str = ""
    location_id: int = 0
    product_id: int = 0
    item_id: int | None = None
    id: int | None = None

    @property
    def moved(self) -> int:
        """Net movement of the line between the start and the submission."""
        return 0 if self.on_hand_at_submit is None else self.on_hand_at_submit - self.expected

    @property
    def variance(self) -> int:
        if self.counted is None or self.on_hand_at_submit is None:
            return 0
        return self.counted - self.on_hand_at_submit

    @property
    def value(self) -> Decimal | None:
        if self.unit_cost is None:
            return None
        return (self.variance * self.unit_cost).quantize(Decimal("0.01"))

    def as_dict(self, *, blind: bool) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id,
            "location": self.location,
            "item": self.item,
            "ndc": self.ndc,
            "product": self.product_name,
            "lot": self.lot,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "schedule": self.schedule,
            "counted": self.counted,
            "added": self.added,
        }
        if not blind:
            value = self.value
            out |= {
                "expected": self.expected,
                "on_hand_at_submit": self.on_hand_at_submit,
                "moved_during_count": self.moved,
                "variance": self.variance,
                "unit_cost": None if self.unit_cost is None else str(self.unit_cost),
                "variance_value": None if value is None else str(value),
                "reason": self.reason,
            }
        return out


@dataclass(slots=True)
class Count:
    """A count of one location (a storeroom, or a cabinet with its pockets)."""

    number: str
    location: str
    status: CountStatus
    controlled: bool
    started_by: str
    started_at: datetime
    counter: str = ""
    witness: str = ""
    counted_on: date | None = None
    approved_by: str = ""
    posted_by: str = ""
    posted_at: datetime | None = None
    lines: list[CountLine] = field(default_factory=list)
    id: int | None = None

    @property
    def blind(self) -> bool:
        """Expected quantities are hidden until the count is submitted; a count cancelled
        while open (never submitted: no counter) stays blind, so its recount is blind too."""
        if self.status is CountStatus.CANCELLED:
            return not self.counter
        return self.status is CountStatus.OPEN

    @property
    def variance_units(self) -> int:
        return sum(ln.variance for ln in self.lines)

    @property
    def variance_value(self) -> Decimal:
        return sum((ln.value or Decimal(0) for ln in self.lines), start=Decimal(0))

    def as_dict(self, *, rules: CountRules | None = None, lines: bool = True) -> dict[str, object]:
        blind = self.blind
        out: dict[str, object] = {
            "number": self.number,
            "location": self.location,
            "status": self.status.value,
            "controlled": self.controlled,
            "started_by": self.started_by,
            "started_at": self.started_at.isoformat(),
            "counter": self.counter,
            "witness": self.witness,
            "counted_on": self.counted_on.isoformat() if self.counted_on else None,
            "approved_by": self.approved_by,
            "posted_by": self.posted_by,
            "line_count": len(self.lines),
        }
        if not blind:
            out["variance_units"] = self.variance_units
            out["variance_value"] = str(self.variance_value)
        if lines:
            rows = []
            for ln in self.lines:
                row = ln.as_dict(blind=blind)
                if not blind and rules is not None:
                    row["needs_approval"] = rules.needs_approval(ln)
                rows.append(row)
            out["lines"] = rows
        return out
