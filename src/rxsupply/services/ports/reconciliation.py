"""What reconciliation at receipt needs from storage (:class:`ReconciliationRepository`): the
packages scanned against an order, the packages its EPCIS documents ship, and the exceptions
with their steps (all append-only)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from rxsupply.domain.dscsa_exception import DscsaException, ExceptionState, ExceptionStep
from rxsupply.domain.reconciliation import ExpectedPackage, ScannedPackage


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptScan:
    """A package scanned against an order, as its barcode said."""

    facility_id: int
    order_number: str
    gtin: str
    serial: str
    lot: str | None
    expiry: date | None
    product_id: int | None
    scanned_at: datetime
    scanned_by: str

    @property
    def identifier(self) -> str:
        return f"01{self.gtin}21{self.serial}"


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderDocument:
    """An EPCIS document imported for an order."""

    id: int
    file_name: str
    seller: str | None
    shipment_date: date | None
    package_count: int
    imported_at: datetime
    imported_by: str

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "file_name": self.file_name,
            "seller": self.seller,
            "shipment_date": self.shipment_date.isoformat() if self.shipment_date else None,
            "package_count": self.package_count,
            "imported_at": self.imported_at.isoformat(),
            "imported_by": self.imported_by,
        }


class ReconciliationRepository(Protocol):
    def add_scan(self, scan: ReceiptScan) -> int: ...
    def scanned(self, order_number: str) -> list[ScannedPackage]:
        """The packages scanned against the order, in the order they were scanned."""
        ...

    def shipped(self, order_number: str) -> list[ExpectedPackage]:
        """The packages the order's documents ship."""
        ...

    def documents(self, order_number: str) -> list[OrderDocument]:
        """The order's EPCIS documents, oldest first."""
        ...

    def add_exception(self, exception: DscsaException) -> int: ...
    def add_step(self, exception_id: int, step: ExceptionStep) -> int: ...
    def exceptions(
        self,
        *,
        order_number: str | None = None,
        states: Iterable[ExceptionState] | None = None,
        limit: int = 500,
    ) -> list[DscsaException]:
        """Exceptions with their steps, newest first; only those whose current state is one
        of ``states`` when given."""
        ...

    def get(self, exception_id: int, *, lock: bool = False) -> DscsaException | None:
        """One exception with its steps; ``lock`` holds its row (FOR UPDATE on PostgreSQL)
        until the transaction ends, so two steps of one exception take turns."""
        ...

    def step(self, step_id: int) -> tuple[DscsaException, ExceptionStep] | None:
        """One step and its exception (without its other steps), or None when gone."""
        ...

    def scan_row(self, scan_id: int) -> dict[str, object] | None:
        """Every column of one receipt scan (dates and times as ISO text), or None when
        gone."""
        ...

    def stored_scans(self) -> list[tuple[int, int]]:
        """(facility id, scan id) of every receipt scan stored."""
        ...

    def stored_steps(self) -> list[tuple[int, int]]:
        """(facility id, step id) of every exception step stored."""
        ...
