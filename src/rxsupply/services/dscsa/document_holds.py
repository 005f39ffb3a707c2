"""The packages a document exception holds (DSCSA, FD&C Act section 582(d)(1)(A): a dispenser
accepts product only with its transaction information, which names each package's product,
lot and expiry).

An exception of kind ``lot_expiry_missing`` or ``product_undescribed``
(:mod:`rxsupply.services.dscsa.document_checks`) is about a document, ``document:<id>``; the
packages it *names* are that document's serialised packages shipped without a lot or an expiry
(``lot_expiry_missing``), or of a GTIN its master data does not describe
(``product_undescribed``). While the exception is not resolved, those packages are not usable
stock:

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

DOCUMENT_HOLD_KINDS = frozenset({FindingKind.LOT_EXPIRY_MISSING, FindingKind.PRODUCT_UNDESCRIBED})
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


@dataclass(frozen=True, slots=True)
class DocumentHold:
    """An open document exception that names a package: why the package is held."""

    exception_id: int
    kind: FindingKind
    order_number: str
    document_id: int
    gtin: str

    @property
    def tag(self) -> str:
        """How the reason of a package it holds begins (``DSCSA exception <id> ``): what its
        release looks for."""
        return f"DSCSA exception {self.exception_id} "

    def why(self) -> str:
        if self.kind is FindingKind.LOT_EXPIRY_MISSING:
            return f"document {self.document_id} ships it without a lot or expiry"
        return f"document {self.document_id} does not describe GTIN {self.gtin}"

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
            DocumentHold(e.id or 0, e.kind, document.order_number, document.id, gtin)
            for e in kinds
            if names(e.kind, package, described)
        )
    return sorted(out, key=lambda h: h.exception_id)
