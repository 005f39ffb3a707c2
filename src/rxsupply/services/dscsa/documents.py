"""Reading the DSCSA transaction records: the imported EPCIS documents (by purchase order or
all) and one document with its transaction information per product, its statement and its
packages counted by lot. What ``rxsupply dscsa documents``, the API and the pages show."""

from __future__ import annotations

import json
from dataclasses import dataclass

from rxsupply.domain.fields import check_text
from rxsupply.errors import NotFound
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.dscsa_documents import PackageGroup, StoredDocument


def summary(document: StoredDocument) -> dict[str, object]:
    """A document's fields without its transaction text (what a list shows)."""
    found = document.as_dict()
    del found["transaction"]
    return found


@dataclass(frozen=True, slots=True)
class DocumentView:
    """One document: its fields, its transaction information and statement (``products``,
    dates, ``seller``, ``buyer``, ``ship_from``, ``ship_to``, ``statement``) and its packages
    counted by GTIN, lot and expiry."""

    document: StoredDocument
    transaction: dict[str, object]
    package_groups: list[PackageGroup]

    def as_dict(self) -> dict[str, object]:
        return {
            **summary(self.document),
            "transaction": self.transaction,
            "packages": {
                "count": self.document.package_count,
                "by_lot": [g.as_dict() for g in self.package_groups],
            },
        }


def list_documents(uow: UnitOfWork, *, order: str | None = None) -> list[StoredDocument]:
    """The imported documents, newest first; those linked to purchase order ``order`` when
    given."""
    number = None if order is None else check_text("order", order, limit=40).strip()
    return uow.dscsa_documents.documents(order=number or None)


def show_document(uow: UnitOfWork, *, document_id: int) -> DocumentView:
    """One imported document with its TI, TS and packages by lot.

    Raises:
        NotFound: no document has this id.
    """
    found = uow.dscsa_documents.document(document_id)
    if found is None:
        raise NotFound("DSCSA document", document_id)
    transaction = json.loads(found.transaction)
    return DocumentView(
        document=found,
        transaction=transaction if isinstance(transaction, dict) else {},
        package_groups=uow.dscsa_documents.package_groups(document_id),
    )
