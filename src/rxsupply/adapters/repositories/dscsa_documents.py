"""Imported EPCIS documents, their packages and events in SQL: :class:`SqlDscsaDocuments`.

Packages and events go in bulk (:func:`insert_rows`: one executemany on SQLite, one ``unnest``
per 5,000 rows on PostgreSQL), so a 100,000-event document imports in seconds. An event's
identifiers are stored as compact JSON text (a list of canonical identifiers)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from typing import Any

from sqlalchemy import Connection, Select, String, cast, distinct, func, insert, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import insert_rows
from rxsupply.domain.epcis import Event
from rxsupply.domain.epcis_shipment import ShippedPackage
from rxsupply.services.ports.dscsa_documents import (
    EventRow,
    NewDocument,
    PackageGroup,
    PackageRow,
    StoredDocument,
    StoredPackage,
)

_D = t.dscsa_document
_P = t.dscsa_package
_E = t.dscsa_event
_DOCUMENT_COLUMNS = [f.name for f in fields(NewDocument)]
_DOCUMENTS = select(_D.c.id, *(_D.c[name] for name in _DOCUMENT_COLUMNS))
_PACKAGES = select(
    _P.c.id,
    _P.c.document_id,
    _P.c.identifier,
    _P.c.gtin,
    _P.c.serial,
    _P.c.lot,
    _P.c.expiry,
    _P.c.container,
    _P.c.product_id,
)
# the columns a ShippedPackage fills, in its field order, between the document and the product
_PACKAGE_COLUMNS = ("document_id", "identifier", "gtin", "serial", "lot", "expiry", "container")
_EVENT_COLUMNS = (
    "document_id",
    "position",
    "type",
    "action",
    "biz_step",
    "disposition",
    "event_time",
    "parent",
    "identifiers",
)


def _document(row: Any) -> StoredDocument:
    values = {name: getattr(row, name) for name in _DOCUMENT_COLUMNS}
    values["statement_affirmed"] = bool(values["statement_affirmed"])
    return StoredDocument(id=int(row.id), **values)


def _package(row: Any) -> StoredPackage:
    key, document_id, identifier, gtin, serial, lot, expiry, container, product_id = row
    return StoredPackage(
        id=key,
        document_id=document_id,
        identifier=identifier,
        gtin=gtin,
        serial=serial,
        lot=lot,
        expiry=expiry,
        container=container,
        product_id=product_id,
    )


_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def identifiers_json(identifiers: Sequence[str]) -> str:
    """The identifiers as compact JSON text, as ``json`` writes them (``ensure_ascii`` off);
    identifiers with nothing to escape skip the encoder (the import's hot path)."""
    joined = '","'.join(identifiers)
    quotes = 2 * (len(identifiers) - 1)  # the separators' own
    if not identifiers or joined.count('"') != quotes or "\\" in joined:
        return _dumps(list(identifiers))
    if not joined.isprintable():  # control characters are escaped
        return _dumps(list(identifiers))
    return f'["{joined}"]'


def _event_rows(document_id: int, events: Iterable[Event]) -> Iterator[tuple[Any, ...]]:
    for position, event in enumerate(events):
        yield (
            document_id,
            position,
            event.type,
            event.action,
            event.biz_step,
            event.disposition,
            event.event_time.isoformat(),
            event.parent,
            identifiers_json(event.identifiers),
        )


class SqlDscsaDocuments:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self,
        document: NewDocument,
        packages: Sequence[ShippedPackage],
        products: Mapping[str, int],
        events: Iterable[Event],
    ) -> int:
        values = {name: getattr(document, name) for name in _DOCUMENT_COLUMNS}
        found = self.conn.execute(insert(_D).values(values).returning(_D.c.id)).scalar_one()
        document_id = int(found)
        insert_rows(
            self.conn,
            _P,
            (*_PACKAGE_COLUMNS, "product_id"),
            ((document_id, *p, products.get(p.gtin) if p.gtin else None) for p in packages),
        )
        insert_rows(self.conn, _E, _EVENT_COLUMNS, _event_rows(document_id, events))
        return document_id

    def find(self, facility_id: int, sha256: str) -> StoredDocument | None:
        query = _DOCUMENTS.where(_D.c.facility_id == facility_id, _D.c.sha256 == sha256)
        row = self.conn.execute(query).first()
        return None if row is None else _document(row)

    def document(self, document_id: int) -> StoredDocument | None:
        row = self.conn.execute(_DOCUMENTS.where(_D.c.id == document_id)).first()
        return None if row is None else _document(row)

    def documents(
        self, *, order: str | None = None, facility_id: int | None = None
    ) -> list[StoredDocument]:
        query = _DOCUMENTS.order_by(_D.c.imported_at.desc(), _D.c.id.desc())
        if order is not None:
            query = query.where(_D.c.order_number == order)
        if facility_id is not None:
            query = query.where(_D.c.facility_id == facility_id)
        return [_document(row) for row in self.conn.execute(query)]

    def documents_for_order(self, order_number: str) -> list[StoredDocument]:
        query = _DOCUMENTS.where(_D.c.order_number == order_number).order_by(_D.c.id)
        return [_document(row) for row in self.conn.execute(query)]

    def packages_of_document(self, document_id: int) -> list[StoredPackage]:
        query = _PACKAGES.where(_P.c.document_id == document_id)
        return self._packages(query.order_by(_P.c.identifier, _P.c.id))

    def packages_by_identifier(self, identifier: str) -> list[StoredPackage]:
        query = _PACKAGES.where(_P.c.identifier == identifier)
        return self._packages(query.order_by(_P.c.document_id, _P.c.id))

    def packages_by_lot(self, lot: str) -> list[StoredPackage]:
        query = _PACKAGES.where(_P.c.lot == lot)
        return self._packages(query.order_by(_P.c.document_id, _P.c.identifier, _P.c.id))

    def package_groups(self, document_id: int) -> list[PackageGroup]:
        keys = (_P.c.gtin, _P.c.lot, _P.c.expiry, _P.c.product_id)
        query = (
            select(*keys, func.count(), func.count(distinct(_P.c.container)))
            .where(_P.c.document_id == document_id)
            .group_by(*keys)
            .order_by(*keys)
        )
        return [
            PackageGroup(
                gtin=gtin,
                lot=lot,
                expiry=expiry,
                product_id=product_id,
                packages=int(packages),
                containers=int(containers),
            )
            for gtin, lot, expiry, product_id, packages, containers in self.conn.execute(query)
        ]

    def package_rows(self, document_id: int) -> list[PackageRow]:
        query = (
            select(
                _P.c.identifier,
                _P.c.gtin,
                _P.c.serial,
                _P.c.lot,
                cast(_P.c.expiry, String),
                _P.c.container,
                _P.c.product_id,
            )
            .where(_P.c.document_id == document_id)
            .order_by(_P.c.id)
        )
        return [tuple(row) for row in self.conn.execute(query).all()]

    def event_rows(self, document_id: int) -> list[EventRow]:
        query = (
            select(*(_E.c[name] for name in _EVENT_COLUMNS[1:]))
            .where(_E.c.document_id == document_id)
            .order_by(_E.c.position)
        )
        return [tuple(row) for row in self.conn.execute(query).all()]

    def _packages(self, query: Select[Any]) -> list[StoredPackage]:
        return [_package(row) for row in self.conn.execute(query)]
