"""The trading partners page (``/partners``): every partner with whether it is authorized today
and why (DSCSA), an authorization running out within 30 days highlighted, each partner's
licences and registrations, and a form to record one as verified by you. The same use cases as
``rxsupply partners`` and ``/api/trading-partners``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.fields import parse_date
from rxsupply.domain.trading_partner import EXPIRING_DAYS, AuthorizationKind, PartnerType
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.movements import external, form_token
from rxsupply.entrypoints.web.planning import redirect_with, shown, take_flash
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.errors import RxSupplyError
from rxsupply.services import trading_partners

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
Buyer = Annotated[Caller, Depends(REQUIRES[Permission.PURCHASE])]
FormText = Annotated[str, Form()]


@router.get("/partners", **page_route(Permission.VIEW))
def partners_page(request: Request, who: Viewer, engine: EngineDep) -> Response:
    flash = take_flash(request)
    policy = load_settings().partner_policy()
    now = clock.current()
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = trading_partners.partner_statuses(uow, clock=now, policy=policy)
    page = render(
        request,
        "partners.html",
        who,
        title="Trading partners",
        partners=[s.as_dict() for s in found],
        required=policy.require_on_file,
        reverify_days=policy.reverify_days,
        expiring_days=EXPIRING_DAYS,
        kinds=[k.value for k in AuthorizationKind],
        types=[t.value for t in PartnerType],
        can_buy=who.user.can(Permission.PURCHASE),
        token=form_token(),
        today=now.today(),
        flash=flash,
    )
    return shown(page, flash)


@router.post("/partners", **page_route(Permission.PURCHASE))
def authorize_form(
    who: Buyer,
    engine: EngineDep,
    partner: FormText = "",
    kind: FormText = "",
    number: FormText = "",
    state: FormText = "",
    expires: FormText = "",
    verified_on: FormText = "",
    source: FormText = "",
    note: FormText = "",
    partner_type: FormText = "",
    token: FormText = "",
) -> Response:
    try:
        ext = external("partner-authorization", token)
        with SqlUnitOfWork(engine) as uow:
            done = trading_partners.record_authorization(
                uow,
                partner=partner[:200],
                kind=kind[:40],
                number=number,
                state=state[:20],
                expires=parse_date(expires.strip()[:20], "expires"),
                verified_on=parse_date(verified_on.strip()[:20], "verified_on")
                if verified_on.strip()
                else None,
                source=source,
                note=note,
                partner_type=partner_type[:40] or None,
                user=who.user.username,
                clock=clock.current(),
                policy=load_settings().partner_policy(),
                external_id=ext,
            )
    except RxSupplyError as exc:
        return redirect_with("/partners", f"Not recorded: {exc}.", ok=False)
    return redirect_with("/partners", f"Recorded. {done.reason}.", ok=done.authorized)
