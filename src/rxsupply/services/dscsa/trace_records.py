"""The transaction records of a trace: the imported EPCIS documents (``uow.dscsa_documents``)
that shipped a package identifier or packages of a lot, each with its transaction information
and statement and the traced identifiers it names."""

from __future__ import annotations

import json
from collections.abc import Iterable

from rxsupply.domain.trace import TransactionRecord
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.dscsa_documents import StoredPackage


def records_of_identifiers(uow: UnitOfWork, identifiers: Iterable[str]) -> list[TransactionRecord]:
    """The documents that ship these canonical identifiers (``01<gtin>21<serial>``)."""
    found: list[StoredPackage] = []
    for identifier in sorted(set(identifiers)):
        found += uow.dscsa_documents.packages_by_identifier(identifier)
    return _records(uow, found)


def records_of_lot(
    uow: UnitOfWork, lot: str, gtins: Iterable[str] | None = None
) -> list[TransactionRecord]:
    """The documents that ship packages of this lot number (of these GTINs when given)."""
    wanted = None if gtins is None else set(gtins)
    found = [
        p for p in uow.dscsa_documents.packages_by_lot(lot) if wanted is None or p.gtin in wanted
    ]
    return _records(uow, found)


def documented_orders(uow: UnitOfWork, orders: Iterable[str]) -> set[str]:
    """The purchase orders an imported document is linked to."""
    return {n for n in set(orders) if n and uow.dscsa_documents.documents_for_order(n)}


def _records(uow: UnitOfWork, packages: list[StoredPackage]) -> list[TransactionRecord]:
    named: dict[int, list[StoredPackage]] = {}
    for p in packages:
        named.setdefault(p.document_id, []).append(p)
    out: list[TransactionRecord] = []
    for document_id, shipped in sorted(named.items()):
        d = uow.dscsa_documents.document(document_id)
        if d is None:
            continue
        transaction = json.loads(d.transaction) if d.transaction else {}
        out.append(
            TransactionRecord(
                document_id=d.id,
                file_name=d.file_name,
                epcis_version=d.epcis_version,
                order_number=d.order_number,
                seller=d.seller,
                buyer=d.buyer,
                transaction_date=d.transaction_date,
                shipment_date=d.shipment_date,
                statement_affirmed=d.statement_affirmed,
                imported_at=d.imported_at,
                transaction=transaction if isinstance(transaction, dict) else {},
                identifiers=tuple(sorted({p.identifier for p in shipped})),
                lots=tuple(sorted({p.lot for p in shipped if p.lot})),
            )
        )
    return sorted(out, key=lambda r: (r.imported_at, r.document_id))
