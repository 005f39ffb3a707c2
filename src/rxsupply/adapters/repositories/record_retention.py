"""The DSCSA records' retention in SQL: :class:`SqlRecordRetention`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from rxsupply.adapters import tables as t
from rxsupply.adapters.repositories.records import _ENTRY, _entry
from rxsupply.domain.record_chain import ChainEntry
from rxsupply.domain.record_retention import ChainAnchor

_A = t.dscsa_chain_anchor
_D = t.dscsa_document


def _anchor(row: Any) -> ChainAnchor:
    return ChainAnchor(
        facility_id=int(row.facility_id),
        first_seq=int(row.first_seq),
        first_prev=row.first_prev,
        purged_before=row.purged_before,
        purged_by=row.purged_by,
        purged_at=row.purged_at,
    )


class SqlRecordRetention:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def anchor(self, facility_id: int) -> ChainAnchor | None:
        query = (
            select(_A).where(_A.c.facility_id == facility_id).order_by(_A.c.first_seq.desc())
        ).limit(1)
        row = self.conn.execute(query).first()
        return None if row is None else _anchor(row)

    def add_anchor(self, anchor: ChainAnchor) -> None:
        self.conn.execute(
            insert(_A).values(
                facility_id=anchor.facility_id,
                first_seq=anchor.first_seq,
                first_prev=anchor.first_prev,
                purged_before=anchor.purged_before,
                purged_by=anchor.purged_by,
                purged_at=anchor.purged_at,
            )
        )

    def heads(self) -> list[tuple[int, ChainEntry]]:
        r = t.dscsa_record
        tops = (
            select(r.c.facility_id, func.count().label("n"), func.max(r.c.seq).label("top"))
            .group_by(r.c.facility_id)
            .subquery()
        )
        query = (
            _ENTRY.add_columns(tops.c.n)
            .join_from(r, tops, (tops.c.facility_id == r.c.facility_id) & (tops.c.top == r.c.seq))
            .order_by(r.c.facility_id)
        )
        return [(int(row.n), _entry(row)) for row in self.conn.execute(query)]

    def stored_documents(self) -> list[tuple[int, int]]:
        query = select(_D.c.facility_id, _D.c.id).order_by(_D.c.facility_id, _D.c.id)
        return [(int(row.facility_id), int(row.id)) for row in self.conn.execute(query)]

    def delete_entries(self, facility_id: int, *, below_seq: int) -> int:
        r = t.dscsa_record
        done = self.conn.execute(
            delete(r).where(r.c.facility_id == facility_id, r.c.seq < below_seq)
        )
        return int(done.rowcount)

    def delete_documents(self, document_ids: Sequence[int]) -> int:
        ids = sorted(set(document_ids))
        if not ids:
            return 0
        for child in (t.dscsa_event, t.dscsa_package):
            self.conn.execute(delete(child).where(child.c.document_id.in_(ids)))
        done = self.conn.execute(delete(_D).where(_D.c.id.in_(ids)))
        return int(done.rowcount)
