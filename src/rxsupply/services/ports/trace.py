"""What a trace needs from storage (:class:`TraceReader`): serialised packages and lots by
their identifiers, the lots derived from them, their movements and status changes with the
places named, the imported transaction records that shipped them, and the orders they answered.
Every read is by an indexed key (serial, lot number, lot id, document id, order number)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from rxsupply.domain.serial import SerialPackage
from rxsupply.domain.trace import LedgerEntry, Place, StatusEntry, TracedLot


class TraceReader(Protocol):
    def packages(self, serial: str, gtin: str | None = None) -> list[SerialPackage]:
        """The serialised packages with this serial (and GTIN when given), oldest first."""
        ...

    def packages_of_lot(self, lot_id: int) -> list[SerialPackage]:
        """Every serialised package of one lot, whatever its status, oldest first."""
        ...

    def lots_named(self, lot: str, product_ids: Iterable[int] | None = None) -> list[TracedLot]:
        """The lots with this lot number (of these products when given)."""
        ...

    def lots(self, lot_ids: Iterable[int]) -> list[TracedLot]:
        """These lots, with the lot number each was derived from (opened, repackaged)."""
        ...

    def derived(self, lot_ids: Iterable[int]) -> list[int]:
        """The lots opened or repackaged directly from these (``lot_source``)."""
        ...

    def entries(self, lot_ids: Iterable[int]) -> list[LedgerEntry]:
        """Every movement of these lots, in posting order, places named."""
        ...

    def status_changes(self, lot_ids: Iterable[int]) -> list[StatusEntry]:
        """Every status change of these lots and of their serialised packages, oldest first."""
        ...

    def identifiers_with_serial(self, serial: str) -> list[str]:
        """Canonical identifiers in imported documents that carry this serial."""
        ...

    def orders(self, numbers: Iterable[str]) -> dict[str, str]:
        """Each purchase order's seller (its trading partner), by order number."""
        ...

    def place(self, location_id: int) -> Place | None: ...
