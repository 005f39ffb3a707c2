"""What the supply outlook reads (:mod:`rxsupply.services.outlook`): for formulary items, the
usable lots on hand everywhere, the orders on their way, the daily use and where the item can
be bought; all hospital-wide (storeroom, satellites and every cabinet pocket together)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class OutlookItem:
    id: int
    code: str
    name: str
    criticality: str
    unit_cost: Decimal
    """Today's cost of one dispense unit (its preferred or cheapest costed product)."""
    lead_time_days: int
    """The storeroom's lead time for the item (its stock level), or the default."""


@dataclass(frozen=True)
class StockBatch:
    """Usable units of one lot of an item, hospital-wide."""

    item_id: int
    units: int
    expiry: date | None
    manufacturer: str
    """The product's labeler."""


@dataclass(frozen=True)
class OrderBatch:
    """Units of an item still to come on an open order line (not backordered)."""

    item_id: int
    units: int
    order: str
    supplier: str
    ordered_on: date
    manufacturer: str


@dataclass(frozen=True)
class ItemSources:
    """Where an item comes from: the labelers of its products, the wholesalers it was bought
    from over the last year and those offering one of its products."""

    manufacturers: frozenset[str] = field(default_factory=frozenset)
    wholesalers: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Supplier:
    name: str
    kind: str
    """``manufacturer`` (a labeler of products) or a trading partner's kind (``wholesaler``)."""


class SupplyOutlookReader(Protocol):
    def items(self, codes: Sequence[str] | None = None) -> list[OutlookItem]:
        """The items with these codes (all items for ``None``), in code order; unknown codes
        are left out."""
        ...

    def stock(
        self, item_ids: Sequence[int], *, today: date, as_of: datetime | None = None
    ) -> list[StockBatch]:
        """Usable units per lot, hospital-wide, now (or as they stood at ``as_of``: today's
        units less what moved in and out of the hospital since), lots expired on ``today``,
        not available, in quarantine or blocked left out."""
        ...

    def orders(self, item_ids: Sequence[int]) -> list[OrderBatch]:
        """Units still to come on open lines of sent, acknowledged or partly received
        orders."""
        ...

    def daily_use(
        self, item_ids: Sequence[int], *, zone: tzinfo, first: date, last: date
    ) -> dict[int, list[int]]:
        """Units used (dispensed less patient returns) per local day from ``first`` to
        ``last``, per item."""
        ...

    def sources(self, item_ids: Sequence[int], *, since: date) -> dict[int, ItemSources]:
        """Per item, its manufacturers and wholesalers (purchases since ``since``, and
        catalogue offers)."""
        ...

    def top_users(
        self, item_ids: Sequence[int], *, since: datetime, top: int = 5
    ) -> dict[int, list[tuple[str, str, int]]]:
        """Per item, the places that dispensed the most of it since ``since`` (a pocket counts
        toward its cabinet): (code, name, units), most first, at most ``top``."""
        ...

    def suppliers(self) -> list[Supplier]:
        """Every manufacturer (product labeler) and trading partner by name."""
        ...
