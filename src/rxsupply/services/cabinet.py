"""The cabinet interface's use case: :func:`record_cabinet_message` posts what a cabinet
reports through the ledger, once.

A message (any wire format; HL7 v2 in :mod:`rxsupply.adapters.hl7_cabinet`) is recorded once
by its sender and control id. Its transactions are posted together or not at all, each as a
reported :class:`~rxsupply.services.ledger.Dispense` with its own external id (the sender, the
control id and its number), so a resend writes nothing twice even when it comes on another
connection at the same moment. The cabinet is the truth for what left it: a dispense or waste
beyond the usable stock on record posts what is usable and records a discrepancy, and the
message is accepted. Anything else that stops a transaction (an unknown pocket or item, a time
in the future) answers ``AE`` with the transaction and field at fault, and nothing of the
message is posted; a resend after the fix is posted.

A **refill** reported by the cabinet is posted as a ledger refill from the facility's
storeroom into the pocket; when a refill run has a line for that pocket and product (and lot,
when the cabinet names one), it is that line's package: taken from the line's storeroom and
lot, and counted on the line, so a refill both scanned on the run and reported by the cabinet
is posted once. A **count** compares the units counted with the pocket's units on record at
its place in the message (after the transactions before it); a difference is recorded as a
discrepancy to resolve (the pharmacy counts, then corrects the on-hand with a count
variance), never posted by itself. A **waste** of a controlled substance without a witness
(or witnessed by the user who wasted it) is posted and recorded as a discrepancy to resolve
(:mod:`rxsupply.services.returns.witnessing`).
"""

from __future__ import annotations

from datetime import timedelta

from rxsupply.domain.cabinet import (
    AckCode,
    CabinetAnswer,
    CabinetMessage,
    CabinetTransaction,
    ErrorCode,
    MessageProblem,
    TransactionKind,
)
from rxsupply.domain.clock import Clock
from rxsupply.domain.discrepancy import Discrepancy
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.interface import InterfaceMessage
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.movement import MovementKind
from rxsupply.errors import InvalidValue, NotFound, RxSupplyError
from rxsupply.services.cabinet_refills import OpenRunLines, count_discrepancy, refill_command
from rxsupply.services.ledger import Dispense, Move, Posted, post
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.returns.witnessing import unwitnessed_waste

PROTOCOL = "hl7v2"
_KINDS = {
    TransactionKind.DISPENSE: MovementKind.DISPENSE,
    TransactionKind.PATIENT_RETURN: MovementKind.PATIENT_RETURN,
    TransactionKind.WASTE: MovementKind.WASTE,
}
# where in an RXD segment the field a ledger error names sits
_FIELDS = {
    "location": 13,
    "pocket": 13,
    "item": 2,
    "product": 2,
    "ndc": 2,
    "gtin": 2,
    "quantity": 4,
    "occurred_at": 3,
    "user": 10,
    "lot": 18,
}


def record_cabinet_message(
    uow: UnitOfWork,
    message: CabinetMessage,
    *,
    clock: Clock,
    receiver: str,
    limits: LedgerLimits | None = None,
) -> CabinetAnswer:
    """Post a cabinet's message (once), record it and answer its acknowledgement."""
    seen = uow.interface_messages.find(
        protocol=PROTOCOL, sender=message.sender, control_id=message.control_id
    )
    if seen is not None and seen.ack_code == AckCode.ACCEPT.value:
        uow.rollback()
        return CabinetAnswer(
            ack=AckCode.ACCEPT,
            text=f"duplicate of message {message.control_id} received "
            f"{seen.received_at.isoformat()}: {seen.ack_text}",
            control_id=message.control_id,
            sender=message.sender,
            duplicate=True,
        )
    runs = (
        OpenRunLines(uow, clock=clock)
        if any(t.kind is TransactionKind.REFILL for t in message.transactions)
        else None
    )
    batch: list[tuple[CabinetTransaction, Dispense | Move]] = []
    results: list[Posted] = []
    found: list[Discrepancy] = []
    moving = counts = agree = covered = 0

    def flush() -> CabinetAnswer | None:
        """Post the transactions read so far (a count or a refill reads what they did)."""
        answers = post(uow, [c for _, c in batch], clock=clock, limits=limits, commit=False)
        for (t, _), result in zip(batch, answers, strict=True):
            if isinstance(result, RxSupplyError):
                return _refused(uow, message, t, result, clock=clock, receiver=receiver)
            assert isinstance(result, Posted)
            results.append(result)
            unwitnessed = unwitnessed_waste(uow, t, result)
            found.extend([unwitnessed] if unwitnessed is not None else [])
        batch.clear()
        return None

    for t in message.transactions:
        try:
            if t.kind is TransactionKind.COUNT or (t.kind is TransactionKind.REFILL and batch):
                refused = flush()
                if refused is not None:
                    return refused
            if t.kind is TransactionKind.COUNT:
                counts += 1
                differs = count_discrepancy(uow, t, _external_id(message, t), clock=clock)
                agree += differs is None
                found.extend([differs] if differs is not None else [])
                continue
            moving += 1
            if runs is not None and t.kind is TransactionKind.REFILL:
                command, shortfall = refill_command(
                    uow, t, _external_id(message, t), runs, clock=clock
                )
                found.extend([shortfall] if shortfall is not None else [])
                if command is None:
                    covered += 1
                    continue
                batch.append((t, command))
            else:
                batch.append((t, _command(message, t)))
        except RxSupplyError as exc:
            return _refused(uow, message, t, exc, clock=clock, receiver=receiver)
    refused = flush()
    if refused is not None:
        return refused
    if runs is not None:
        runs.record(clock=clock)
    fresh = [r for r in results if not r.duplicate]
    if found:  # what the counts and refill reports found (the ledger records its own)
        uow.discrepancies.add_many(found, now=clock.now())
    found = [d for r in fresh for d in r.discrepancies] + found
    text = f"posted {len(fresh)} of {moving} transactions"
    if len(fresh) + covered < moving:
        text += f" ({moving - len(fresh) - covered} posted before)"
    if covered:
        text += f"; {covered} refills already scanned in on a refill run"
    if counts:
        text += f"; {agree} of {counts} counts agree"
    if found:
        text += "; to resolve: " + "; ".join(d.why() for d in found)
    answer = CabinetAnswer(
        ack=AckCode.ACCEPT,
        text=text,
        control_id=message.control_id,
        sender=message.sender,
        posted=len(fresh),
        discrepancies=len(found),
    )
    record_answer(uow, message, answer, clock=clock, receiver=receiver)
    return answer


def _refused(
    uow: UnitOfWork,
    message: CabinetMessage,
    transaction: CabinetTransaction,
    result: RxSupplyError,
    *,
    clock: Clock,
    receiver: str,
) -> CabinetAnswer:
    """Nothing of the message posted: ``AE`` naming the transaction and field at fault."""
    uow.rollback()
    answer = CabinetAnswer(
        ack=AckCode.ERROR,
        text=f"nothing of the message was posted: transaction {transaction.number}: {result}",
        control_id=message.control_id,
        sender=message.sender,
        problem=_problem(transaction, result),
    )
    record_answer(uow, message, answer, clock=clock, receiver=receiver)
    return answer


def listener_status(
    uow: UnitOfWork, *, clock: Clock, limit: int = 100
) -> tuple[list[InterfaceMessage], dict[str, int]]:
    """The latest messages received (newest first) and the count of each acknowledgement code
    over the last 24 hours."""
    counts = uow.interface_messages.counts(since=clock.now() - timedelta(hours=24))
    return uow.interface_messages.latest(limit=limit), {
        code.value: counts.get(code.value, 0) for code in AckCode
    }


def record_answer(
    uow: UnitOfWork,
    message: CabinetMessage,
    answer: CabinetAnswer,
    *,
    clock: Clock,
    receiver: str,
) -> None:
    """Record a message and what it got (a message rejected before it could be read fully is
    recorded when its sender and control id were read)."""
    uow.interface_messages.save(
        InterfaceMessage(
            protocol=PROTOCOL,
            sender=message.sender,
            control_id=message.control_id,
            message_type=message.message_type[:20],
            received_at=clock.now(),
            ack_code=answer.ack.value,
            ack_text=answer.text[:2000],
            received_by=receiver,
            transactions=answer.posted,
            discrepancies=answer.discrepancies,
        )
    )
    uow.commit()


def _command(message: CabinetMessage, t: CabinetTransaction) -> Dispense:
    kind = _KINDS[t.kind]
    returned = t.kind is TransactionKind.PATIENT_RETURN
    return Dispense(
        user=t.user,
        location=t.location,
        quantity=t.quantity,
        item=None if t.by_ndc else t.code,
        product=t.code if t.by_ndc else None,
        lot=(t.lot or None) if not returned else None,  # a return goes to the lot next out
        kind=kind,
        note=f"witness {t.witness}" if t.witness else "",
        occurred_at=t.occurred_at,
        external_id=_external_id(message, t),
        reported=not returned,
    )


def _external_id(message: CabinetMessage, t: CabinetTransaction) -> ExternalId:
    return ExternalId("hl7", f"{message.sender or '-'}:{message.control_id}:{t.number}")


def _problem(t: CabinetTransaction, error: RxSupplyError) -> MessageProblem:
    """The transaction's field an error is about, and its HL7 error code."""
    if isinstance(error, NotFound):
        field = _FIELDS.get(error.what, 2)
        return MessageProblem(ErrorCode.UNKNOWN_KEY, f"{t.segment}-{field}", str(error))
    if isinstance(error, InvalidValue) and error.field == "note":  # the witness, ZRX-2
        return MessageProblem(
            ErrorCode.DATA_TYPE, t.segment.replace("RXD", "ZRX") + "-2", str(error)
        )
    if isinstance(error, InvalidValue):
        named = _FIELDS.get(error.field)
        where = f"{t.segment}-{named}" if named else t.segment
        return MessageProblem(ErrorCode.DATA_TYPE, where, str(error))
    return MessageProblem(ErrorCode.APPLICATION_ERROR, t.segment, str(error))
