"""The DSCSA record chain in SQL: :class:`SqlRecordChain`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, insert, select, text

from rxsupply.adapters import tables as t
from rxsupply.domain.record_chain import ChainEntry

_R = t.dscsa_record
#: The advisory lock space of the DSCSA record chains (PostgreSQL; ``RX`` in ASCII).
CHAIN_LOCK_SPACE = 0x5258
_ENTRY = select(
    _R.c.facility_id,
    _R.c.seq,
    _R.c.kind,
    _R.c.subject,
    _R.c.digest,
    _R.c.prev_hash,
    _R.c.hash,
    _R.c.recorded_at,
    _R.c.user_name,
)


def _entry(row: Any) -> ChainEntry:
    return entry_of(row, int(row.facility_id))


def entry_of(row: Any, facility_id: int) -> ChainEntry:
    """A chain entry from its row (``dscsa_record`` or ``ledger_chain``)."""
    return ChainEntry(
        facility_id=facility_id,
        seq=int(row.seq),
        kind=row.kind,
        subject=row.subject,
        digest=row.digest,
        prev_hash=row.prev_hash,
        hash=row.hash,
        recorded_at=row.recorded_at,
        user=row.user_name,
    )


def entry_values(entry: ChainEntry) -> dict[str, Any]:
    """A chain entry's columns (all but the chain's own: ``facility_id``, ...)."""
    return {
        "seq": entry.seq,
        "kind": entry.kind,
        "subject": entry.subject,
        "digest": entry.digest,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
        "recorded_at": entry.recorded_at,
        "user_name": entry.user,
    }


class SqlRecordChain:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def last(self, facility_id: int) -> ChainEntry | None:
        if self.conn.dialect.name == "postgresql":
            # one writer at a time per facility's chain, until the transaction ends; under READ
            # COMMITTED the query below then sees the entry the previous writer committed (a
            # row lock on the newest entry would not: the second writer would re-read the same
            # row and collide on its seq; nor would it cover a facility's first entry).
            # SQLite writers are serialised already (BEGIN IMMEDIATE).
            self.conn.execute(
                text("SELECT pg_advisory_xact_lock(:space, :facility)"),
                {"space": CHAIN_LOCK_SPACE, "facility": facility_id},
            )
        query = _ENTRY.where(_R.c.facility_id == facility_id).order_by(_R.c.seq.desc()).limit(1)
        row = self.conn.execute(query).first()
        return None if row is None else _entry(row)

    def append(self, entry: ChainEntry) -> None:
        self.conn.execute(insert(_R).values(facility_id=entry.facility_id, **entry_values(entry)))

    def entries(self, facility_id: int) -> Iterator[ChainEntry]:
        query = _ENTRY.where(_R.c.facility_id == facility_id).order_by(_R.c.seq, _R.c.id)
        for row in self.conn.execute(query):
            yield _entry(row)

    def of_subject(self, subject: str) -> list[ChainEntry]:
        query = _ENTRY.where(_R.c.subject == subject).order_by(_R.c.facility_id, _R.c.seq)
        return [_entry(row) for row in self.conn.execute(query)]

    def facilities(self) -> list[int]:
        query = select(_R.c.facility_id).distinct().order_by(_R.c.facility_id)
        return [int(found) for found in self.conn.scalars(query)]
