"""DSCSA receipt exceptions: list them, and take their steps (seller contacted, resolved).

Each exception is opened by reconciliation (:mod:`rxsupply.services.dscsa.reconciliation`)
with an ``open`` step; every step is a new row (``dscsa_exception_step``, append-only) and a
record in the facility's DSCSA chain: kind ``exception_step``, subject ``exception_step:<id>``,
content :func:`exception_step_content` (the step and the exception it belongs to), so
``rxsupply dscsa verify-ledger`` detects an edited or deleted step
(:func:`stored_exception_steps` lists the steps stored, to name one with no record).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rxsupply.domain.clock import Clock
from rxsupply.domain.dscsa_exception import (
    DscsaException,
    ExceptionState,
    ExceptionStep,
    check_step,
    parse_state,
)
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.reconciliation import Finding
from rxsupply.domain.users import Permission
from rxsupply.errors import InvalidValue, NotFound
from rxsupply.services.audit import require_user
from rxsupply.services.dscsa.exception_stock import hold_package, release_package
from rxsupply.services.dscsa.records import append_record
from rxsupply.services.ports import UnitOfWork
from rxsupply.services.users import acting_user

STEP_PERMISSION = {
    ExceptionState.SELLER_CONTACTED: Permission.RECEIVE,
    ExceptionState.RESOLVED: Permission.PURCHASE,
}
"""What the acting user must be allowed, by step (PURCHASE: buyers, managers, admins)."""
RECORD_KIND = "exception_step"
SUBJECT = "exception_step:"
LIST_LIMIT = 500


def exception_step_content(uow: UnitOfWork, subject: str) -> object | None:
    """The content recorded for an exception step (``exception_step:<id>``): the step and its
    exception's fixed fields, as plain JSON values; None when the rows are gone."""
    if not subject.startswith(SUBJECT) or not subject[len(SUBJECT) :].isdigit():
        return None
    found = uow.reconciliation.step(int(subject[len(SUBJECT) :]))
    if found is None:
        return None
    exception, step = found
    fixed = exception.as_dict()
    del fixed["state"], fixed["steps"]
    return {"exception": fixed, "step": step.as_dict()}


def stored_exception_steps(uow: UnitOfWork) -> Iterable[tuple[int, str]]:
    """``(facility id, subject)`` of every exception step stored, so ``verify-ledger`` names a
    step written behind the application's back (one no chain entry covers)."""
    return [(facility, f"{SUBJECT}{step}") for facility, step in uow.reconciliation.stored_steps()]


def list_exceptions(
    uow: UnitOfWork,
    *,
    open_only: bool = False,
    order: str | None = None,
    limit: int = LIST_LIMIT,
) -> list[DscsaException]:
    """Exceptions, newest first: only those not resolved with ``open_only``; only one
    order's with ``order`` (its number)."""
    states = (ExceptionState.OPEN, ExceptionState.SELLER_CONTACTED) if open_only else None
    number = order.strip() if order else None
    return uow.reconciliation.exceptions(order_number=number, states=states, limit=limit)


def get_exception(uow: UnitOfWork, exception_id: int, *, lock: bool = False) -> DscsaException:
    found = uow.reconciliation.get(exception_id, lock=lock)
    if found is None:
        raise NotFound("exception", exception_id, "rxsupply dscsa exceptions lists them")
    return found


def step_exception(
    uow: UnitOfWork,
    *,
    exception_id: int,
    step: str | ExceptionState,
    note: str,
    user: str,
    clock: Clock,
    external_id: ExternalId | None = None,
) -> DscsaException:
    """Mark an exception ``seller_contacted`` (with what was asked) or ``resolved`` (with how:
    the note is required); the exception after. One transaction, committed. A step sent again
    under the same ``external_id`` (a form submitted twice) is taken once.

    Who may: recording that the seller was contacted is receiving work (anyone who may
    receive, technicians included); resolving decides the product's fate and releases a held
    unit, so it needs a buyer, a manager or an admin (:data:`STEP_PERMISSION`). The exception's
    row is locked before its latest step is read: two steps of one exception take turns."""
    require_user(user)
    state = step if isinstance(step, ExceptionState) else parse_state(step)
    if state is ExceptionState.OPEN:
        raise InvalidValue("step", "an exception is opened by reconciliation", state.value)
    user = acting_user(uow, user, STEP_PERMISSION[state])
    found = get_exception(uow, exception_id, lock=True)
    now = clock.now()
    if external_id is not None and not uow.ledger.claim(str(external_id), now):
        uow.rollback()
        return found
    text = check_step(exception_id, found.state, state, note)
    add_step(uow, found, state, text, user=user, now=now, clock=clock)
    uow.commit()
    return get_exception(uow, exception_id)


def open_exception(
    uow: UnitOfWork,
    finding: Finding,
    *,
    facility_id: int,
    order_number: str,
    user: str,
    clock: Clock,
) -> int:
    """Write one exception and its ``open`` step (and the step's record); its id. The caller
    commits."""
    now = clock.now()
    exception = DscsaException(
        facility_id=facility_id,
        order_number=order_number,
        kind=finding.kind,
        identifier=finding.identifier,
        expected=_fit(finding.expected),
        found=_fit(finding.found),
        document_id=finding.document_id,
        opened_at=now,
    )
    exception.id = uow.reconciliation.add_exception(exception)
    add_step(
        uow,
        exception,
        ExceptionState.OPEN,
        f"found when order {order_number} was reconciled",
        user=user,
        now=now,
        clock=clock,
    )
    hold_package(uow, exception, user=user, clock=clock)
    return exception.id


def add_step(
    uow: UnitOfWork,
    exception: DscsaException,
    state: ExceptionState,
    note: str,
    *,
    user: str,
    now: datetime,
    clock: Clock,
) -> int:
    """Write a step (checked by the caller) and chain its record; the step's id."""
    assert exception.id is not None
    step_id = uow.reconciliation.add_step(
        exception.id, ExceptionStep(state=state, note=note, user=user, at=now)
    )
    subject = f"{SUBJECT}{step_id}"
    append_record(
        uow,
        facility_id=exception.facility_id,
        kind=RECORD_KIND,
        subject=subject,
        content=exception_step_content(uow, subject),
        user=user,
        clock=clock,
    )
    if state is ExceptionState.RESOLVED:
        release_package(uow, exception, user=user, clock=clock)
    return step_id


def _fit(text: str | None) -> str | None:
    return None if text is None else text[:300]
