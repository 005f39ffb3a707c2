"""Writing pages: receiving by barcode scan, transfers and refills, adjustments.

Each form posts back to its page with the session's CSRF token (checked by ``caller``), calls the
same ledger service as the API with the signed-in user's name, and shows the result or the error
in place: on an error nothing is posted.

Receiving is built for a scanner that types the barcode and Enter: the scan identifies the
product, lot, expiry and serial; the quantity field then has focus holding one package; Enter
posts. A scan typed into the quantity field starts over with that package. Each confirmation
carries a one-time token that becomes the receipt's external id, so a resubmitted form (a double
Enter, a reload) posts nothing twice.
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import Engine
from starlette.responses import Response

from rxsupply.adapters import queries
from rxsupply.adapters.gs1 import parse_scan
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.browsing import stocking_locations
from rxsupply.entrypoints.web.rendering import (
    formats_of,
    page_route,
    render,
    us_date,
    visible_scan,
)
from rxsupply.errors import InvalidValue, LedgerError, NotFound
from rxsupply.services import ledger, scanning
from rxsupply.services.references import find_product

router = APIRouter()
Receiver = Annotated[Caller, Depends(REQUIRES[Permission.RECEIVE])]
Mover = Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])]
Adjuster = Annotated[Caller, Depends(REQUIRES[Permission.ADJUST])]
FormText = Annotated[str, Form()]
REMEMBERED = "rxsupply_receive_location"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
Failure = (InvalidValue, NotFound, LedgerError)


def whole_number(text: str, field: str, *, signed: bool = False) -> int:
    raw = text.strip().replace(",", "")
    body = raw[1:] if signed and raw[:1] in "+-" else raw
    if not body.isdigit():
        raise InvalidValue(field, "enter a whole number", text)
    value = int(raw)
    if not signed and value <= 0:
        raise InvalidValue(field, "must be at least 1", text)
    return value


def on_hand(
    engine: Engine, *, location: str, ndc: str | None = None, item: str | None = None
) -> int:
    """Units on hand at a location and the pockets under it."""
    with engine.connect() as conn:
        rows = queries.stock_rows(
            conn, queries.StockFilter(location=location, ndc=ndc, item=item, limit=100_000)
        )
    return sum(r["quantity"] for r in rows)


# --- receiving ---------------------------------------------------------------------------


def receiving_locations(engine: Engine) -> list[dict[str, Any]]:
    return [r for r in stocking_locations(engine) if r["kind"] in ("storeroom", "satellite")]


def identify(engine: Engine, scan: str, today: date) -> dict[str, Any]:
    """The scanned package as ``scanning.identify`` returns it; an expired lot is an error."""
    identifier = parse_scan(scan, today=today)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = scanning.identify(uow, identifier).as_dict()
    if identifier.expiry is not None and identifier.expiry < today:
        raise InvalidValue(
            "expiry",
            f"lot {identifier.lot} expired on {us_date(identifier.expiry)}: do not receive it; "
            "quarantine it for return",
        )
    return found


def _receive_page(
    request: Request,
    who: Caller,
    engine: Engine,
    *,
    location: str,
    status: int = 200,
    **context: Any,
) -> Response:
    choices = receiving_locations(engine)
    codes = [c["code"] for c in choices]
    chosen = location if location in codes else (codes[0] if codes else "")
    response = render(
        request,
        "receive.html",
        who,
        title="Receive",
        status_code=status,
        locations=choices,
        location=chosen,
        **context,
    )
    if chosen:
        response.set_cookie(REMEMBERED, chosen, max_age=365 * 86400, httponly=True, samesite="lax")
    return response


@router.get("/receive", **page_route(Permission.RECEIVE))
def receive_form(
    request: Request, who: Receiver, engine: EngineDep, location: str = ""
) -> Response:
    return _receive_page(
        request, who, engine, location=location or request.cookies.get(REMEMBERED, "")
    )


@router.post("/receive", **page_route(Permission.RECEIVE))
def receive(
    request: Request,
    who: Receiver,
    engine: EngineDep,
    location: FormText = "",
    scan: FormText = "",
    quantity: FormText = "",
    token: FormText = "",
) -> Response:
    """Without a quantity: identify the scan and ask for the quantity. With one: post."""
    today = formats_of(request).today()
    confirming = bool(quantity.strip())
    if confirming and not quantity.strip().replace(",", "").isdigit() and len(quantity) > 8:
        scan, confirming = quantity, False  # the next package was scanned into the quantity
    try:
        found = identify(engine, scan, today)
    except Failure as exc:
        return _receive_page(request, who, engine, location=location, status=422, error=str(exc))
    product: Any = found["product"]
    confirm = {
        "found": found,
        "scan": visible_scan(scan.strip(" \t\r\n")),
        "token": secrets.token_urlsafe(18),
        "quantity": str(product["package_size"]),
    }
    if not confirming:
        return _receive_page(request, who, engine, location=location, confirm=confirm)
    try:
        units = whole_number(quantity, "quantity")
        if location not in {r["code"] for r in receiving_locations(engine)}:
            raise InvalidValue("location", "receive into a storeroom or a satellite", location)
        if not _TOKEN.fullmatch(token):
            raise InvalidValue("token", "the confirmation expired; scan the package again")
        result = run_with_retry(
            engine,
            lambda uow: ledger.receive(
                uow,
                location=location,
                product=str(found["gtin"]),
                lot=str(found["lot"]),
                expiry=date.fromisoformat(str(found["expiry"])) if found["expiry"] else None,
                quantity=units,
                now=clock.now(),
                today=formats_of(request).today(),
                reference=f"SN {found['serial']}" if found["serial"] else "",
                external_id=f"web:receive:{token}",
                user=who.user.username,
            ),
        )
    except Failure as exc:
        confirm |= {
            "quantity": quantity,
            "token": token if _TOKEN.fullmatch(token) else confirm["token"],
        }
        return _receive_page(
            request, who, engine, location=location, status=422, error=str(exc), confirm=confirm
        )
    ndc = str(found["ndc"])
    with engine.connect() as conn:
        rows = queries.stock_rows(conn, queries.StockFilter(location=location, ndc=ndc))
    received = {
        "found": found,
        "quantity": units,
        "location": location,
        "duplicate": result.duplicate,
        "on_hand": sum(r["quantity"] for r in rows if r["location"] == location),
        "lot_on_hand": sum(
            r["quantity"] for r in rows if r["location"] == location and r["lot"] == found["lot"]
        ),
    }
    return _receive_page(request, who, engine, location=location, received=received)


# --- transfers ---------------------------------------------------------------------------


@router.get("/transfer", **page_route(Permission.TRANSFER))
def transfer_form(request: Request, who: Mover, engine: EngineDep) -> Response:
    return render(
        request,
        "transfer.html",
        who,
        title="Transfer",
        locations=stocking_locations(engine),
        form={},
    )


@router.post("/transfer", **page_route(Permission.TRANSFER))
def transfer(
    request: Request,
    who: Mover,
    engine: EngineDep,
    from_location: FormText = "",
    to_location: FormText = "",
    what: FormText = "",
    lot: FormText = "",
    quantity: FormText = "",
    refill: FormText = "",
) -> Response:
    """Move stock, earliest expiry first unless a lot is named; ``what`` is an item code or an
    NDC (any form) or GTIN."""
    form = {
        "from_location": from_location,
        "to_location": to_location,
        "what": what,
        "lot": lot,
        "quantity": quantity,
        "refill": bool(refill),
    }
    kind = MovementKind.REFILL if refill else MovementKind.TRANSFER
    src, dst, text = from_location.strip(), to_location.strip(), what.strip()
    try:
        units = whole_number(quantity, "quantity")
        if not text:
            raise InvalidValue("item", "enter an item code or an NDC")
        with SqlUnitOfWork(engine, readonly=True) as uow:
            is_item = uow.items.get(text) is not None
            ndc = None if is_item else str(find_product(uow, text).ndc)
        result = run_with_retry(
            engine,
            lambda uow: ledger.transfer(
                uow,
                from_location=src,
                to_location=dst,
                item=text if is_item else None,
                product=None if is_item else text,
                lot=lot.strip() or None,
                quantity=units,
                kind=kind,
                now=clock.now(),
                user=who.user.username,
            ),
        )
    except Failure as exc:
        return render(
            request,
            "transfer.html",
            who,
            title="Transfer",
            status_code=422,
            locations=stocking_locations(engine),
            form=form,
            error=str(exc),
        )
    item = text if is_item else None
    done = {
        "kind": kind.value,
        "quantity": units,
        "what": text,
        "lots": len({m.lot_id for m in result.movements}),
        "from": src,
        "to": dst,
        "from_on_hand": on_hand(engine, location=src, ndc=ndc, item=item),
        "to_on_hand": on_hand(engine, location=dst, ndc=ndc, item=item),
    }
    return render(
        request,
        "transfer.html",
        who,
        title="Transfer",
        locations=stocking_locations(engine),
        form=form | {"quantity": "", "lot": ""},
        done=done,
    )


# --- adjustments -------------------------------------------------------------------------


@router.get("/adjust", **page_route(Permission.ADJUST))
def adjust_form(request: Request, who: Adjuster, engine: EngineDep) -> Response:
    return render(
        request,
        "adjust.html",
        who,
        title="Adjust",
        locations=stocking_locations(engine),
        form={},
    )


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
    }
    kind = MovementKind.COUNT_VARIANCE if count else MovementKind.ADJUSTMENT
    try:
        change = whole_number(quantity, "quantity", signed=True)
        try:
            exp = date.fromisoformat(expiry.strip()) if expiry.strip() else None
        except ValueError:
            raise InvalidValue("expiry", "use the date picker (MM/DD/YYYY)", expiry) from None
        run_with_retry(
            engine,
            lambda uow: ledger.adjust(
                uow,
                location=location.strip(),
                product=product.strip(),
                lot=lot,
                expiry=exp,
                quantity=change,
                reason=reason,
                kind=kind,
                now=clock.now(),
                user=who.user.username,
            ),
        )
        with SqlUnitOfWork(engine, readonly=True) as uow:
            ndc = str(find_product(uow, product).ndc)
    except Failure as exc:
        return render(
            request,
            "adjust.html",
            who,
            title="Adjust",
            status_code=422,
            locations=stocking_locations(engine),
            form=form,
            error=str(exc),
        )
    with engine.connect() as conn:
        rows = queries.stock_rows(
            conn, queries.StockFilter(location=location.strip(), ndc=ndc, include_zero=True)
        )
    lot_on_hand = sum(
        r["quantity"] for r in rows if r["location"] == location.strip() and r["lot"] == lot.strip()
    )
    done = {
        "kind": kind.value,
        "change": change,
        "ndc": ndc,
        "lot": lot.strip(),
        "location": location.strip(),
        "on_hand": lot_on_hand,
    }
    return render(
        request,
        "adjust.html",
        who,
        title="Adjust",
        locations=stocking_locations(engine),
        form={},
        done=done,
    )
