"""Appending to a facility's DSCSA record chain: the one way every DSCSA record is recorded.

The pattern every DSCSA write follows, so that ``rxsupply dscsa verify-ledger`` can recompute
what was recorded:

1. write the record's rows (append-only tables);
2. read them back with the record kind's *content function* (``content(uow, subject)``: the
   rows as plain JSON-able values, or ``None`` when they are gone), the same function the
   verification uses;
3. :func:`append_record` with that content, in the same unit of work.

An edit or deletion of any row then changes the recomputed digest, and removing or inserting
an entry breaks the links (:func:`rxsupply.domain.record_chain.verify_chain`).
"""

from __future__ import annotations

from rxsupply.domain.clock import Clock
from rxsupply.domain.record_chain import GENESIS, ChainEntry, digest, link
from rxsupply.services.ports import UnitOfWork


def append_record(
    uow: UnitOfWork,
    *,
    facility_id: int,
    kind: str,
    subject: str,
    content: object,
    user: str,
    clock: Clock,
) -> ChainEntry:
    """Append one record (its content's digest) to the facility's chain; the entry written."""
    last = uow.records.last(facility_id)
    entry = link(
        facility_id=facility_id,
        seq=1 if last is None else last.seq + 1,
        kind=kind,
        subject=subject,
        content_digest=digest(content),
        prev_hash=GENESIS if last is None else last.hash,
        recorded_at=clock.now(),
        user=user,
    )
    uow.records.append(entry)
    return entry
