"""A trace: for a serialised package or a lot, where it came from, every move inside the
hospital, and where and when it was dispensed (DSCSA, 21 U.S.C. 360eee-1(d)(1)(C): a dispenser
answers a request for the transaction information and statement of a product, and for
information on it, promptly; the FDA guidance on enhanced drug distribution security asks for
the answer "in seconds" at the package level).

The parts, each read from the ledger or the imported transaction records:

- ``transaction_records``: the EPCIS documents that shipped the package or the lot to us (their
  transaction information and statement);
- ``receipts``: the ledger's receipts of the lot, each with the purchase order it answered and
  its seller (a lot received without EPCIS data is still traced to its order and wholesaler);
- ``moves``: every other movement (transfer, refill, waste, return to vendor, adjustment,
  opening, repackaging) from where to where, when, by whom, how many units;
- ``status_changes``: quarantine, recall, suspect and their releases;
- ``dispenses``: dispenses and patient returns with their cabinet or pocket and its ward.

Lots opened or repackaged from the traced lot (``lot_source``) are traced with it: their units
came out of it. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

DEMAND = frozenset({"dispense", "patient_return"})
"""Movement kinds that hand units to (or take them back from) patients."""


@dataclass(frozen=True, slots=True)
class Place:
    """A location as a trace shows it: its code and name, its kind, the cabinet a pocket is
    in and the ward (the location's unit) it serves."""

    id: int
    code: str
    name: str
    kind: str
    cabinet: str | None = None
    ward: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "cabinet": self.cabinet,
            "ward": self.ward,
        }


@dataclass(frozen=True, slots=True)
class TracedLot:
    id: int
    product_id: int
    lot: str
    expiry: date | None
    status: str
    status_reason: str
    ndc: str
    gtin: str
    product: str
    package_size: int
    dispense_unit: str = "EA"
    derived_from: str | None = None  # the lot number it was opened or repackaged from

    def as_dict(self) -> dict[str, object]:
        return {
            "lot": self.lot,
            "ndc": self.ndc,
            "gtin": self.gtin,
            "product": self.product,
            "package_size": self.package_size,
            "dispense_unit": self.dispense_unit,
            "expiry": None if self.expiry is None else self.expiry.isoformat(),
            "status": self.status,
            "status_reason": self.status_reason,
            "derived_from": self.derived_from,
        }


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One movement of a traced lot, with its places named."""

    id: int
    kind: str
    occurred_at: datetime
    product_id: int
    lot_id: int
    lot: str
    quantity: int
    source: Place | None
    destination: Place | None
    reference: str = ""
    external_id: str | None = None
    user: str = ""
    note: str = ""
    approved_by: str = ""

    @property
    def place(self) -> Place | None:
        """Where a dispense happened (its source), a patient return came back (its
        destination)."""
        return self.source or self.destination

    def as_dict(self) -> dict[str, object]:
        return {
            "at": self.occurred_at.isoformat(),
            "kind": self.kind,
            "lot": self.lot,
            "quantity": self.quantity,
            "from": None if self.source is None else self.source.code,
            "to": None if self.destination is None else self.destination.code,
            "reference": self.reference,
            "user": self.user,
            "approved_by": self.approved_by,
            "note": self.note,
        }

    def as_dispense(self) -> dict[str, object]:
        place = self.place
        return {
            "at": self.occurred_at.isoformat(),
            "kind": self.kind,
            "lot": self.lot,
            "quantity": self.quantity,
            "location": None if place is None else place.code,
            "location_name": None if place is None else place.name,
            "cabinet": None if place is None else place.cabinet,
            "ward": "" if place is None else place.ward,
            "reference": self.external_id or self.reference,
            "note": self.note,
            "user": self.user,
        }


@dataclass(frozen=True, slots=True)
class Receipt:
    """A receipt of the lot and the purchase order it answered (None when it had none)."""

    entry: LedgerEntry
    order: str | None = None
    seller: str | None = None
    documented: bool = False  # an EPCIS document for that order was imported
    package: tuple[str, str] | None = None  # the (GTIN, serial) it recorded, when scanned

    def as_dict(self) -> dict[str, object]:
        return {
            **self.entry.as_dict(),
            "order": self.order,
            "seller": self.seller,
            "documented": self.documented,
            "package": None if self.package is None else f"01{self.package[0]}21{self.package[1]}",
        }


@dataclass(frozen=True, slots=True)
class StatusEntry:
    at: datetime
    lot_id: int
    lot: str
    status: str
    reason: str
    user: str
    approved_by: str = ""
    package_id: int | None = None
    serial: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "at": self.at.isoformat(),
            "lot": self.lot,
            "serial": self.serial,
            "status": self.status,
            "reason": self.reason,
            "user": self.user,
            "approved_by": self.approved_by,
        }


@dataclass(frozen=True, slots=True)
class TransactionRecord:
    """An imported EPCIS document that shipped the traced package or lot: its transaction
    information and statement, and the traced identifiers it names."""

    document_id: int
    file_name: str
    epcis_version: str
    order_number: str | None
    seller: str | None
    buyer: str | None
    transaction_date: date | None
    shipment_date: date | None
    statement_affirmed: bool
    imported_at: datetime
    transaction: dict[str, object]
    identifiers: tuple[str, ...] = ()
    lots: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "document_id": self.document_id,
            "file_name": self.file_name,
            "epcis_version": self.epcis_version,
            "order_number": self.order_number,
            "seller": self.seller,
            "buyer": self.buyer,
            "transaction_date": _day(self.transaction_date),
            "shipment_date": _day(self.shipment_date),
            "statement_affirmed": self.statement_affirmed,
            "imported_at": self.imported_at.isoformat(),
            "identifiers": list(self.identifiers),
            "lots": list(self.lots),
            "transaction": self.transaction,
        }


@dataclass(frozen=True, slots=True)
class TracedPackage:
    """A serialised package as recorded now, and whether replaying the ledger put it there."""

    gtin: str
    serial: str
    lot: str
    units: int
    status: str
    status_reason: str
    location: Place | None
    received_at: datetime | None
    received_by: str
    replay_matches: bool | None = None

    @property
    def identifier(self) -> str:
        return f"01{self.gtin}21{self.serial}"

    def as_dict(self) -> dict[str, object]:
        return {
            "identifier": self.identifier,
            "gtin": self.gtin,
            "serial": self.serial,
            "lot": self.lot,
            "units": self.units,
            "status": self.status,
            "status_reason": self.status_reason,
            "location": None if self.location is None else self.location.code,
            "received_at": None if self.received_at is None else self.received_at.isoformat(),
            "received_by": self.received_by,
            "replay_matches": self.replay_matches,
        }


@dataclass(slots=True)
class Trace:
    """The answer to a trace request."""

    query: dict[str, str]
    generated_at: datetime
    facility: Place | None = None
    lots: list[TracedLot] = field(default_factory=list)
    package: TracedPackage | None = None
    transaction_records: list[TransactionRecord] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    moves: list[LedgerEntry] = field(default_factory=list)
    status_changes: list[StatusEntry] = field(default_factory=list)
    dispenses: list[LedgerEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def dispensed_units(self) -> int:
        return sum(d.quantity if d.kind == "dispense" else -d.quantity for d in self.dispenses)

    def as_dict(self) -> dict[str, object]:
        return {
            "query": self.query,
            "generated_at": self.generated_at.isoformat(),
            "facility": None if self.facility is None else self.facility.as_dict(),
            "lots": [lot.as_dict() for lot in self.lots],
            "package": None if self.package is None else self.package.as_dict(),
            "transaction_records": [r.as_dict() for r in self.transaction_records],
            "receipts": [r.as_dict() for r in self.receipts],
            "moves": [m.as_dict() for m in self.moves],
            "status_changes": [s.as_dict() for s in self.status_changes],
            "dispenses": [d.as_dispense() for d in self.dispenses],
            "dispensed_units": self.dispensed_units,
            "notes": self.notes,
        }


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
