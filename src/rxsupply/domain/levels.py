"""Replenishment settings and the recommendations a planning run proposes for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from rxsupply.domain.fields import check_units
from rxsupply.errors import InvalidValue


@dataclass(frozen=True, slots=True)
class StockLevel:
    """Min and max (PAR) of an item at a location; for a storeroom they are the reorder point
    and the order-up-to level. Refills or orders are reviewed every ``review_period_days`` and
    arrive ``lead_time_days`` later."""

    location_id: int
    item_id: int
    min_level: int
    max_level: int
    lead_time_days: int = 1
    review_period_days: int = 1

    def __post_init__(self) -> None:
        check_units("min", self.min_level, allow_zero=True)
        check_units("max", self.max_level, allow_zero=True)
        if self.max_level < self.min_level:
            raise InvalidValue("max", f"must not be below min ({self.min_level})", self.max_level)
        if not (0 <= self.lead_time_days <= 3650 and 1 <= self.review_period_days <= 3650):
            raise InvalidValue(
                "lead time and review period",
                "lead time must be 0 to 3650 days and the review period 1 to 3650 days",
            )


class Decision(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class Recommendation:
    """Proposed levels with the explanation that produced them (a JSON object)."""

    location_id: int
    item_id: int
    min_level: int
    max_level: int
    explanation: str
    current_min: int | None = None
    current_max: int | None = None
    id: int | None = None
    run_at: datetime | None = None
    status: Decision = Decision.PENDING
    decided_by: str | None = None


PROPOSAL_KINDS = ("pocket", "storeroom", "satellite")
"""The kinds of location a planning run proposes levels for."""


@dataclass(frozen=True, slots=True)
class ProposalFilter:
    """Which pending recommendations a batch takes: all those matching every given field.

    ``cabinet``: a location's code in any case: the location itself and everything below it (a
    pocket's own code, a cabinet's for its pockets, a facility's or the system's for all of
    theirs); ``item``: part of an item's code or name (any case), or of an NDC of one of its
    products (digits, dashes and spaces ignored), or a scanned GTIN of one (12 to 14 digits);
    ``abc``: the item-location's ABC class in the last run (A, B or C, any case); ``kind``: the
    location's kind (pocket, storeroom or satellite, any case). A class or kind outside those is
    refused (:class:`~rxsupply.errors.InvalidValue`), never read as no filter."""

    cabinet: str = ""
    item: str = ""
    abc: str = ""
    kind: str = ""

    def __post_init__(self) -> None:
        for name in ("cabinet", "item", "abc", "kind"):
            object.__setattr__(self, name, getattr(self, name).strip())
        object.__setattr__(self, "abc", self.abc.upper())
        object.__setattr__(self, "kind", self.kind.lower())
        if self.abc and self.abc not in ("A", "B", "C"):
            raise InvalidValue("class", "must be A, B or C", self.abc)
        if self.kind and self.kind not in PROPOSAL_KINDS:
            raise InvalidValue("kind", "must be pocket, storeroom or satellite", self.kind)
        if len(self.item) > 200 or len(self.cabinet) > 200:
            raise InvalidValue("filter", "a filter is at most 200 characters")

    def as_dict(self) -> dict[str, str]:
        """The fields that are set."""
        return {
            k: v
            for k, v in (
                ("cabinet", self.cabinet),
                ("item", self.item),
                ("abc", self.abc),
                ("kind", self.kind),
            )
            if v
        }
