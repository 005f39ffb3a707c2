"""JSON endpoints of product recalls: recalls listed, entered and shown; every unit of a
recall's lots by location; all of them quarantined in one call; the units already dispensed;
the recall closed with its disposition. The same use cases as ``rxsupply recall``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.domain.recall import RecallEntry, check_lot, check_ndc, parse_class
from rxsupply.domain.recall import parse_disposition as disposition_of
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import Code, Day, Line, Note, RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.services import recalls
from rxsupply.services.recall_units import dispensed_units, recall_units

router = APIRouter(prefix="/api")
Blocker = Annotated[Caller, Depends(REQUIRES[Permission.QUARANTINE])]


@router.get("/recalls", **guarded(Permission.VIEW))
def get_recalls(
    engine: EngineDep,
    open_only: Annotated[bool, Query(alias="open", description="Only open recalls.")] = False,
) -> dict[str, Any]:
    """Recalls, the latest begun first."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = recalls.list_recalls(uow, open_only=open_only)
    return {"data": [r.as_dict() for r in found]}


class EntryIn(BaseModel):
    ndc: Code = Field(description="An NDC in any form, or a GTIN-14.", max_length=64)
    lots: list[str] = Field(
        default_factory=list, description="The lots recalled; none: every lot.", max_length=500
    )


class RecallIn(BaseModel):
    number: Code = Field(description="The firm's or the FDA's recall number.", max_length=200)
    recall_class: Line = Field(alias="class", description="I, II or III.", max_length=20)
    reason: Line = Field(max_length=5000)
    firm: Line = Field("", max_length=500)
    initiated: Day | None = Field(None, description="When it began (default: today).")
    ndcs: list[EntryIn] = Field(max_length=500)


@router.post("/recalls", status_code=201, **guarded(Permission.QUARANTINE))
def post_recall(body: RecallIn, engine: EngineDep, who: Blocker) -> dict[str, Any]:
    """Enter a recall: its number, class, reason, firm and NDCs with their lots."""
    entries = [
        RecallEntry(check_ndc(e.ndc.strip()), tuple(dict.fromkeys(check_lot(n) for n in e.lots)))
        for e in body.ndcs
    ]
    now = clock.current()
    with SqlUnitOfWork(engine) as uow:
        done = recalls.enter_recall(
            uow,
            number=body.number,
            recall_class=parse_class(body.recall_class),
            reason=body.reason,
            firm=body.firm,
            initiated=body.initiated or now.today(),
            entries=entries,
            user=who.user.username,
            clock=now,
        )
    return done.as_dict() | {"warnings": done.warnings}


@router.get("/recalls/{recall_id}", **guarded(Permission.VIEW))
def get_recall(recall_id: RecordId, engine: EngineDep) -> dict[str, Any]:
    """One recall: what it covers and where it stands."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return recalls.get_recall(uow, recall_id).as_dict()


@router.get("/recalls/{recall_id}/units", **guarded(Permission.VIEW))
def get_units(recall_id: RecordId, engine: EngineDep) -> dict[str, Any]:
    """Every unit of the recall's lots on hand, location by location (cabinet pockets and the
    lots repackaged from them included), with status and value; the lots never received."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return recall_units(uow, recall_id=recall_id).as_dict()


@router.post("/recalls/{recall_id}/quarantine", **guarded(Permission.QUARANTINE))
def post_quarantine(recall_id: RecordId, engine: EngineDep, who: Blocker) -> dict[str, Any]:
    """Block every lot of the recall (and the lots repackaged from them) as recalled, in one
    transaction; again: nothing changes."""
    done = run_with_retry(
        engine,
        lambda uow: recalls.quarantine_recall(
            uow, recall_id=recall_id, user=who.user.username, clock=clock.current()
        ),
    )
    return done.as_dict()


@router.get("/recalls/{recall_id}/dispensed", **guarded(Permission.VIEW))
def get_dispensed(recall_id: RecordId, engine: EngineDep) -> dict[str, Any]:
    """The units of the recall's lots dispensed already, where and when, the latest first;
    patient returns booked to them listed and counted apart (``follow_up``: a class I
    recall)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return dispensed_units(uow, recall_id=recall_id).as_dict()


class CloseIn(BaseModel):
    disposition: Line = Field(
        description="returned, destroyed, released (the firm withdrew it) or none_on_hand.",
        max_length=40,
    )
    note: Note = Field("", max_length=5000)


@router.post("/recalls/{recall_id}/close", **guarded(Permission.QUARANTINE))
def post_close(
    recall_id: RecordId, body: CloseIn, engine: EngineDep, who: Blocker
) -> dict[str, Any]:
    """Close a recall with its disposition (409 while units are on hand and usable, or when
    it is closed already; releasing needs the release permission)."""
    how = disposition_of(body.disposition)
    with SqlUnitOfWork(engine) as uow:
        done = recalls.close_recall(
            uow,
            recall_id=recall_id,
            disposition=how,
            note=body.note,
            user=who.user.username,
            clock=clock.current(),
        )
    return done.as_dict()
