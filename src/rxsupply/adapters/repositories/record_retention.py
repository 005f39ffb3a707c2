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

    def stored_case_steps(self) -> list[tuple[int, int, int]]:
        c, s = t.dscsa_case, t.dscsa_case_step
        query = (
            select(c.c.facility_id, s.c.case_id, s.c.seq)
            .join_from(s, c, c.c.id == s.c.case_id)
            .order_by(c.c.facility_id, s.c.case_id, s.c.seq)
        )
        return [(int(r.facility_id), int(r.case_id), int(r.seq)) for r in self.conn.execute(query)]

    def stored_verifications(self) -> list[tuple[int, int]]:
        v = t.dscsa_verification
        query = select(v.c.facility_id, v.c.id).order_by(v.c.facility_id, v.c.id)
        return [(int(r.facility_id), int(r.id)) for r in self.conn.execute(query)]

    def exception_steps(self, facility_id: int) -> dict[int, tuple[int, int | None]]:
        e, s = t.dscsa_exception, t.dscsa_exception_step
        query = (
            select(s.c.id, s.c.exception_id, e.c.document_id)
            .join_from(s, e, e.c.id == s.c.exception_id)
            .where(e.c.facility_id == facility_id)
        )
        return {
            int(r.id): (int(r.exception_id), None if r.document_id is None else int(r.document_id))
            for r in self.conn.execute(query)
        }

    def delete_cases(self, case_ids: Sequence[int]) -> int:
        ids = sorted(set(case_ids))
        if not ids:
            return 0
        for child in (t.dscsa_case_step, t.dscsa_case_subject):
            self.conn.execute(delete(child).where(child.c.case_id.in_(ids)))
        case = t.dscsa_case
        return int(self.conn.execute(delete(case).where(case.c.id.in_(ids))).rowcount)

    def delete_exceptions(self, step_ids: Sequence[int]) -> int:
        step, exception = t.dscsa_exception_step, t.dscsa_exception
        named = select(step.c.exception_id).where(step.c.id.in_(sorted(set(step_ids))))
        ids = sorted({int(key) for key in self.conn.execute(named).scalars()})
        if not ids:
            return 0
        self.conn.execute(delete(step).where(step.c.exception_id.in_(ids)))
        return int(self.conn.execute(delete(exception).where(exception.c.id.in_(ids))).rowcount)

    def delete_verifications(self, verification_ids: Sequence[int]) -> int:
        ids = sorted(set(verification_ids))
        if not ids:
            return 0
        v = t.dscsa_verification
        return int(self.conn.execute(delete(v).where(v.c.id.in_(ids))).rowcount)

    def delete_scans(self, scan_ids: Sequence[int]) -> int:
        ids = sorted(set(scan_ids))
        if not ids:
            return 0
        scan = t.receipt_scan
        return int(self.conn.execute(delete(scan).where(scan.c.id.in_(ids))).rowcount)
