"""What the expiry-risk projection (:mod:`rxsupply.services.expiry_risk`) reads: the usable
lots at each location (now, or as they stood at the start of a past day), the item-locations
that hold or may take stock (with their pocket capacity and levels), each item-location's
recent outflow and the latest planning run's forecast."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True, slots=True)
class PlaceLot:
    """Usable units of one lot of an item at one location."""

    location_id: int
    item_id: int
    ndc: str
    lot: str
    expiry: date | None
    units: int
    unit_cost: Decimal | None
    """The product's package cost over its package size (None: not costed)."""


@dataclass(frozen=True, slots=True)
class StockPlace:
    """An item-location that holds the item, is a pocket assigned to it or has levels for it."""

    location_id: int
    item_id: int
    item: str
    item_name: str
    on_hand: int
    """Every unit of the item there, usable or not (what a pocket's capacity counts)."""
    capacity: int | None = None
    min_level: int | None = None
    max_level: int | None = None


class ExpiryRiskReader(Protocol):
    def lots(self, *, today: date, as_of: datetime | None = None) -> list[PlaceLot]:
        """Usable units per lot and location now (or at ``as_of``: today's units less what
        moved in since, plus what moved out): lots available, unexpired on ``today``, not in
        quarantine or transit; sealed packages that are blocked do not count (now only)."""
        ...

    def places(self) -> list[StockPlace]:
        """Every item-location holding units of the item, every pocket assigned to an item and
        every item-location with levels."""
        ...

    def outflow(self, *, since: datetime, until: datetime) -> dict[tuple[int, int], int]:
        """Units that left each (location id, item id) from ``since`` to ``until`` as demand:
        dispensed, transferred or refilled elsewhere (not into quarantine), less patient
        returns; waste, returns to vendor and adjustments are not demand."""
        ...

    def forecasts(self) -> dict[tuple[int, int], float]:
        """The latest planning run's forecast daily demand per (location id, item id)."""
        ...
