"""The verification page (``/dscsa/verify``): verify a product identifier (GTIN, serial, lot,
expiry) against what the hospital received and through the configured verification router,
and the recent verifications, each with whether it verified and why not. The same use cases
as ``rxsupply dscsa verify`` and ``/api/dscsa/verifications``; a form's one-time token makes a
double submit record once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.users import Permission
from rxsupply.domain.verification import SALEABLE_RETURN
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.verification import router_for
from rxsupply.entrypoints.web.movements import external, form_token
from rxsupply.entrypoints.web.planning import redirect_with, shown, take_flash
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.errors import RxSupplyError
from rxsupply.services.dscsa import verification

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
Handler = Annotated[Caller, Depends(REQUIRES[Permission.QUARANTINE])]
FormText = Annotated[str, Form()]
PAGE = "/dscsa/verify"


@router.get(PAGE, **page_route(Permission.VIEW))
def verify_page(request: Request, who: Viewer, engine: EngineDep) -> Response:
    flash = take_flash(request)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = verification.list_verifications(uow, limit=50)
    page = render(
        request,
        "dscsa_verify.html",
        who,
        title="Verify a product identifier",
        verifications=[v.as_dict() for v in found],
        router=load_settings().verification_router,
        context=SALEABLE_RETURN,
        can_verify=who.user.can(Permission.QUARANTINE),
        token=form_token(),
        flash=flash,
    )
    return shown(page, flash)


@router.post(PAGE, **page_route(Permission.QUARANTINE))
def verify_form(
    who: Handler,
    engine: EngineDep,
    gtin: FormText = "",
    serial: FormText = "",
    lot: FormText = "",
    expiry: FormText = "",
    local_only: FormText = "",
    token: FormText = "",
) -> Response:
    try:
        ext = external("verification", token)
        with SqlUnitOfWork(engine) as uow:
            done = verification.verify_product(
                uow,
                gtin=gtin[:20],
                serial=serial[:40],
                lot=lot[:40],
                expiry=expiry[:10],
                router=router_for(local_only=bool(local_only)),
                external_id=ext,
                user=who.user.username,
                clock=clock.current(),
            )
    except RxSupplyError as exc:
        return redirect_with(PAGE, f"Not verified: {exc}.", ok=False)
    return redirect_with(PAGE, verification.describe(done) + ".", ok=done.verified)
