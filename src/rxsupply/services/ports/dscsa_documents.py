"""What the DSCSA transaction records need from storage (:class:`DscsaDocumentRepository`):
imported EPCIS documents with their transaction information and statement, the packages each
ships and its events. Trace and reconciliation read them through the same protocol."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from rxsupply.domain.epcis import Event
from rxsupply.domain.epcis_shipment import ShippedPackage

#: A stored event as the content of a record holds it: (position, type, action, biz_step,
#: disposition, event_time, parent, identifiers as the stored JSON text).
EventRow = tuple[int, str, str | None, str | None, str | None, str, str | None, str]
#: A stored package as the content of a record holds it, in the order written: (identifier,
#: gtin, serial, lot, expiry as YYYY-MM-DD, container, product id).
PackageRow = tuple[str, str | None, str | None, str | None, str | None, str | None, int | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class NewDocument:
    """A document's row as the importer writes it."""

    facility_id: int
    file_name: str
    sha256: str
    epcis_version: str
    order_number: str | None
    partner_id: int | None
    seller: str | None
    buyer: str | None
    transaction_date: date | None
    shipment_date: date | None
    statement_affirmed: bool
    transaction: str
    event_count: int
    package_count: int
    imported_at: datetime
    imported_by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredDocument(NewDocument):
    """An imported document as stored: its id, and ``transaction`` the TI and TS as canonical
    JSON (the package identifiers are its packages, not repeated there)."""

    id: int

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "facility_id": self.facility_id,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "epcis_version": self.epcis_version,
            "order_number": self.order_number,
            "partner_id": self.partner_id,
            "seller": self.seller,
            "buyer": self.buyer,
            "transaction_date": _day(self.transaction_date),
            "shipment_date": _day(self.shipment_date),
            "statement_affirmed": self.statement_affirmed,
            "transaction": self.transaction,
            "event_count": self.event_count,
            "package_count": self.package_count,
            "imported_at": self.imported_at.isoformat(),
            "imported_by": self.imported_by,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredPackage:
    """A package identifier a document ships (``product_id`` None when the GTIN's NDC is not a
    product we know)."""

    id: int
    document_id: int
    identifier: str
    gtin: str | None
    serial: str | None
    lot: str | None
    expiry: date | None
    container: str | None
    product_id: int | None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "document_id": self.document_id,
            "identifier": self.identifier,
            "gtin": self.gtin,
            "serial": self.serial,
            "lot": self.lot,
            "expiry": _day(self.expiry),
            "container": self.container,
            "product_id": self.product_id,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PackageGroup:
    """A document's packages of one GTIN, lot and expiry: how many, in how many containers
    (loose units count none)."""

    gtin: str | None
    lot: str | None
    expiry: date | None
    product_id: int | None
    packages: int
    containers: int

    def as_dict(self) -> dict[str, object]:
        return {
            "gtin": self.gtin,
            "lot": self.lot,
            "expiry": _day(self.expiry),
            "product_id": self.product_id,
            "packages": self.packages,
            "containers": self.containers,
        }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


class DscsaDocumentRepository(Protocol):
    def add(
        self,
        document: NewDocument,
        packages: Sequence[ShippedPackage],
        products: Mapping[str, int],
        events: Iterable[Event],
    ) -> int:
        """Write a document, its packages (with the product of their GTIN in ``products``, or
        None) and its events (positions 0, 1, ... in the order given), in bulk; the
        document's id."""
        ...

    def find(self, facility_id: int, sha256: str) -> StoredDocument | None:
        """The facility's document imported from these bytes, if any."""
        ...

    def document(self, document_id: int) -> StoredDocument | None: ...

    def documents(
        self, *, order: str | None = None, facility_id: int | None = None
    ) -> list[StoredDocument]:
        """Documents, newest imported first; only those linked to purchase order ``order``
        and of one facility when given."""
        ...

    def documents_for_order(self, order_number: str) -> list[StoredDocument]:
        """The documents linked to a purchase order, oldest first."""
        ...

    def packages_of_document(self, document_id: int) -> list[StoredPackage]:
        """A document's packages, by identifier."""
        ...

    def packages_by_identifier(self, identifier: str) -> list[StoredPackage]:
        """Every document's package with this canonical identifier, oldest document first."""
        ...

    def packages_by_lot(self, lot: str) -> list[StoredPackage]:
        """Every package of this lot (any product), oldest document first, by identifier."""
        ...

    def package_groups(self, document_id: int) -> list[PackageGroup]:
        """A document's packages counted by GTIN, lot and expiry, in that order."""
        ...

    def package_rows(self, document_id: int) -> list[PackageRow]:
        """A document's packages as stored, in the order written (its shipped units sorted)."""
        ...

    def event_rows(self, document_id: int) -> list[EventRow]:
        """A document's events as stored, in document order."""
        ...
