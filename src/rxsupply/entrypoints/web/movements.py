"""Writing pages: transfers and refills, adjustments and counts.

Each form posts back to its page with the session's CSRF token (checked by ``caller``) and a
one-time token that becomes the command's external id, so a double submit or a reload posts
nothing twice; it builds the same ledger command as the API under the signed-in user and shows
the result or the error in place: on an error nothing is posted. A second user (a manager
approving an override or a large or controlled adjustment) types their name and password
into the form.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import Engine
from starlette.responses import Response

from rxsupply.adapters import queries
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.posting import approval_of, post_command
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.browsing import stocking_locations
from rxsupply.entrypoints.web.receiving import TOKEN, Failure, whole_number
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.errors import InvalidValue
from rxsupply.services import ledger
from rxsupply.services.references import find_product

router = APIRouter()
Mover = Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])]
Adjuster = Annotated[Caller, Depends(REQUIRES[Permission.ADJUST])]
FormText = Annotated[str, Form()]


def form_token() -> str:
    """A one-time token for a form: its submit's external id."""
    return secrets.token_urlsafe(18)


def external(form: str, token: str) -> ExternalId:
    if not TOKEN.fullmatch(token):
        raise InvalidValue("token", "the form expired; reload the page and submit again")
    return ExternalId("web", f"{form}:{token}")


def on_hand(
    engine: Engine, *, location: str, ndc: str | None = None, item: str | None = None
) -> int:
    """Units on hand at a location and the pockets under it."""
    with engine.connect() as conn:
        rows = queries.stock_rows(
            conn, queries.StockFilter(location=location, ndc=ndc, item=item, limit=100_000)
        )
    return sum(r["quantity"] for r in rows)


def _page(
    request: Request,
    who: Caller,
    engine: Engine,
    template: str,
    title: str,
    *,
    form: dict[str, Any],
    status: int = 200,
    **context: Any,
) -> Response:
    return render(
        request,
        template,
        who,
        title=title,
        status_code=status,
        locations=stocking_locations(engine),
        form=form,
        **context,
    )


# --- transfers ---------------------------------------------------------------------------


@router.get("/transfer", **page_route(Permission.TRANSFER))
def transfer_form(request: Request, who: Mover, engine: EngineDep) -> Response:
    return _page(request, who, engine, "transfer.html", "Transfer", form={"token": form_token()})


@router.post("/transfer", **page_route(Permission.TRANSFER))
def transfer(
    request: Request,
    who: Mover,
    engine: EngineDep,
    from_location: FormText = "",
    to_location: FormText = "",
    what: FormText = "",
    lot: FormText = "",
    pocket: FormText = "",
    quantity: FormText = "",
    refill: FormText = "",
    override: FormText = "",
    approved_by: FormText = "",
    approver_password: FormText = "",
    token: FormText = "",
) -> Response:
    """Move stock, earliest expiry first unless a lot is named; ``what`` is an item code or an
    NDC (any form) or GTIN. A cabinet as destination fills the item's pocket there."""
    form = {
        "from_location": from_location,
        "to_location": to_location,
        "what": what,
        "lot": lot,
        "pocket": pocket,
        "quantity": quantity,
        "refill": bool(refill),
        "override": override,
        "approved_by": approved_by,
        "token": token if TOKEN.fullmatch(token) else form_token(),
    }
    src, dst, text = from_location.strip(), to_location.strip(), what.strip()
    try:
        units = whole_number(quantity, "quantity")
        if not text:
            raise InvalidValue("item", "enter an item code or an NDC")
        with SqlUnitOfWork(engine, readonly=True) as uow:
            is_item = uow.items.get(text) is not None
            ndc = None if is_item else str(find_product(uow, text).ndc)
        command = ledger.Move(
            user=who.user.username,
            from_location=src,
            to_location=dst,
            item=text if is_item else None,
            product=None if is_item else text,
            lot=lot.strip() or None,
            pocket=pocket.strip() or None,
            quantity=units,
            refill=bool(refill),
            override=override,
            approval=approval_of(engine, approved_by, approver_password),
            external_id=external("transfer", token),
        )
        result = post_command(engine, command)
    except Failure as exc:
        return _page(
            request, who, engine, "transfer.html", "Transfer", form=form, status=422, error=str(exc)
        )
    item = text if is_item else None
    done = {
        "kind": command.kind.value,
        "quantity": units,
        "what": text,
        "lots": len({m.lot_id for m in result.movements}),
        "from": src,
        "to": dst,
        "duplicate": result.duplicate,
        "from_on_hand": on_hand(engine, location=src, ndc=ndc, item=item),
        "to_on_hand": on_hand(engine, location=dst, ndc=ndc, item=item),
    }
    fresh = form | {"quantity": "", "lot": "", "override": "", "token": form_token()}
    return _page(request, who, engine, "transfer.html", "Transfer", form=fresh, done=done)


# --- adjustments -------------------------------------------------------------------------


@router.get("/adjust", **page_route(Permission.ADJUST))
def adjust_form(request: Request, who: Adjuster, engine: EngineDep) -> Response:
    return _page(request, who, engine, "adjust.html", "Adjust", form={"token": form_token()})


@router.post("/adjust", **page_route(Permission.ADJUST))
def adjust(
    request: Request,
    who: Adjuster,
    engine: EngineDep,
    location: FormText = "",
    product: FormText = "",
    lot: FormText = "",
    expiry: FormText = "",
    quantity: FormText = "",
    reason: FormText = "",
    count: FormText = "",
    approved_by: FormText = "",
    approver_password: FormText = "",
    token: FormText = "",
) -> Response:
    """Correct one lot's on-hand by a signed quantity, with a reason."""
    form = {
        "location": location,
        "product": product,
        "lot": lot,
        "expiry": expiry,
        "quantity": quantity,
        "reason": reason,
        "count": bool(count),
        "approved_by": approved_by,
        "token": token if TOKEN.fullmatch(token) else form_token(),
    }
    try:
        change = whole_number(quantity, "quantity", signed=True)
        try:
            exp = date_of(expiry)
        except ValueError:
            raise InvalidValue("expiry", "use the date picker (MM/DD/YYYY)", expiry) from None
        command = ledger.Adjust(
            user=who.user.username,
            location=location.strip(),
            product=product.strip(),
            lot=lot,
            expiry=exp,
            quantity=change,
            reason=reason,
            count=bool(count),
            approval=approval_of(engine, approved_by, approver_password),
            external_id=external("adjust", token),
        )
        result = post_command(engine, command)
        with SqlUnitOfWork(engine, readonly=True) as uow:
            ndc = str(find_product(uow, product).ndc)
    except Failure as exc:
        return _page(
            request, who, engine, "adjust.html", "Adjust", form=form, status=422, error=str(exc)
        )
    with engine.connect() as conn:
        rows = queries.stock_rows(
            conn, queries.StockFilter(location=location.strip(), ndc=ndc, include_zero=True)
        )
    lot_on_hand = sum(
        r["quantity"] for r in rows if r["location"] == location.strip() and r["lot"] == lot.strip()
    )
    done = {
        "kind": command.kind.value,
        "change": change,
        "ndc": ndc,
        "lot": lot.strip(),
        "location": location.strip(),
        "on_hand": lot_on_hand,
        "duplicate": result.duplicate,
        "approved_by": result.movements[0].approved_by if result.movements else "",
    }
    return _page(
        request, who, engine, "adjust.html", "Adjust", form={"token": form_token()}, done=done
    )


def date_of(text: str) -> date | None:
    """A date from the date picker (ISO), or None when left blank."""
    return date.fromisoformat(text.strip()) if text.strip() else None
