"""JSON endpoints of reconciliation at receipt (DSCSA): an order's scans against its EPCIS
documents in four groups (GET shows, POST reconciles and opens exceptions), the receipt
exceptions, and their steps (seller contacted, resolved). The same use cases as ``rxsupply
dscsa reconcile | exceptions | exception``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import Note, RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services.dscsa import exceptions, reconciliation

router = APIRouter(prefix="/api/dscsa")
Receiver = Annotated[Caller, Depends(REQUIRES[Permission.RECEIVE])]


@router.get("/reconciliation/{order}", **guarded(Permission.VIEW))
def get_reconciliation(order: str, engine: EngineDep) -> dict[str, Any]:
    """An order's receipt as it stands: its documents, the packages scanned, the four groups
    (``matched``, ``missing``: expected but not scanned, ``unexpected``: scanned but not
    expected, ``mismatched``: lot, expiry or product differ; ``unconfirmed``: shipped without
    a lot or expiry, so what was scanned cannot be confirmed, each with what it ``lacks``)
    with ``counts``, and its exceptions. Nothing is written."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = reconciliation.order_reconciliation(uow, order=order)
    return found.as_dict()


@router.post("/reconciliation/{order}", **guarded(Permission.RECEIVE))
def post_reconciliation(order: str, engine: EngineDep, who: Receiver) -> dict[str, Any]:
    """Reconcile the order: each disagreement opens an exception (not twice while open);
    an open exception the order no longer shows is resolved. The reconciliation after, with
    the ids ``opened`` and ``resolved``."""
    with SqlUnitOfWork(engine) as uow:
        found = reconciliation.reconcile_order(
            uow, order=order, user=who.user.username, clock=clock.current()
        )
    return found.as_dict()


@router.get("/exceptions", **guarded(Permission.VIEW))
def get_exceptions(
    engine: EngineDep,
    open_only: Annotated[bool, Query(alias="open", description="Only those not resolved.")] = False,
    order: Annotated[str | None, Query(max_length=40, description="Only this order's.")] = None,
) -> dict[str, Any]:
    """Receipt exceptions, newest first, each with its state and steps."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = exceptions.list_exceptions(uow, open_only=open_only, order=order)
    return {"data": [e.as_dict() for e in found]}


@router.get("/exceptions/{exception_id}", **guarded(Permission.VIEW))
def get_exception(exception_id: RecordId, engine: EngineDep) -> dict[str, Any]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return exceptions.get_exception(uow, exception_id).as_dict()


class StepIn(BaseModel):
    step: Literal["seller_contacted", "resolved"] = Field(
        description="seller_contacted (what was asked or answered) or resolved (how)."
    )
    note: Note = Field("", max_length=1000, description="Required to resolve.")


@router.post("/exceptions/{exception_id}/steps", status_code=201, **guarded(Permission.RECEIVE))
def post_step(
    exception_id: RecordId, body: StepIn, engine: EngineDep, who: Receiver
) -> dict[str, Any]:
    """Take an exception's next step; the exception after. 409 when its state does not allow
    it (resolved already), 422 for a resolution without a note; nothing written."""
    with SqlUnitOfWork(engine) as uow:
        found = exceptions.step_exception(
            uow,
            exception_id=exception_id,
            step=body.step,
            note=body.note,
            user=who.user.username,
            clock=clock.current(),
        )
    return found.as_dict()
