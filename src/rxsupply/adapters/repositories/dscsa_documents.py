"""Imported EPCIS documents, their packages and events in SQL: :class:`SqlDscsaDocuments`.

Packages and events go in bulk (:func:`insert_rows`: one executemany on SQLite, one ``unnest``
per 5,000 rows on PostgreSQL), so a 100,000-event document imports in seconds. An event's
identifiers are stored as compact JSON text (a list of canonical identifiers)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from typing import Any

from sqlalchemy import Connection, Select, insert, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.bulk_sql import insert_rows
from rxsupply.domain.epcis import Event
from rxsupply.domain.epcis_shipment import ShippedPackage
from rxsupply.services.ports.dscsa_documents import (
    EventRow,
    NewDocument,
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
_PACKAGE_COLUMNS = ("document_id", "identifier", "gtin", "serial", "lot", "expiry")
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
    return StoredPackage(
        id=int(row.id),
        document_id=int(row.document_id),
        identifier=row.identifier,
        gtin=row.gtin,
        serial=row.serial,
        lot=row.lot,
        expiry=row.expiry,
        container=row.container,
        product_id=None if row.product_id is None else int(row.product_id),
    )


def _event_rows(document_id: int, events: Iterable[Event]) -> Iterator[tuple[Any, ...]]:
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
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
            dumps(list(event.identifiers)),
        )


class SqlDscsaDocuments:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self,
        document: NewDocument,
        packages: Sequence[tuple[ShippedPackage, int | None]],
        events: Iterable[Event],
    ) -> int:
        values = {name: getattr(document, name) for name in _DOCUMENT_COLUMNS}
        found = self.conn.execute(insert(_D).values(values).returning(_D.c.id)).scalar_one()
        document_id = int(found)
        insert_rows(
            self.conn,
            _P,
            (*_PACKAGE_COLUMNS, "container", "product_id"),
            (
                (document_id, p.identifier, p.gtin, p.serial, p.lot, p.expiry, p.container, pid)
                for p, pid in packages
            ),
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

    def event_rows(self, document_id: int) -> list[EventRow]:
        query = (
            select(*(_E.c[name] for name in _EVENT_COLUMNS[1:]))
            .where(_E.c.document_id == document_id)
            .order_by(_E.c.position)
        )
        return [tuple(row) for row in self.conn.execute(query)]

    def _packages(self, query: Select[Any]) -> list[StoredPackage]:
        return [_package(row) for row in self.conn.execute(query)]
