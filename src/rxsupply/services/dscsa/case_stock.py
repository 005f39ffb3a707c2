"""What a suspect product case does to stock, through the ledger's status path.

- :func:`resolve_subjects`: the lots (NDC or GTIN and lot number) and serialised packages
  (GTIN and serial) a case names, found on record, each with the status it has now.
- :func:`block_subjects`: every one of them *suspect* at once
  (:class:`~rxsupply.services.ledger.SetStatus`, all in one posting, no commit): a lot is
  blocked everywhere it is (storeroom shelves and cabinet pockets alike, and the lots
  repackaged from it), a package wherever it is. One already suspect or recalled is left
  as it is (a block only hardens).
- :func:`release_subjects`: a cleared case's units go back to the status they had before the
  case that blocked them (available, or quarantined with its reason), unless another case
  not cleared names them too; a lot recalled meanwhile stays recalled.
"""

from __future__ import annotations

from dataclasses import dataclass

from rxsupply.domain.clock import Clock
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.serial import SERIAL_LENGTH
from rxsupply.domain.status import StockStatus
from rxsupply.domain.suspect_case import case_state
from rxsupply.domain.trace_query import parse_serial_query
from rxsupply.errors import InvalidValue, NotFound
from rxsupply.services import ledger
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.ports.suspect_cases import CaseRecord, CaseSubject
from rxsupply.services.recall_release import post_all
from rxsupply.services.references import find_product

MAX_SUBJECTS = 500


def _split(text: str, field: str, example: str) -> tuple[str, str]:
    head, sep, tail = text.strip().partition(":")
    if not sep or not head.strip() or not tail.strip():
        raise InvalidValue(field, f"write it as {example}", text[:80])
    return head.strip(), tail.strip()


SERIAL_FORMS = (
    "GTIN:SERIAL, NDC:SERIAL, the element string 01...21..., an EPC URI or a Digital Link"
)


def _serial_of(text: str) -> tuple[str, str]:
    """The product (a GTIN-14, or an NDC to find) and serial of a serialised package named in
    any form trace takes (:func:`rxsupply.domain.trace_query.parse_serial_query`, the one
    parser of both); a serial alone is refused: a case names the package exactly."""
    query = parse_serial_query(text[:400])
    code = query.gtin or query.product
    if code is None:
        raise InvalidValue("serial", f"name the product too: {SERIAL_FORMS}", text[:80])
    if len(query.serial) > SERIAL_LENGTH:
        raise InvalidValue("serial", f"at most {SERIAL_LENGTH} characters", query.serial[:40])
    return code, query.serial


@dataclass(frozen=True, slots=True)
class Found:
    """A subject found on record, with its status now."""

    subject: CaseSubject
    status: StockStatus


def resolve_subjects(uow: UnitOfWork, *, serials: list[str], lots: list[str]) -> list[Found]:
    """The subjects named (serials in any form :data:`SERIAL_FORMS` lists, lots as
    ``NDC:LOT``), each found on record, in the
    order given; an unknown one, or one named twice, is refused. Takes the case write lock
    first (:meth:`~rxsupply.services.ports.suspect_cases.CaseRepository.lock_writes`): a case
    cleared at the same time then either sees this one or has released before it reads."""
    uow.suspect_cases.lock_writes()
    if not serials and not lots:
        raise InvalidValue("subjects", "name at least one serial (GTIN:SERIAL) or lot (NDC:LOT)")
    if len(serials) + len(lots) > MAX_SUBJECTS:
        raise InvalidValue("subjects", f"at most {MAX_SUBJECTS} serials and lots in one case")
    out: list[Found] = []
    for text in serials:
        gtin, serial = _serial_of(text)
        product = find_product(uow, gtin)
        assert product.id is not None
        package = uow.packages.find([(gtin, serial)]).get((gtin, serial))
        if package is None:
            matches = uow.packages.by_serial([product.id], serial)
            package = matches[0] if matches else None
        if package is None or package.id is None:
            raise NotFound("serialised package", f"{gtin}:{serial}")
        if not package.sealed:
            raise InvalidValue(
                "serial", f"package {serial} is {package.status.value}: no longer tracked", text
            )
        lot_number = uow.lots.numbers([package.lot_id])[package.lot_id]
        subject = CaseSubject(
            kind="serial",
            product_id=product.id,
            lot_id=package.lot_id,
            package_id=package.id,
            ndc=str(product.ndc),
            lot_number=lot_number,
            gtin=package.gtin,
            serial=package.serial,
            status_before=package.status,
            reason_before=package.status_reason,
            blocked=package.status not in _HARD,
        )
        out.append(Found(subject, package.status))
    limit = LedgerLimits().lot_length
    for text in lots:
        code, lot_number = _split(text, "lot", "NDC:LOT, e.g. 98765-3250-01:AP2406")
        if len(lot_number) > limit:
            raise InvalidValue("lot", f"at most {limit} characters", lot_number[:60])
        product = find_product(uow, code)
        assert product.id is not None
        record = uow.lots.lookup([(product.id, lot_number)]).get((product.id, lot_number))
        if record is None:
            raise NotFound("lot", f"{lot_number} of {product.ndc}", "never received here")
        status = record.status.status if record.status else StockStatus.AVAILABLE
        subject = CaseSubject(
            kind="lot",
            product_id=product.id,
            lot_id=record.id,
            ndc=str(product.ndc),
            lot_number=lot_number,
            status_before=status,
            reason_before=record.status.reason if record.status else "",
            blocked=status not in _HARD,
        )
        out.append(Found(subject, status))
    keys = [f.subject.key for f in out]
    twice = {k for k in keys if keys.count(k) > 1}
    if twice:
        named = next(f.subject.label for f in out if f.subject.key in twice)
        raise InvalidValue("subjects", f"{named} is named twice: name each once")
    return out


_HARD = frozenset({StockStatus.SUSPECT, StockStatus.RECALLED})
"""Statuses a case leaves as they are: suspect already, or recalled (a block only hardens)."""


def _settled(status: StockStatus) -> bool:
    """Nothing to block: suspect or recalled already, or gone (a package returned, destroyed,
    dispensed or opened since the case named it)."""
    return status in _HARD or status.terminal


def _command(subject: CaseSubject, status: StockStatus, reason: str, user: str) -> ledger.Command:
    return ledger.SetStatus(
        user=user,
        product=subject.ndc,
        lot=None if subject.serial else subject.lot_number,
        serial=subject.serial,
        status=status,
        reason=reason[: LedgerLimits().note_length],
    )


def current_status(uow: UnitOfWork, subject: CaseSubject) -> StockStatus:
    if subject.serial and subject.gtin:
        found = uow.packages.find([(subject.gtin, subject.serial)])
        return found[(subject.gtin, subject.serial)].status
    record = uow.lots.lookup([(subject.product_id, subject.lot_number)])
    note = record[(subject.product_id, subject.lot_number)].status
    return note.status if note else StockStatus.AVAILABLE


def block_subjects(
    uow: UnitOfWork, subjects: list[CaseSubject], *, reason: str, user: str, clock: Clock
) -> list[dict[str, object]]:
    """Mark every subject *suspect* that is not suspect, recalled or gone already, in one
    posting (no commit); what changed."""
    commands = [
        _command(s, StockStatus.SUSPECT, reason, user)
        for s in subjects
        if not _settled(current_status(uow, s))
    ]
    return post_all(uow, commands, clock=clock)


def _holders(uow: UnitOfWork, case: CaseRecord) -> dict[tuple[str, int], list[CaseRecord]]:
    """For each subject of the case, the other cases naming it, newest first."""
    naming = uow.suspect_cases.naming(s.key for s in case.subjects)
    others: dict[int, CaseRecord] = {}
    for ids in naming.values():
        for case_id in ids:
            if case_id != case.id and case_id not in others:
                found = uow.suspect_cases.get(case_id)
                if found is not None:
                    others[case_id] = found
    return {
        key: sorted((others[i] for i in ids if i in others), key=lambda c: -c.id)
        for key, ids in naming.items()
    }


def release_subjects(
    uow: UnitOfWork, case: CaseRecord, *, note: str, user: str, clock: Clock
) -> dict[str, list[str]]:
    """Release a cleared case's units (no commit): each subject still suspect and named by no
    other case that holds stock goes back to the status it had before the case that blocked
    it; what was done, subject by subject."""
    uow.suspect_cases.lock_writes()  # before reading the other cases' holds
    why = f"suspect case {case.number} cleared: {note}"
    holders = _holders(uow, case)
    release: list[ledger.Command] = []
    restore: list[ledger.Command] = []
    kept: list[str] = []
    for subject in case.subjects:
        status = current_status(uow, subject)
        if status is not StockStatus.SUSPECT:
            kept.append(f"{subject.label}: {status.value}, left as it is")
            continue
        others = holders.get(subject.key, [])
        holding = [c for c in others if case_state(c.steps).holds_stock]
        if holding:
            kept.append(f"{subject.label}: still suspect, case {holding[0].number}")
            continue
        blocker = next(
            (s for c in [case, *others] for s in c.subjects if s.key == subject.key and s.blocked),
            subject,
        )
        release.append(_command(subject, StockStatus.AVAILABLE, why, user))
        before = blocker.status_before
        if before.blocked and before is not StockStatus.SUSPECT:
            again = f"{blocker.reason_before} (again: {why})"
            restore.append(_command(subject, before, again, user))
    released = post_all(uow, release, clock=clock)
    restored = post_all(uow, restore, clock=clock)

    def named(changes: list[dict[str, object]]) -> list[str]:
        out = []
        for c in changes:
            what = (
                f"{c['gtin']} serial {c['serial']}"
                if "serial" in c
                else f"{c['ndc']} lot {c['lot']}"
            )
            out.append(f"{what}: {c['from']} > {c['to']}")
        return out

    return {"released": named(released), "restored": named(restored), "kept": kept}
