"""Importing an EPCIS document as a DSCSA transaction record (issue 14, item 2).

:func:`import_epcis` takes a document already read (``rxsupply.adapters.epcis.read_epcis``
refuses the unsafe and the invalid before anything is written) and records, in one unit of
work: the document with its transaction information and statement (``dscsa_document``), the
package identifiers it ships with their lot, expiry, outermost container and product
(``dscsa_package``), its events (``dscsa_event``), and the facility's chain entry of kind
``"document"`` over :func:`document_content`. The same bytes imported twice into a facility
are recorded once. A document for a purchase order that has packages scanned against it
reconciles the order (:mod:`rxsupply.services.dscsa.reconciliation`), in the same unit of
work; a document for an order whose statement is not affirmed, whose seller is not an
authorized trading partner, or that ships packages without a lot or expiry or of a GTIN its
master data does not describe is recorded and opens an exception
(:mod:`rxsupply.services.dscsa.document_checks`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rxsupply.domain.clock import Clock
from rxsupply.domain.epcis import EpcisDocument, Event
from rxsupply.domain.epcis_shipment import ShippedPackage, shipped_packages
from rxsupply.domain.fields import check_text, required_text
from rxsupply.domain.location import LocationKind
from rxsupply.domain.ndc import ndc_digits_from_gtin14
from rxsupply.domain.record_chain import canonical
from rxsupply.errors import InvalidValue, NotFound, UnknownLocation
from rxsupply.services.audit import record, require_user
from rxsupply.services.dscsa.document_checks import (
    PackageGaps,
    document_findings,
    open_document_exceptions,
)
from rxsupply.services.dscsa.document_holds import described_gtins
from rxsupply.services.dscsa.reconciliation import reconcile_when_ready
from rxsupply.services.dscsa.records import append_record
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.dscsa_documents import NewDocument

KIND = "document"
"""The record kind of an imported document in the facility's chain."""
SUBJECT = "document:{}"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedDocument:
    """A document as recorded; ``already_imported`` when these bytes were recorded before
    (nothing was written this time)."""

    id: int
    facility_id: int
    file_name: str
    sha256: str
    epcis_version: str
    order_number: str | None
    seller: str | None
    buyer: str | None
    transaction_date: date | None
    shipment_date: date | None
    statement_affirmed: bool
    event_count: int
    package_count: int
    already_imported: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "facility_id": self.facility_id,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "epcis_version": self.epcis_version,
            "order_number": self.order_number,
            "seller": self.seller,
            "buyer": self.buyer,
            "transaction_date": _day(self.transaction_date),
            "shipment_date": _day(self.shipment_date),
            "statement_affirmed": self.statement_affirmed,
            "event_count": self.event_count,
            "package_count": self.package_count,
            "already_imported": self.already_imported,
        }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def import_epcis(
    uow: UnitOfWork,
    *,
    document: EpcisDocument,
    file_name: str,
    sha256: str,
    facility: str | None,
    order: str | None,
    user: str,
    clock: Clock,
) -> ImportedDocument:
    """Record ``document`` (read from the file ``file_name`` whose bytes hash to ``sha256``)
    at ``facility`` (a facility location's code; the only facility when None), linked to the
    purchase order numbered ``order`` when given.

    Raises:
        InvalidValue: no user; a malformed sha256 or file name; a document with no shipping
            event (no transaction to record); a facility code naming another kind of location,
            or none given while there are several facilities; a serial, lot or expiry the
            record cannot hold.
        NotFound: an unknown facility or purchase order.
    """
    require_user(user)
    name = required_text("file_name", file_name, limit=255, why="the document's file name")
    digest = sha256.strip().lower()
    if not _SHA256.match(digest):
        raise InvalidValue("sha256", "expected the 64 hex digits of the file's SHA-256", sha256)
    facility_id = _facility_id(uow, facility)
    existing = uow.dscsa_documents.find(facility_id, digest)
    if existing is not None:
        if existing.order_number is not None:
            # importing again re-runs the order's reconciliation (nothing new when it stands)
            reconcile_when_ready(uow, order=existing.order_number, user=user, clock=clock)
            uow.commit()
        return _imported(existing, document_id=existing.id, already_imported=True)
    if not document.transaction:
        raise InvalidValue(
            "document",
            f"{name} has no shipping event: there is no transaction to record "
            "(a transaction record needs the seller's shipment)",
        )
    order_number = _order_number(uow, order)
    _check_events(document.events)
    packages = shipped_packages(document)
    transaction = {k: v for k, v in document.transaction.items() if k != "package_identifiers"}
    seller = _party_name("seller", transaction.get("seller"))
    partner = uow.partners.find(seller) if seller else None
    partner_matches = partner is not None and partner.name.casefold() == (seller or "").casefold()
    new = NewDocument(
        facility_id=facility_id,
        file_name=name,
        sha256=digest,
        epcis_version=document.epcis_version,
        order_number=order_number,
        partner_id=partner.id if partner is not None and partner_matches else None,
        seller=seller,
        buyer=_party_name("buyer", transaction.get("buyer")),
        transaction_date=_date("transaction_date", transaction.get("transaction_date")),
        shipment_date=_date("shipment_date", transaction.get("shipment_date")),
        statement_affirmed=bool(_statement(transaction).get("affirmed")),
        transaction=canonical(transaction).decode("utf-8"),
        event_count=len(document.events),
        package_count=len(packages),
        imported_at=clock.now(),
        imported_by=user,
    )
    products = _product_ids(uow, packages)
    document_id = uow.dscsa_documents.add(new, packages, products, document.events)
    gaps = PackageGaps.of(packages, described=described_gtins(transaction))
    del packages  # a large shipment's units: the content is read back from the rows
    subject = SUBJECT.format(document_id)
    append_record(
        uow,
        facility_id=facility_id,
        kind=KIND,
        subject=subject,
        content=document_content(uow, subject),
        user=user,
        clock=clock,
    )
    record(
        uow,
        user=user,
        action="import_epcis",
        entity="dscsa_document",
        key=str(document_id),
        now=clock.now(),
        after={"file_name": name, "sha256": digest, "order_number": order_number},
    )
    if order_number is not None:
        # kept as evidence, but an unaffirmed statement, an unauthorized seller, packages
        # without a lot or expiry or of a product not described are an exception of the order
        open_document_exceptions(
            uow,
            document_findings(
                uow,
                document_id=document_id,
                seller=seller,
                partner_known=new.partner_id is not None,
                statement_affirmed=new.statement_affirmed,
                on=new.transaction_date or clock.today(),
                gaps=gaps,
            ),
            facility_id=facility_id,
            order_number=order_number,
            user=user,
            clock=clock,
        )
        # a document for an order already scanned reconciles it (opens its exceptions), in
        # the import's transaction: the document and its exceptions are written together
        reconcile_when_ready(uow, order=order_number, user=user, clock=clock)
    uow.commit()
    return _imported(new, document_id=document_id, already_imported=False)


def document_content(uow: UnitOfWork, subject: str) -> object | None:
    """The content of a ``"document:<id>"`` record, read back from the stored rows: the
    document's fields, its packages and its events as compact lists; None when the document is
    gone (or ``subject`` names no document)."""
    kind, _, key = subject.partition(":")
    if kind != KIND or not key.isdigit():
        return None
    stored = uow.dscsa_documents.document(int(key))
    if stored is None:
        return None
    return {
        "document": stored.as_dict(),
        "packages": uow.dscsa_documents.package_rows(stored.id),
        "events": uow.dscsa_documents.event_rows(stored.id),
    }


#: What a stored event's fields hold at most (``dscsa_event``): a longer value is refused.
_EVENT_LIMITS = [("parentID", "parent", 120), ("bizStep", "biz_step", 200)]
_EVENT_LIMITS.append(("disposition", "disposition", 200))


def _check_events(events: Sequence[Event]) -> None:
    for number, event in enumerate(events, start=1):
        for name, attribute, limit in _EVENT_LIMITS:
            value = getattr(event, attribute)
            if value is not None and len(value) > limit:
                raise InvalidValue(
                    f"event {number} {name}", f"longer than {limit} characters", value[:40]
                )


def _facility_id(uow: UnitOfWork, code: str | None) -> int:
    if code is None or not code.strip():
        facilities = uow.locations.of_kind(LocationKind.FACILITY)
        if not facilities:
            raise InvalidValue("facility", "no facility location: import the locations first")
        if len(facilities) > 1:
            names = ", ".join(f.code for f in facilities)
            raise InvalidValue("facility", f"there are several facilities ({names}): name one")
        chosen = facilities[0]
    else:
        found = uow.locations.get(code.strip())
        if found is None:
            raise UnknownLocation(code.strip(), "name a facility location")
        if found.kind is not LocationKind.FACILITY:
            raise InvalidValue("facility", f"a {found.kind.value}, not a facility", code)
        chosen = found
    return uow.locations.ids_by_code()[chosen.code]


def _order_number(uow: UnitOfWork, order: str | None) -> str | None:
    if order is None or not order.strip():
        return None
    number = check_text("order", order, limit=40).strip()
    if uow.orders.find(number) is None:
        raise NotFound("purchase order", number)
    return number


def _party_name(field: str, party: object) -> str | None:
    if not isinstance(party, dict):
        return None
    name = party.get("name") or party.get("id")
    return None if not name else check_text(field, str(name), limit=300).strip() or None


def _date(field: str, value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(field, "expected a date YYYY-MM-DD", value) from None


def _statement(transaction: dict[str, object]) -> dict[str, object]:
    found = transaction.get("statement")
    return found if isinstance(found, dict) else {}


def _product_ids(uow: UnitOfWork, packages: list[ShippedPackage]) -> dict[str, int]:
    """Each GTIN's product, found by the NDC digits it carries (GTINs not NDC-based, or of no
    product we know, are left out)."""
    digits: dict[str, str] = {}
    for gtin in {p.gtin for p in packages if p.gtin}:
        try:
            digits[gtin] = ndc_digits_from_gtin14(gtin)
        except InvalidValue:
            continue
    ids = uow.products.ids_by("digits10", set(digits.values()))
    return {gtin: ids[d] for gtin, d in digits.items() if d in ids}


def _imported(stored: NewDocument, *, document_id: int, already_imported: bool) -> ImportedDocument:
    return ImportedDocument(
        id=document_id,
        facility_id=stored.facility_id,
        file_name=stored.file_name,
        sha256=stored.sha256,
        epcis_version=stored.epcis_version,
        order_number=stored.order_number,
        seller=stored.seller,
        buyer=stored.buyer,
        transaction_date=stored.transaction_date,
        shipment_date=stored.shipment_date,
        statement_affirmed=stored.statement_affirmed,
        event_count=stored.event_count,
        package_count=stored.package_count,
        already_imported=already_imported,
    )
