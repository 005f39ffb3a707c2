"""Suspect and illegitimate product cases (DSCSA 582(d)(4)): open one, investigate, dispose.

- :func:`open_case`: name the serialised packages (GTIN and serial) and lots (NDC and lot) a
  suspicion is about, why (:class:`~rxsupply.domain.suspect_case.SuspectReason`) and how it
  was noticed; every one of them is marked *suspect* in the same transaction, everywhere it
  is (:mod:`rxsupply.services.dscsa.case_stock`), each status change naming the case and the
  user. Anyone who may block stock may open a case.
- :func:`add_case_step`: a note, a piece of evidence (its name and SHA-256 digest), a trading
  partner notified, FDA notified (its incident number), or the case closed.
- :func:`clear_case`: the product is legitimate: its units are released through the
  ledger's status path. :func:`declare_illegitimate`: they stay blocked, the 24-hour clock
  to FDA starts, the Form 3911 draft and the partners to notify are ready
  (:mod:`rxsupply.services.dscsa.case_views`). Both are the pharmacist in charge's call
  (the ``release`` permission: managers and admins).

Every step is a new row (the tables are append-only) chained into the facility's DSCSA
records: kind ``case_step``, subject ``case:<id>:<seq>``, content :func:`case_step_content`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rxsupply.domain.clock import Clock, local_day
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.fields import check_text, parse_timestamp
from rxsupply.domain.location import LocationKind
from rxsupply.domain.suspect_case import (
    CaseSource,
    Step,
    StepKind,
    SuspectReason,
    case_number,
    case_state,
    check_sha256,
    check_step,
)
from rxsupply.domain.users import Permission
from rxsupply.errors import InvalidValue, NotFound
from rxsupply.services.audit import record, require_user
from rxsupply.services.dscsa.case_records import KIND, case_step_content
from rxsupply.services.dscsa.case_stock import block_subjects, release_subjects, resolve_subjects
from rxsupply.services.dscsa.records import append_record
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.suspect_cases import CaseRecord
from rxsupply.services.references import facility_of
from rxsupply.services.users import acting_user

NOTE_LENGTH = 4000

__all__ = [
    "KIND",
    "add_case_step",
    "case_step_content",
    "clear_case",
    "declare_illegitimate",
    "find_case",
    "open_case",
]


def find_case(uow: UnitOfWork, key: str | int) -> CaseRecord:
    """A case by its number (``SC-2026-0001``, any case) or its id."""
    text = str(key).strip()
    case_id: int | None = None
    if text.isascii() and text.isdigit() and len(text) <= 9:
        case_id = int(text)
    elif text:
        case_id = uow.suspect_cases.by_number(text[:40])
    found = uow.suspect_cases.get(case_id) if case_id else None
    if found is None:
        raise NotFound("suspect product case", text[:40])
    return found


def _facility_id(uow: UnitOfWork, code: str | None) -> int:
    if code:
        found = facility_of(uow, code.strip()[:64])
        if found is None or found.id is None:
            raise NotFound("facility", code[:64])
        return found.id
    facilities = uow.locations.of_kind(LocationKind.FACILITY)
    if len(facilities) == 1 and facilities[0].id is not None:
        return facilities[0].id
    if not facilities:
        raise InvalidValue("facility", "no facility is on record: import the locations first")
    codes = ", ".join(f.code for f in facilities)
    raise InvalidValue("facility", f"name the facility the case belongs to: one of {codes}")


def _note(text: str, *, required: str = "") -> str:
    note = " ".join(line.strip() for line in text.splitlines() if line.strip())
    check_text("note", note, limit=NOTE_LENGTH)
    if required and not note:
        raise InvalidValue("note", required)
    return note


def open_case(
    uow: UnitOfWork,
    *,
    serials: list[str],
    lots: list[str],
    reason: SuspectReason,
    source: CaseSource,
    user: str,
    clock: Clock,
    note: str = "",
    facility: str | None = None,
    external_id: ExternalId | None = None,
) -> CaseRecord:
    """Open a case and mark every serial and lot it names suspect, in one transaction;
    commits. The same external id again (a form sent twice) answers the case it opened."""
    require_user(user)
    user = acting_user(uow, user, Permission.QUARANTINE)
    uow.suspect_cases.lock_writes()  # before reading any other case's holds or numbers
    ext = None if external_id is None else str(external_id)
    if ext is not None:
        known = uow.suspect_cases.by_external_id(ext)
        if known is not None:
            return find_case(uow, known)
    text = _note(note)
    facility_id = _facility_id(uow, facility)
    found = resolve_subjects(uow, serials=serials, lots=lots)
    year = local_day(clock.now(), clock.zone).year
    number = case_number(year, uow.suspect_cases.numbers_taken(f"SC-{year:04d}-"))
    why = f"suspect case {number}: {reason.value.replace('_', ' ')} ({source.value})"
    subjects = [f.subject for f in found]
    changed = block_subjects(uow, subjects, reason=why, user=user, clock=clock)
    case_id = uow.suspect_cases.add(
        facility_id=facility_id,
        number=number,
        opened_at=clock.now(),
        opened_by=user,
        reason=reason,
        source=source,
        subjects=subjects,
        external_id=ext,
    )
    case = find_case(uow, case_id)
    _append(uow, case, Step(1, StepKind.OPENED, clock.now(), user, note=text), clock=clock)
    record(
        uow,
        user=user,
        action="open",
        entity="suspect_case",
        key=number,
        now=clock.now(),
        after={"subjects": [s.label for s in subjects], "changed": changed},
    )
    uow.commit()
    return find_case(uow, case_id)


def _append(
    uow: UnitOfWork, case: CaseRecord, step: Step, *, clock: Clock, external_id: str | None = None
) -> None:
    uow.suspect_cases.add_step(case.id, step, external_id=external_id)
    subject = f"case:{case.id}:{step.seq}"
    append_record(
        uow,
        facility_id=case.facility_id,
        kind=KIND,
        subject=subject,
        content=case_step_content(uow, subject),
        user=step.user,
        clock=clock,
    )


_NEEDS = {
    StepKind.STEP: Permission.QUARANTINE,
    StepKind.EVIDENCE: Permission.QUARANTINE,
    StepKind.PARTNER_NOTIFIED: Permission.QUARANTINE,
    StepKind.FDA_NOTIFIED: Permission.QUARANTINE,
    StepKind.CLEARED: Permission.RELEASE,
    StepKind.ILLEGITIMATE: Permission.RELEASE,
    StepKind.CLOSED: Permission.RELEASE,
}


def add_case_step(
    uow: UnitOfWork,
    *,
    case: str | int,
    kind: StepKind,
    user: str,
    clock: Clock,
    note: str = "",
    evidence_name: str = "",
    evidence_sha256: str = "",
    partner: str = "",
    incident: str = "",
    notified_at: str = "",
    external_id: ExternalId | None = None,
) -> CaseRecord:
    """Record one step of a case; commits. A note, evidence (a name, a SHA-256 digest or a
    note describing it), a partner notified (its name), FDA notified (the incident number
    FDA's portal gave, and ``notified_at``: when FDA was notified, ISO 8601, a time without
    an offset in the facility's zone; now when not given; no earlier than the determination
    and not in the future: the 24-hour clock stops at it, so it is the step's time), closed;
    clearing and the determination of illegitimacy go through
    :func:`clear_case` and :func:`declare_illegitimate`. The same external id again records
    nothing more."""
    require_user(user)
    if kind not in _NEEDS or kind in (StepKind.CLEARED, StepKind.ILLEGITIMATE):
        raise InvalidValue(
            "kind",
            "step, evidence, partner_notified, fda_notified or closed (clearing and the "
            "determination of illegitimacy are a disposition)",
            kind.value,
        )
    user = acting_user(uow, user, _NEEDS[kind])
    uow.suspect_cases.lock_writes()
    ext = None if external_id is None else str(external_id)
    found = find_case(uow, case)
    if ext is not None and uow.suspect_cases.by_external_id(ext) == found.id:
        return found
    state = case_state(found.steps)
    check_step(state, kind, partner=partner)
    text = _note(note, required="say what was done" if kind is StepKind.STEP else "")
    name = evidence_name.strip()[:255]
    digest = check_sha256(evidence_sha256)
    if kind is StepKind.EVIDENCE and not (name or digest or text):
        raise InvalidValue("evidence_name", "name the evidence, give its digest or describe it")
    who = partner.strip()[:200]
    if kind is StepKind.PARTNER_NOTIFIED and not who:
        raise InvalidValue("partner", "name the trading partner notified")
    number = incident.strip()[:60]
    if kind is StepKind.FDA_NOTIFIED and not number:
        raise InvalidValue("incident", "the incident number FDA gave the notification")
    at = _notified_at(notified_at, state.determined_at, clock) if notified_at.strip() else None
    if at is not None and kind is not StepKind.FDA_NOTIFIED:
        raise InvalidValue("notified_at", "only an FDA notification takes a time of its own")
    step = Step(
        len(found.steps) + 1,
        kind,
        at or clock.now(),
        user,
        note=text,
        evidence_name=name if kind is StepKind.EVIDENCE else "",
        evidence_sha256=digest if kind is StepKind.EVIDENCE else "",
        partner=who if kind is StepKind.PARTNER_NOTIFIED else "",
        incident=number if kind is StepKind.FDA_NOTIFIED else "",
    )
    _append(uow, found, step, clock=clock, external_id=ext)
    uow.commit()
    return find_case(uow, found.id)


def _notified_at(text: str, determined_at: datetime | None, clock: Clock) -> datetime:
    """When FDA was notified, as given: no earlier than the determination, not in the
    future."""
    at = parse_timestamp(text[:60], clock.zone, "notified_at")
    zone = clock.zone

    def shown(moment: datetime) -> str:
        utc = moment.astimezone(UTC)
        return f"{moment.astimezone(zone):%Y-%m-%d %H:%M %Z} ({utc:%Y-%m-%d %H:%M} UTC)"

    if determined_at is not None and at < determined_at:
        raise InvalidValue(
            "notified_at",
            f"before the determination of illegitimacy ({shown(determined_at)})",
            text[:60],
        )
    if at > clock.now():
        raise InvalidValue("notified_at", f"in the future (now is {shown(clock.now())})", text[:60])
    return at


def _dispose(
    uow: UnitOfWork,
    *,
    case: str | int,
    kind: StepKind,
    note: str,
    user: str,
    clock: Clock,
) -> tuple[CaseRecord, dict[str, object]]:
    require_user(user)
    user = acting_user(uow, user, Permission.RELEASE)
    uow.suspect_cases.lock_writes()  # a case opened meanwhile on the same units is seen
    found = find_case(uow, case)
    check_step(case_state(found.steps), kind)
    text = _note(note, required="say why (what the investigation found)")
    if kind is StepKind.CLEARED:
        done: dict[str, object] = dict(
            release_subjects(uow, found, note=text, user=user, clock=clock)
        )
    else:
        why = f"suspect case {found.number}: determined illegitimate"
        subjects = found.subjects
        done = {"blocked_again": block_subjects(uow, subjects, reason=why, user=user, clock=clock)}
    _append(uow, found, Step(len(found.steps) + 1, kind, clock.now(), user, note=text), clock=clock)
    record(
        uow,
        user=user,
        action=kind.value,
        entity="suspect_case",
        key=found.number,
        now=clock.now(),
        after=done,
    )
    uow.commit()
    return find_case(uow, found.id), done


def clear_case(
    uow: UnitOfWork, *, case: str | int, note: str, user: str, clock: Clock
) -> tuple[CaseRecord, dict[str, object]]:
    """The product is legitimate: release the case's units (each back to the status it had
    before, unless another case not cleared names it) and record it; commits. What was
    released, restored and kept."""
    return _dispose(uow, case=case, kind=StepKind.CLEARED, note=note, user=user, clock=clock)


def declare_illegitimate(
    uow: UnitOfWork, *, case: str | int, note: str, user: str, clock: Clock
) -> tuple[CaseRecord, dict[str, object]]:
    """The product is illegitimate: its units stay blocked (any released meanwhile is made
    suspect again) and the 24-hour clock to FDA starts now; commits."""
    return _dispose(uow, case=case, kind=StepKind.ILLEGITIMATE, note=note, user=user, clock=clock)
