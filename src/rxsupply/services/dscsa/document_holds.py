"""The packages a document exception holds (DSCSA, FD&C Act section 582(d)(1)(A): a dispenser
accepts ownership of product only with its transaction information and transaction statement,
which name each package's product, lot and expiry; 582(d)(3): only from authorized trading
partners).

Every exception :mod:`rxsupply.services.dscsa.document_checks` opens is about one document,
``document:<id>`` (its ``document_id`` set); the serialised packages it *names*, of that
document, are:

- ``no_statement`` (the transaction statement is not affirmed) and ``seller_unauthorized``
  (the seller is not a trading partner on file, or not authorized on the transaction date):
  every one the document ships, since the whole transaction is one the dispenser may not
  accept;
- ``lot_expiry_missing``: those shipped without a lot or an expiry;
- ``product_undescribed``: those of a GTIN its master data does not describe.

While the exception is not resolved, those packages are not usable stock:

- one received afterwards is received *quarantined*, the reason naming the exception
  (:func:`document_hold`, asked by the ledger's receipt);
- one received before is quarantined when the exception opens, and released when it is
  resolved (:mod:`rxsupply.services.dscsa.exception_stock`).

Standard library and ports only: the ledger asks this module, so it imports no ledger.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass

from rxsupply.domain.dscsa_exception import DscsaException, ExceptionState
from rxsupply.domain.reconciliation import FindingKind
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.dscsa_documents import StoredDocument, StoredPackage

WHOLE_DOCUMENT_KINDS = frozenset({FindingKind.NO_STATEMENT, FindingKind.SELLER_UNAUTHORIZED})
"""The document exception kinds that name every serialised package of their document."""
DOCUMENT_HOLD_KINDS = WHOLE_DOCUMENT_KINDS | {
    FindingKind.LOT_EXPIRY_MISSING,
    FindingKind.PRODUCT_UNDESCRIBED,
}
"""The document exception kinds that hold the packages they name."""
OPEN_STATES = (ExceptionState.OPEN, ExceptionState.SELLER_CONTACTED)


def described_gtins(transaction: dict[str, object]) -> set[str | None]:
    """The GTINs the transaction information describes (a name or an NDC from the master
    data; a product listed only because it ships has neither)."""
    products = transaction.get("products")
    return {
        p.get("gtin")
        for p in (products if isinstance(products, list) else [])
        if isinstance(p, dict) and (p.get("product_name") or p.get("ndc"))
    }


def stored_described(document: StoredDocument) -> set[str | None]:
    """:func:`described_gtins` of a recorded document (its transaction as stored)."""
    try:
        found = json.loads(document.transaction) if document.transaction else {}
    except ValueError:
        found = {}
    return described_gtins(found if isinstance(found, dict) else {})


def names(kind: FindingKind, package: StoredPackage, described: Collection[str | None]) -> bool:
    """Whether a document exception of ``kind`` names ``package`` (one of its document's)."""
    if package.gtin is None or package.serial is None:
        return False
    if kind in WHOLE_DOCUMENT_KINDS:
        return True
    if kind is FindingKind.LOT_EXPIRY_MISSING:
        return package.lot is None or package.expiry is None
    if kind is FindingKind.PRODUCT_UNDESCRIBED:
        return package.gtin not in described
    return False


def named_packages(uow: UnitOfWork, exception: DscsaException) -> list[StoredPackage]:
    """The serialised packages a document exception holds (none for another kind)."""
    if exception.kind not in DOCUMENT_HOLD_KINDS or exception.document_id is None:
        return []
    document = uow.dscsa_documents.document(exception.document_id)
    if document is None:
        return []
    described = stored_described(document)
    return [
        p
        for p in uow.dscsa_documents.packages_of_document(document.id)
        if names(exception.kind, p, described)
    ]


def why_held(kind: FindingKind, document_id: int, *, gtin: str = "", found: str | None) -> str:
    """Why a document exception of ``kind`` holds a package (of GTIN ``gtin``) its document
    ships; ``found``: what the exception found."""
    if kind is FindingKind.NO_STATEMENT:
        return f"document {document_id} has no affirmed transaction statement"
    if kind is FindingKind.SELLER_UNAUTHORIZED:
        return f"document {document_id} is from a seller not authorized: {found or 'unknown'}"
    if kind is FindingKind.LOT_EXPIRY_MISSING:
        return f"document {document_id} ships it without a lot or expiry"
    return f"document {document_id} does not describe GTIN {gtin}"


@dataclass(frozen=True, slots=True)
class DocumentHold:
    """An open document exception that names a package: why the package is held."""

    exception_id: int
    kind: FindingKind
    order_number: str
    document_id: int
    gtin: str
    found: str | None = None
    """What the exception found (the seller's problem, for ``seller_unauthorized``)."""

    @property
    def tag(self) -> str:
        """How the reason of a package it holds begins (``DSCSA exception <id> ``): what its
        release looks for."""
        return f"DSCSA exception {self.exception_id} "

    def why(self) -> str:
        return why_held(self.kind, self.document_id, gtin=self.gtin, found=self.found)

    def reason(self, user: str) -> str:
        """The reason of a package received while the exception is open."""
        return (
            f"{self.tag}({self.kind.value}) of order {self.order_number}: {self.why()}; "
            f"received by {user}, held until the exception is resolved"
        )


def document_holds(uow: UnitOfWork, *, gtin: str, serial: str) -> list[DocumentHold]:
    """The open document exceptions that name the package ``gtin`` + ``serial``, oldest
    first (none for a package no recorded document ships)."""
    shipped = uow.dscsa_documents.packages_by_identifier(f"01{gtin}21{serial}")
    out: list[DocumentHold] = []
    for package in shipped:
        document = uow.dscsa_documents.document(package.document_id)
        if document is None or document.order_number is None:
            continue  # an exception is opened only for a document linked to an order
        found = uow.reconciliation.exceptions(
            order_number=document.order_number, states=OPEN_STATES
        )
        kinds = [
            e
            for e in found
            if e.document_id == document.id and e.kind in DOCUMENT_HOLD_KINDS and e.id is not None
        ]
        if not kinds:
            continue
        described = stored_described(document)
        out.extend(
            DocumentHold(e.id or 0, e.kind, document.order_number, document.id, gtin, e.found)
            for e in kinds
            if names(e.kind, package, described)
        )
    return sorted(out, key=lambda h: h.exception_id)
