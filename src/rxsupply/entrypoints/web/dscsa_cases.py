"""Suspect product case pages: the cases (``/dscsa/cases``: every case with its status and FDA
clock, and a form to open one on serials and lots), the case page (``/dscsa/cases/{case}``:
what it names and their status now, its steps and evidence, the 24-hour clock to FDA once it
is illegitimate, the trading partners to notify with their notified marks, and the forms:
add a step or evidence, clear, mark illegitimate, record a partner or FDA notified) and the
printable FDA Form 3911 draft (``/dscsa/cases/{case}/form3911``). The same use cases as
``rxsupply dscsa case`` and ``/api/dscsa/cases``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import HTMLResponse, Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.suspect_case import CaseSource, StepKind, SuspectReason, parse_choice
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.form3911_document import form_3911_html
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.movements import external, form_token
from rxsupply.entrypoints.web.planning import form_outcome, shown, take_flash
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.errors import InvalidValue
from rxsupply.services.dscsa import cases
from rxsupply.services.dscsa.case_views import case_view, form_3911_draft, list_cases
from rxsupply.services.ports import UnitOfWork

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
Blocker = Annotated[Caller, Depends(REQUIRES[Permission.QUARANTINE])]
Releaser = Annotated[Caller, Depends(REQUIRES[Permission.RELEASE])]
FormText = Annotated[str, Form()]
STEP_KINDS = ("step", "evidence", "partner_notified", "fda_notified", "closed")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text[:100_000].splitlines() if line.strip()]


@router.get("/dscsa/cases", **page_route(Permission.VIEW))
def cases_page(request: Request, who: Viewer, engine: EngineDep) -> Response:
    flash = take_flash(request)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = list_cases(uow, clock=clock.current())
    page = render(
        request,
        "dscsa_cases.html",
        who,
        title="Suspect product cases",
        cases=found,
        can_open=who.user.can(Permission.QUARANTINE),
        reasons=[r.value for r in SuspectReason],
        sources=[s.value for s in CaseSource],
        token=form_token(),
        flash=flash,
    )
    return shown(page, flash)


@router.post("/dscsa/cases", **page_route(Permission.QUARANTINE))
def open_form(
    who: Blocker,
    engine: EngineDep,
    serials: FormText = "",
    lots: FormText = "",
    reason: FormText = "",
    source: FormText = "",
    note: FormText = "",
    token: FormText = "",
) -> Response:
    def run(uow: UnitOfWork) -> tuple[str, str]:
        found = cases.open_case(
            uow,
            serials=_lines(serials),
            lots=_lines(lots),
            reason=parse_choice(SuspectReason, reason, "reason"),
            source=parse_choice(CaseSource, source, "source"),
            note=note,
            user=who.user.username,
            clock=clock.current(),
            external_id=external("suspect-case", token),
        )
        named = len(found.subjects)
        return (
            f"Case {found.number} opened: {named} serial(s) and lot(s) marked suspect",
            f"/dscsa/cases/{found.number}",
        )

    return form_outcome("/dscsa/cases", engine, run)


@router.get("/dscsa/cases/{case}", **page_route(Permission.VIEW))
def case_page(request: Request, case: str, who: Viewer, engine: EngineDep) -> Response:
    flash = take_flash(request)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = case_view(uow, cases.find_case(uow, case[:40]), clock=clock.current())
    page = render(
        request,
        "dscsa_case.html",
        who,
        title=f"Suspect product case {found['number']}",
        case=found,
        can_block=who.user.can(Permission.QUARANTINE),
        can_decide=who.user.can(Permission.RELEASE),
        token=form_token(),
        flash=flash,
    )
    return shown(page, flash)


@router.post("/dscsa/cases/{case}/steps", **page_route(Permission.QUARANTINE))
def step_form(
    case: str,
    who: Blocker,
    engine: EngineDep,
    kind: FormText = "",
    note: FormText = "",
    evidence_name: FormText = "",
    evidence_sha256: FormText = "",
    partner: FormText = "",
    incident: FormText = "",
    notified_at: FormText = "",
    token: FormText = "",
) -> Response:
    back = f"/dscsa/cases/{case[:40]}"

    def run(uow: UnitOfWork) -> tuple[str, str]:
        step = parse_choice(StepKind, kind[:40], "kind")
        if step.value not in STEP_KINDS:
            raise InvalidValue("kind", ", ".join(STEP_KINDS), kind[:40])
        found = cases.add_case_step(
            uow,
            case=case[:40],
            kind=step,
            note=note,
            evidence_name=evidence_name,
            evidence_sha256=evidence_sha256,
            partner=partner,
            incident=incident,
            notified_at=notified_at,
            user=who.user.username,
            clock=clock.current(),
            external_id=external("suspect-case-step", token),
        )
        return f"Recorded: {step.value.replace('_', ' ')}", f"/dscsa/cases/{found.number}"

    return form_outcome(back, engine, run)


@router.post("/dscsa/cases/{case}/disposition", **page_route(Permission.RELEASE))
def disposition_form(
    case: str,
    who: Releaser,
    engine: EngineDep,
    disposition: FormText = "",
    note: FormText = "",
) -> Response:
    back = f"/dscsa/cases/{case[:40]}"

    def run(uow: UnitOfWork) -> tuple[str, str]:
        kind = parse_choice(StepKind, disposition[:40], "disposition")
        if kind is StepKind.CLEARED:
            found, done = cases.clear_case(
                uow, case=case[:40], note=note, user=who.user.username, clock=clock.current()
            )
            released = len(done.get("released", []))  # type: ignore[arg-type]
            said = f"Case {found.number} cleared: {released} released"
        elif kind is StepKind.ILLEGITIMATE:
            found, _ = cases.declare_illegitimate(
                uow, case=case[:40], note=note, user=who.user.username, clock=clock.current()
            )
            said = (
                f"Case {found.number} determined illegitimate: notify FDA (Form 3911) within "
                "24 hours and the trading partners listed"
            )
        else:
            raise InvalidValue("disposition", "cleared or illegitimate", disposition[:40])
        return said, f"/dscsa/cases/{found.number}"

    return form_outcome(back, engine, run)


@router.get("/dscsa/cases/{case}/form3911", **page_route(Permission.VIEW))
def form3911_page(case: str, who: Viewer, engine: EngineDep) -> Response:
    """The printable FDA Form 3911 draft of an illegitimate case."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = cases.find_case(uow, case[:40])
        form = form_3911_draft(
            uow, found, clock=clock.current(), company=load_settings().company_facts()
        )
    return HTMLResponse(form_3911_html(form, back=f"/dscsa/cases/{found.number}"))
