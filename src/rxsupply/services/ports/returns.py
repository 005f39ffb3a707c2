"""What reverse distribution reads and writes: return policies, products' storage, the RCRA
list, the lots on hand as classifying them needs, return batches, credit memos and
destructions (:mod:`rxsupply.services.returns`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from rxsupply.domain.destruction import Destruction
from rxsupply.domain.location import LocationKind
from rxsupply.domain.return_batch import MemoLine, ReturnBatch
from rxsupply.domain.return_policy import ReturnPolicy
from rxsupply.domain.waste_stream import HazardousListing

_CABINET = LocationKind.ADC.value
_POCKET = LocationKind.POCKET.value
_PHARMACY_ORDER = {
    LocationKind.QUARANTINE.value: 0,
    LocationKind.STOREROOM.value: 1,
    LocationKind.SATELLITE.value: 2,
}


@dataclass(frozen=True, slots=True)
class LotPlace:
    """Units of a lot at one location (``kind``: the location's kind; ``parent_kind``: the
    kind of the location it sits under, which tells a cabinet's pocket from a storeroom's
    bin)."""

    location: str
    kind: str
    quantity: int
    parent_kind: str = ""

    @property
    def in_cabinet(self) -> bool:
        """Units in an automated dispensing cabinet or one of its pockets."""
        return self.kind == _CABINET or (self.kind == _POCKET and self.parent_kind == _CABINET)

    @property
    def pharmacy_rank(self) -> int | None:
        """Where a return takes units from, in order: 0 quarantine, 1 the storeroom and its
        bins, 2 a satellite and its bins; None for a place a return never takes from (a
        cabinet, its pockets, transit)."""
        kind = self.parent_kind if self.kind == _POCKET else self.kind
        return _PHARMACY_ORDER.get(kind)


def pharmacy_places(places: Sequence[LotPlace]) -> tuple[LotPlace, ...]:
    """The places a return batch ships a lot from, quarantine first, then the storeroom (and
    its bins), then satellites; never a cabinet's pockets (those units are in the cabinet
    until pulled)."""
    found = [p for p in places if p.pharmacy_rank is not None and p.quantity > 0]
    return tuple(sorted(found, key=lambda p: (p.pharmacy_rank or 0, p.location)))


@dataclass(frozen=True, slots=True, kw_only=True)
class LotOnHand:
    """A lot on hand anywhere, with its product's facts and the price of one package on the
    credit basis: the latest WAC on or before the day (``price_basis`` says whose and from
    when), else the product's package cost."""

    product_id: int
    lot_id: int
    ndc: str
    product: str
    generic_name: str
    labeler: str
    dosage_form: str
    package_size: int
    schedule: str | None
    lot: str
    expiry: date | None
    status: str
    storage: str
    repackaged: bool
    package_price: Decimal | None
    price_basis: str
    places: tuple[LotPlace, ...] = field(default_factory=tuple)

    @property
    def quantity(self) -> int:
        return sum(p.quantity for p in self.places)


class ReturnRepository(Protocol):
    # --- policies and product facts ------------------------------------------------------
    def policies(self) -> list[ReturnPolicy]: ...
    def find_policy(self, labeler: str) -> ReturnPolicy | None: ...
    def save_policy(self, policy: ReturnPolicy, *, user: str, at: datetime) -> None:
        """Add the labeler's policy or replace it."""
        ...

    def remove_policy(self, labeler: str) -> None: ...
    def labelers(self) -> list[str]:
        """The labelers of the products on file, by name."""
        ...

    def set_storage(self, product_id: int, storage: str, *, user: str, at: datetime) -> None:
        """Record the product's storage (``""``: room temperature, the row removed)."""
        ...

    def storage_of(self, product_id: int) -> str: ...
    def schedules(self, product_ids: set[int]) -> dict[int, str]:
        """The DEA schedule of each of these products that has one."""
        ...

    # --- the RCRA list -------------------------------------------------------------------
    def listings(self) -> list[HazardousListing]: ...
    def find_listing(self, listing_id: int) -> HazardousListing | None: ...
    def add_listing(self, row: HazardousListing, *, user: str, at: datetime) -> int: ...
    def update_listing(self, row: HazardousListing, *, user: str, at: datetime) -> None: ...
    def remove_listing(self, listing_id: int) -> None: ...

    # --- lots ----------------------------------------------------------------------------
    def lots_on_hand(
        self, *, today: date, ndc: str | None = None, labeler: str | None = None
    ) -> list[LotOnHand]:
        """Every lot with units on hand (of one NDC or labeler when named), by expiry."""
        ...

    def shipped_from(
        self, reference: str, lots: set[tuple[int, int]]
    ) -> dict[tuple[int, int], list[tuple[str, int]]]:
        """Where the returns to vendor of these (product id, lot id) with this reference were
        taken from: (location code, units) of each, by lot."""
        ...

    def last_moved(self, lot_ids: set[int]) -> dict[int, datetime]:
        """When each of these lots last moved (any movement, any location)."""
        ...

    # --- batches -------------------------------------------------------------------------
    def next_batch_number(self, prefix: str) -> str: ...
    def add_batch(self, batch: ReturnBatch) -> int: ...
    def batch(self, number: str, *, lock: bool = False) -> ReturnBatch | None: ...
    def batches(self, *, status: str | None = None, limit: int = 200) -> list[ReturnBatch]:
        """Newest first, each with its lines."""
        ...

    def lots_in_open_batches(self) -> set[tuple[int, int]]:
        """(product id, lot id) of every line of a batch not yet shipped."""
        ...

    def set_form_222(self, batch_id: int, line_number: int, number: str) -> None: ...
    def mark_shipped(self, batch_id: int, *, user: str, at: datetime) -> None: ...
    def add_memo_lines(self, batch_id: int, lines: Sequence[MemoLine]) -> None: ...
    def memo_lines(self, batch_ids: Sequence[int]) -> dict[int, list[MemoLine]]: ...

    # --- destructions --------------------------------------------------------------------
    def next_destruction_number(self, prefix: str) -> str: ...
    def add_destruction(
        self, record: Destruction, *, product_id: int, lot_id: int, location_id: int
    ) -> int: ...
    def destructions(self, limit: int = 200) -> list[Destruction]: ...
