"""JSON endpoints of suspect and illegitimate product cases (DSCSA 582(d)(4)): a case opened
(its serials and lots marked suspect at once), listed and shown; its steps (notes, evidence,
partners and FDA notified, closing); its disposition (cleared: released; illegitimate: kept
blocked, the 24-hour clock started); the FDA Form 3911 draft. The same use cases as
``rxsupply dscsa case``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.config import load_settings
from rxsupply.domain.suspect_case import CaseSource, StepKind, SuspectReason, parse_choice
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import Code, Line, Note
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded
from rxsupply.errors import InvalidValue
from rxsupply.services.dscsa import cases
from rxsupply.services.dscsa.case_views import case_view, form_3911_draft, list_cases

router = APIRouter(prefix="/api/dscsa")
Blocker = Annotated[Caller, Depends(REQUIRES[Permission.QUARANTINE])]
Releaser = Annotated[Caller, Depends(REQUIRES[Permission.RELEASE])]
Text = Field("", max_length=4000)


def _view(engine: Any, key: str | int) -> dict[str, Any]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return case_view(uow, cases.find_case(uow, key), clock=clock.current())


class CaseIn(BaseModel):
    serials: list[str] = Field(
        default_factory=list,
        description=(
            "Packages as GTIN:SERIAL, NDC:SERIAL, the element string 01...21..., "
            "an EPC URI or a Digital Link."
        ),
        max_length=500,
    )
    lots: list[str] = Field(
        default_factory=list, description="Lots as NDC:LOT (or GTIN:LOT).", max_length=500
    )
    reason: Line = Field(description=", ".join(r.value for r in SuspectReason) + ".", max_length=60)
    source: Line = Field(
        description="How it was noticed: " + ", ".join(s.value for s in CaseSource) + ".",
        max_length=60,
    )
    note: Note = Text
    facility: Code | None = Field(None, description="The facility's code.", max_length=64)


@router.post("/cases", status_code=201, **guarded(Permission.QUARANTINE))
def post_case(body: CaseIn, engine: EngineDep, who: Blocker) -> dict[str, Any]:
    """Open a case: every serial and lot named is marked suspect at once, everywhere."""
    reason = parse_choice(SuspectReason, body.reason, "reason")
    source = parse_choice(CaseSource, body.source, "source")
    found = run_with_retry(
        engine,
        lambda uow: cases.open_case(
            uow,
            serials=[s[:80] for s in body.serials],
            lots=[s[:120] for s in body.lots],
            reason=reason,
            source=source,
            note=body.note,
            facility=body.facility,
            user=who.user.username,
            clock=clock.current(),
        ),
    )
    return _view(engine, found.id)


@router.get("/cases", **guarded(Permission.VIEW))
def get_cases(
    engine: EngineDep,
    open_only: Annotated[
        bool, Query(alias="open", description="Only cases open or illegitimate.")
    ] = False,
) -> dict[str, Any]:
    """Suspect product cases, the latest opened first, each with its FDA clock."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return {"data": list_cases(uow, clock=clock.current(), open_only=open_only)}


@router.get("/cases/{case}", **guarded(Permission.VIEW))
def get_case(case: str, engine: EngineDep) -> dict[str, Any]:
    """One case (by number or id): what it names and their status now, its steps and
    evidence, the FDA clock, the trading partners to notify with their notified marks."""
    return _view(engine, case[:40])


class StepIn(BaseModel):
    kind: Line = Field(
        description="step, evidence, partner_notified, fda_notified or closed.", max_length=40
    )
    note: Note = Text
    evidence_name: Line = Field("", max_length=255)
    evidence_sha256: Code = Field("", description="64 hex digits.", max_length=80)
    partner: Code = Field("", description="The partner notified.", max_length=200)
    incident: Line = Field("", description="FDA's incident number.", max_length=60)
    notified_at: Line = Field(
        "",
        description=(
            "fda_notified: when FDA was notified, ISO 8601 (without an offset, the facility's "
            "time); now when empty. No earlier than the determination, not in the future."
        ),
        max_length=60,
    )


@router.post("/cases/{case}/steps", status_code=201, **guarded(Permission.QUARANTINE))
def post_step(case: str, body: StepIn, engine: EngineDep, who: Blocker) -> dict[str, Any]:
    """Record a step: a note, evidence, a partner or FDA notified, or closing (managers)."""
    kind = parse_choice(StepKind, body.kind, "kind")
    found = run_with_retry(
        engine,
        lambda uow: cases.add_case_step(
            uow,
            case=case[:40],
            kind=kind,
            note=body.note,
            evidence_name=body.evidence_name,
            evidence_sha256=body.evidence_sha256,
            partner=body.partner,
            incident=body.incident,
            notified_at=body.notified_at,
            user=who.user.username,
            clock=clock.current(),
        ),
    )
    return _view(engine, found.id)


class DispositionIn(BaseModel):
    disposition: Line = Field(description="cleared or illegitimate.", max_length=40)
    note: Note = Field(description="What the investigation found.", max_length=4000)


@router.post("/cases/{case}/disposition", **guarded(Permission.RELEASE))
def post_disposition(
    case: str, body: DispositionIn, engine: EngineDep, who: Releaser
) -> dict[str, Any]:
    """Cleared: the units are released; illegitimate: they stay blocked and the 24-hour
    clock to FDA starts. The pharmacist in charge's call."""
    kind = parse_choice(StepKind, body.disposition, "disposition")
    if kind not in (StepKind.CLEARED, StepKind.ILLEGITIMATE):
        raise InvalidValue("disposition", "cleared or illegitimate", body.disposition)
    run = cases.clear_case if kind is StepKind.CLEARED else cases.declare_illegitimate
    found, done = run_with_retry(
        engine,
        lambda uow: run(
            uow, case=case[:40], note=body.note, user=who.user.username, clock=clock.current()
        ),
    )
    return _view(engine, found.id) | {"done": done}


@router.get("/cases/{case}/form3911", **guarded(Permission.VIEW))
def get_form3911(case: str, engine: EngineDep) -> dict[str, Any]:
    """The pre-filled FDA Form 3911 draft of an illegitimate case (409 before)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return form_3911_draft(
            uow,
            cases.find_case(uow, case[:40]),
            clock=clock.current(),
            company=load_settings().company_facts(),
        )
