"""What the recall use cases need from storage (:class:`RecallRepository`): recalls with their
entries, the lots they name, where those lots' units are and where they were dispensed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from rxsupply.domain.recall import Recall, RecallStatus
from rxsupply.domain.status import StatusNote, StockStatus


@dataclass(frozen=True, slots=True)
class RecalledLot:
    """A recorded lot of a recalled NDC: its product, number, expiry and status."""

    id: int
    product_id: int
    ndc: str
    lot_number: str
    expiry: date | None
    status: StockStatus


@dataclass(frozen=True, slots=True)
class UnitLine:
    """Units of one lot on hand at one location. ``cabinet`` is the cabinet of a pocket;
    ``unit`` the nursing unit the location serves; ``value`` at the product's package cost
    (None when it has none)."""

    lot_id: int
    location: str
    location_kind: str
    cabinet: str | None
    unit: str
    quantity: int
    value: Decimal | None


@dataclass(frozen=True, slots=True)
class DispenseLine:
    """A dispense of one lot (or a patient return to it) at a location: when, how many, by
    whom, and the references the cabinet or the import gave it."""

    lot_id: int
    kind: str
    occurred_at: datetime
    location: str
    location_kind: str
    cabinet: str | None
    unit: str
    quantity: int
    user: str
    external_id: str | None
    reference: str
    note: str


class RecallRepository(Protocol):
    def add(
        self, recall: Recall, product_ids: Mapping[str, int], *, external_id: str | None
    ) -> int:
        """Record a recall and its entries (``product_ids``: each entry's NDC -> product);
        its id."""
        ...

    def by_external_id(self, external_id: str) -> int | None:
        """The recall recorded under this external id (a form submitted once), if any."""
        ...

    def by_number(self, number: str) -> int | None:
        """The recall recorded under this recall number, if any."""
        ...

    def get(self, recall_id: int, *, lock: bool = False) -> Recall | None: ...
    def listed(self, *, status: RecallStatus | None, limit: int) -> list[Recall]: ...
    def naming_products(self, product_ids: Iterable[int]) -> list[Recall]:
        """Every recall, open or closed, with an entry for one of these products (latest
        first, as :meth:`listed`)."""
        ...

    def save_state(self, recall: Recall) -> None:
        """Write a recall's status, disposition, closing and quarantine stamps."""
        ...

    def product_ids(self, recall_id: int) -> dict[str, int]:
        """Each entry's NDC -> its product id."""
        ...

    def lots_of(self, product_id: int, lot_numbers: Sequence[str] | None) -> list[RecalledLot]:
        """The recorded lots of a product with these numbers, matched in any case with spaces
        left out (all its lots when None)."""
        ...

    def lots(self, lot_ids: Iterable[int]) -> list[RecalledLot]: ...
    def before_recalled(self, lot_ids: Iterable[int]) -> dict[int, StatusNote]:
        """The block (quarantined or suspect) each lot had before it was last recalled, for
        those that had one; the others were available then."""
        ...

    def units(self, lot_ids: Iterable[int]) -> list[UnitLine]:
        """Where the units of these lots are on hand, location by location."""
        ...

    def dispensed(self, lot_ids: Iterable[int]) -> list[DispenseLine]:
        """The dispenses of these lots and the patient returns booked to them, the latest
        first."""
        ...

    def spread_lots(self, *, min_places: int, limit: int) -> list[tuple[str, str]]:
        """(NDC, lot) of available lots on hand in at least ``min_places`` locations, one a
        pocket at least, with dispenses recorded: the most places first."""
        ...
