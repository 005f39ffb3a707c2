"""Purging DSCSA records past their six-year retention (``rxsupply dscsa purge --before DATE``).

Only an admin may purge, and only before a date at least six years back
(:func:`rxsupply.domain.record_retention.check_purge_date`); the database refuses a younger
DELETE by itself (migration 0034). A purge verifies each facility's chain first (a chain with
breaks is not purged: that would hide them), deletes the chain entries recorded before the date
(always keeping the newest, so the chain goes on from it) with the rows of every subject no
remaining entry covers, each kind through its :data:`~.ledger_check.PURGE` function, and records
a :class:`ChainAnchor` from which ``verify-ledger`` checks what remains.

A purge deletes whole records: a document, a suspect case (all its steps), an exception (all its
steps), a verification. A record still live after the date (a case or an exception with a step
recorded after it, a document an exception still open after it refers to) is kept whole, and
since a chain has no holes, so is every entry from its first one on: the purge stops there and
says so (:attr:`PurgeReport.held`). A receipt scan is a record of its own, purged with its entry.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from rxsupply.domain.clock import Clock
from rxsupply.domain.record_chain import ChainEntry
from rxsupply.domain.record_retention import ChainAnchor, check_purge_date
from rxsupply.domain.users import Permission
from rxsupply.errors import PurgeRefused
from rxsupply.services.dscsa.ledger_check import PURGE, case_of, check_facility
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.storage import AuditEntry
from rxsupply.services.users import acting_user


@dataclass(frozen=True, slots=True)
class FacilityPurge:
    """What a purge deleted at one facility."""

    facility_id: int
    facility: str
    entries: int
    rows: dict[str, int]  # subjects' rows deleted, by kind
    anchor: ChainAnchor

    def as_dict(self) -> dict[str, object]:
        return {
            "facility_id": self.facility_id,
            "facility": self.facility,
            "entries": self.entries,
            "rows": dict(self.rows),
            "anchor": self.anchor.as_dict(),
        }


@dataclass(frozen=True, slots=True)
class PurgeReport:
    before: date
    facilities: list[FacilityPurge]
    held: list[str] = field(default_factory=list)
    """Why a facility's purge stopped before the date: the record kept and what keeps it."""

    def as_dict(self) -> dict[str, object]:
        return {
            "before": self.before.isoformat(),
            "entries": sum(f.entries for f in self.facilities),
            "facilities": [f.as_dict() for f in self.facilities],
            "held": list(self.held),
        }


def purge_records(uow: UnitOfWork, *, before: date, user: str, clock: Clock) -> PurgeReport:
    """Delete the DSCSA records recorded before ``before`` (the facility's local day), at
    least six years back; admins only. Nothing is deleted when any facility refuses."""
    acting_user(uow, user, Permission.PURGE_RECORDS)
    check_purge_date(before, clock.today())
    cut = datetime.combine(before, time.min, tzinfo=clock.zone).astimezone(UTC)
    facilities = uow.records.facilities()
    codes = uow.locations.codes(facilities)
    done: list[FacilityPurge] = []
    held: list[str] = []
    for facility_id in facilities:
        code = codes.get(facility_id, str(facility_id))
        purged = _purge_facility(uow, facility_id, code, cut, before, user, clock, held)
        if purged is not None:
            done.append(purged)
    report = PurgeReport(before, done, held)
    uow.audit.add(
        AuditEntry(
            at=clock.now(),
            user=user,
            action="purge_dscsa_records",
            entity="dscsa_record",
            key=before.isoformat(),
            after=json.dumps(report.as_dict(), sort_keys=True),
        )
    )
    uow.commit()
    return report


def _purge_facility(
    uow: UnitOfWork,
    facility_id: int,
    code: str,
    cut: datetime,
    before: date,
    user: str,
    clock: Clock,
    held: list[str],
) -> FacilityPurge | None:
    checked = check_facility(uow, facility_id, code)
    if not checked.ok:
        first = checked.breaks[0]
        raise PurgeRefused(
            f"{code}: verify-ledger finds {len(checked.breaks)} break(s), the first at entry "
            f"{first.seq} ({first.subject}: {first.problem}); purging would hide them, so "
            "nothing is deleted"
        )
    entries = list(uow.records.entries(facility_id))
    if not entries:
        return None
    keep = next((e for e in entries if e.recorded_at >= cut), entries[-1])
    keep = _held_back(uow, facility_id, code, entries, keep, held)
    gone = [e for e in entries if e.seq < keep.seq]
    if not gone:
        return None
    remaining = {e.subject for e in entries if e.seq >= keep.seq}
    by_kind: dict[str, list[str]] = defaultdict(list)
    for entry in gone:
        if entry.subject not in remaining and entry.subject not in by_kind[entry.kind]:
            by_kind[entry.kind].append(entry.subject)
    unknown = sorted(kind for kind in by_kind if kind not in PURGE)
    if unknown:
        raise PurgeRefused(
            f"{code}: no way to purge records of kind {', '.join(unknown)}; nothing is deleted"
        )
    rows = {kind: PURGE[kind](uow, by_kind[kind]) for kind in PURGE if kind in by_kind}
    deleted = uow.record_retention.delete_entries(facility_id, below_seq=keep.seq)
    anchor = ChainAnchor(
        facility_id=facility_id,
        first_seq=keep.seq,
        first_prev=keep.prev_hash,
        purged_before=before,
        purged_by=user,
        purged_at=clock.now(),
    )
    uow.record_retention.add_anchor(anchor)
    return FacilityPurge(facility_id, code, deleted, rows, anchor)


def _held_back(
    uow: UnitOfWork,
    facility_id: int,
    code: str,
    entries: list[ChainEntry],
    keep: ChainEntry,
    held: list[str],
) -> ChainEntry:
    """The entry the purge keeps from, moved back to the first entry of the oldest record that
    must stay whole (``held`` says which and why)."""
    owners = uow.record_retention.exception_steps(facility_id)

    def record(entry: ChainEntry) -> str:
        if entry.kind == "case_step":
            return f"case:{case_of(entry.subject)}"
        key = entry.subject.partition(":")[2]
        if entry.kind == "exception_step" and key.isdigit() and int(key) in owners:
            return f"exception:{owners[int(key)][0]}"
        return entry.subject

    users: dict[str, set[str]] = defaultdict(set)  # document -> exceptions referring to it
    for exception, document in owners.values():
        if document is not None:
            users[f"document:{document}"].add(f"exception:{exception}")
    while True:
        last = {record(e): e for e in entries if e.seq >= keep.seq}
        why = None
        for entry in (e for e in entries if e.seq < keep.seq):
            name = record(entry)
            later = last.get(name)
            if later is not None:
                why = f"{name} has entry {later.seq} recorded {later.recorded_at.date()}"
            for user in sorted(users.get(name, ())):
                if why is None and user in last:
                    found = last[user]
                    why = (
                        f"{name} is referred to by {user}, whose entry {found.seq} was "
                        f"recorded {found.recorded_at.date()}"
                    )
            if why is not None:
                held.append(
                    f"{code}: kept from entry {entry.seq} on: {why}; a record is purged whole"
                )
                keep = entry
                break
        if why is None:
            return keep
