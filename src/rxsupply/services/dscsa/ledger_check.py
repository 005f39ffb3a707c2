"""``verify-ledger``: every facility's DSCSA chain recomputed from the rows it covers.

Each record kind registers here, in one place, how to check it:

- :data:`CONTENT`: the kind's *content function* (``content(uow, subject)``, the same function
  its writer digested when it appended the record; ``None`` when the rows are gone);
- :data:`SUBJECTS`: which subjects of the kind have rows stored (``(facility id, subject)``),
  so a row written behind the application's back, with no chain entry, is named too;
- :data:`PURGE` (used by :mod:`.retention`): how to delete a subject's rows past their six
  years.

An entry of a kind with no content function is a break ("no way to check kind X"), never passed.
The report gives, per facility, the entries checked, the breaks (:class:`ChainBreak`: problem
``altered``, ``removed``, ``inserted``, ``relinked``, ``forged``, ``unchecked`` or
``unrecorded``) and the head hash a compliance officer writes down (or anchors elsewhere) to
detect later that the chain was rewritten from scratch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rxsupply.domain.location import LocationKind
from rxsupply.domain.record_chain import GENESIS, ChainBreak, ChainEntry, digest, verify_chain
from rxsupply.domain.record_retention import ChainAnchor
from rxsupply.errors import InvalidValue, UnknownLocation
from rxsupply.services.dscsa.case_records import case_step_content
from rxsupply.services.dscsa.exceptions import exception_step_content, stored_exception_steps
from rxsupply.services.dscsa.importing import document_content
from rxsupply.services.dscsa.reconciliation import receipt_scan_content, stored_receipt_scans
from rxsupply.services.dscsa.verification import verification_content
from rxsupply.services.ports import UnitOfWork

Content = Callable[[UnitOfWork, str], object | None]
Subjects = Callable[[UnitOfWork], Iterable[tuple[int, str]]]
Purge = Callable[[UnitOfWork, Sequence[str]], int]


def _stored_documents(uow: UnitOfWork) -> Iterable[tuple[int, str]]:
    return (
        (facility, f"document:{key}") for facility, key in uow.record_retention.stored_documents()
    )


def _purge_documents(uow: UnitOfWork, subjects: Sequence[str]) -> int:
    return uow.record_retention.delete_documents([_key(s) for s in subjects])


def _stored_case_steps(uow: UnitOfWork) -> Iterable[tuple[int, str]]:
    return (
        (facility, f"case:{case}:{seq}")
        for facility, case, seq in uow.record_retention.stored_case_steps()
    )


def _stored_verifications(uow: UnitOfWork) -> Iterable[tuple[int, str]]:
    return (
        (facility, f"verification:{key}")
        for facility, key in uow.record_retention.stored_verifications()
    )


def _purge_cases(uow: UnitOfWork, subjects: Sequence[str]) -> int:
    """Whole cases (steps, subjects, the case), named by their steps' subjects."""
    return uow.record_retention.delete_cases([case_of(s) for s in subjects])


def _purge_exceptions(uow: UnitOfWork, subjects: Sequence[str]) -> int:
    """Whole exceptions (every step, the exception), named by their steps' subjects."""
    return uow.record_retention.delete_exceptions([_key(s) for s in subjects])


def _purge_verifications(uow: UnitOfWork, subjects: Sequence[str]) -> int:
    return uow.record_retention.delete_verifications([_key(s) for s in subjects])


def _purge_scans(uow: UnitOfWork, subjects: Sequence[str]) -> int:
    return uow.record_retention.delete_scans([_key(s) for s in subjects])


def _key(subject: str) -> int:
    key = subject.partition(":")[2]
    if not key.isdigit():
        raise InvalidValue("subject", "expected kind:number", subject)
    return int(key)


def case_of(subject: str) -> int:
    """The case a ``case_step`` subject (``case:<id>:<seq>``) belongs to."""
    parts = subject.split(":")
    if len(parts) != 3 or not parts[1].isdigit():
        raise InvalidValue("subject", "expected case:number:number", subject)
    return int(parts[1])


CONTENT: dict[str, Content] = {
    "document": document_content,
    "case_step": case_step_content,
    "verification": verification_content,
    "exception_step": exception_step_content,
    "receipt_scan": receipt_scan_content,
}
"""How to recompute each kind's content, by kind: each writer's own content function."""
SUBJECTS: dict[str, Subjects] = {
    "document": _stored_documents,
    "case_step": _stored_case_steps,
    "verification": _stored_verifications,
    "exception_step": stored_exception_steps,
    "receipt_scan": stored_receipt_scans,
}
"""Which subjects of each kind have rows stored, to name rows no chain entry covers."""
PURGE: dict[str, Purge] = {
    "exception_step": _purge_exceptions,
    "case_step": _purge_cases,
    "verification": _purge_verifications,
    "document": _purge_documents,
    "receipt_scan": _purge_scans,
}
"""How to delete each kind's rows once past retention (a kind without one stops a purge), run
in this order: a kind whose rows refer to another's comes before it (an exception refers to
its document). A step kind deletes whole records (a case, an exception) named by their steps;
:mod:`.retention` only hands it records none of whose entries it keeps."""


@dataclass(frozen=True, slots=True)
class FacilityLedger:
    """One facility's chain as verified."""

    facility_id: int
    facility: str
    entries: int
    first_seq: int | None
    head_seq: int | None
    head_hash: str
    anchor: ChainAnchor | None
    breaks: list[ChainBreak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks

    def as_dict(self) -> dict[str, object]:
        return {
            "facility_id": self.facility_id,
            "facility": self.facility,
            "entries": self.entries,
            "first_seq": self.first_seq,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "anchor": None if self.anchor is None else self.anchor.as_dict(),
            "ok": self.ok,
            "breaks": self.break_rows(),
        }

    def break_rows(self) -> list[dict[str, object]]:
        """Each break as a plain dict, with the facility's code."""
        return [b.as_dict() | {"facility": self.facility} for b in self.breaks]


@dataclass(frozen=True, slots=True)
class LedgerReport:
    facilities: list[FacilityLedger]

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.facilities)

    @property
    def breaks(self) -> list[dict[str, object]]:
        return [b for f in self.facilities for b in f.break_rows()]

    @property
    def entries(self) -> int:
        return sum(f.entries for f in self.facilities)

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "breaks": self.breaks,
            "facilities": [f.as_dict() for f in self.facilities],
        }


def verify_ledger(uow: UnitOfWork, *, facility: str | None = None) -> LedgerReport:
    """Verify every facility's chain (or one facility's, by location code): the links, each
    entry's content recomputed by its kind's content function, and every stored row covered."""
    stored = _stored_subjects(uow)
    if facility is not None:
        found = uow.locations.get(facility.strip())
        if found is None or found.id is None:
            raise UnknownLocation(facility)
        if found.kind is not LocationKind.FACILITY:
            raise InvalidValue("facility", "not a facility", facility)
        ids = [found.id]
    else:
        ids = sorted(set(uow.records.facilities()) | {f for f, _ in stored})
    codes = uow.locations.codes(ids)
    return LedgerReport(
        [
            check_facility(uow, facility_id, codes.get(facility_id, str(facility_id)), stored)
            for facility_id in ids
        ]
    )


def check_facility(
    uow: UnitOfWork, facility_id: int, code: str, stored: set[tuple[int, str]] | None = None
) -> FacilityLedger:
    """One facility's chain verified (``stored``: the subjects present, from
    :func:`_stored_subjects`, read once for many facilities)."""
    stored = _stored_subjects(uow) if stored is None else stored
    anchor = uow.record_retention.anchor(facility_id)
    entries = list(uow.records.entries(facility_id))
    unchecked: list[ChainBreak] = []

    def content_digest(entry: ChainEntry) -> str | None:
        content = CONTENT.get(entry.kind)
        if content is None:
            unchecked.append(_broken(entry, "unchecked", f"no way to check kind {entry.kind}"))
            return entry.digest
        try:
            found = content(uow, entry.subject)
        except Exception as exc:  # a tampered row may break a reader in any way: report it
            unchecked.append(_broken(entry, "altered", f"its rows cannot be read: {exc}"))
            return entry.digest
        return None if found is None else digest(found)

    breaks = verify_chain(
        entries,
        content_digest,
        first_seq=anchor.first_seq if anchor else 1,
        first_prev=anchor.first_prev if anchor else GENESIS,
    )
    covered = {e.subject for e in entries}
    unrecorded = [
        ChainBreak(
            facility_id,
            0,
            subject.partition(":")[0],
            subject,
            "unrecorded",
            "stored rows no chain entry covers: written outside rxsupply",
        )
        for f, subject in sorted(stored)
        if f == facility_id and subject not in covered
    ]
    head = entries[-1] if entries else None
    return FacilityLedger(
        facility_id=facility_id,
        facility=code,
        entries=len(entries),
        first_seq=entries[0].seq if entries else None,
        head_seq=head.seq if head else None,
        head_hash=head.hash if head else (anchor.first_prev if anchor else GENESIS),
        anchor=anchor,
        breaks=sorted([*breaks, *unchecked], key=lambda b: b.seq) + unrecorded,
    )


def _broken(entry: ChainEntry, problem: str, reason: str) -> ChainBreak:
    return ChainBreak(entry.facility_id, entry.seq, entry.kind, entry.subject, problem, reason)


def _stored_subjects(uow: UnitOfWork) -> set[tuple[int, str]]:
    return {found for subjects in SUBJECTS.values() for found in subjects(uow)}


def chain_heads(uow: UnitOfWork) -> list[dict[str, object]]:
    """Each facility's chain at a glance, without verifying it: entries held, the newest
    entry's number and hash, when it was recorded."""
    heads = uow.record_retention.heads()
    codes = uow.locations.codes([head.facility_id for _, head in heads])
    return [
        {
            "facility_id": head.facility_id,
            "facility": codes.get(head.facility_id, str(head.facility_id)),
            "entries": count,
            "head_seq": head.seq,
            "head_hash": head.hash,
            "last_recorded_at": head.recorded_at.isoformat(),
        }
        for count, head in heads
    ]
