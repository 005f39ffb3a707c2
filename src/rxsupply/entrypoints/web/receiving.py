"""The receiving page, built for a barcode scanner at the dock.

The scanner types the barcode and Enter: the scan identifies the product, lot, expiry and
serial (a case GTIN its declared contents); the quantity field then has focus holding one
package (or case); Enter posts. A scan typed into the quantity field starts over with that
package. Each confirmation carries a one-time token that becomes the receipt's external id, so
a resubmitted form (a double Enter, a reload) posts nothing twice. A package with a serial is
recorded as such; the same serial scanned again is refused and flagged as suspect product.
The receiving location defaults to the one used last, else the facility's storeroom.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import Engine
from starlette.responses import Response

from rxsupply.adapters import queries
from rxsupply.adapters.gs1 import parse_scan
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.identifier import ProductIdentifier
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.posting import post_command
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.browsing import stocking_locations
from rxsupply.entrypoints.web.rendering import formats_of, page_route, render, us_date, visible_scan
from rxsupply.errors import InvalidValue, LedgerError, NotFound, PermissionDenied
from rxsupply.services import ledger, scanning

router = APIRouter()
Receiver = Annotated[Caller, Depends(REQUIRES[Permission.RECEIVE])]
FormText = Annotated[str, Form()]
REMEMBERED = "rxsupply_receive_location"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
Failure = (InvalidValue, NotFound, LedgerError, PermissionDenied)


def whole_number(text: str, field: str, *, signed: bool = False) -> int:
    raw = text.strip().replace(",", "")
    body = raw[1:] if signed and raw[:1] in "+-" else raw
    if re.fullmatch(r"[0-9]{1,12}", body) is None:  # not str.isdigit: "²" is a digit to it
        raise InvalidValue(field, "enter a whole number", text[:40])
    value = int(raw)
    if not signed and value <= 0:
        raise InvalidValue(field, "must be at least 1", text)
    return value


def receiving_locations(engine: Engine) -> list[dict[str, Any]]:
    """Storerooms first (the default), then satellites and quarantine locations."""
    order = {"storeroom": 0, "satellite": 1, "quarantine": 2}
    rows = [r for r in stocking_locations(engine) if r["kind"] in order]
    return sorted(rows, key=lambda r: (order[r["kind"]], r["code"]))


def identify(engine: Engine, scan: str, today: date) -> tuple[ProductIdentifier, dict[str, Any]]:
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
    return identifier, found


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
        identifier, found = identify(engine, scan, today)
    except Failure as exc:
        return _receive_page(request, who, engine, location=location, status=422, error=str(exc))
    confirm = {
        "found": found,
        "scan": visible_scan(scan.strip(" \t\r\n")),
        "token": secrets.token_urlsafe(18),
        "quantity": str(found["units"] or ""),
    }
    if not confirming:
        return _receive_page(request, who, engine, location=location, confirm=confirm)
    try:
        units = whole_number(quantity, "quantity")
        if location not in {r["code"] for r in receiving_locations(engine)}:
            raise InvalidValue("location", "receive into a storeroom or a satellite", location)
        if not TOKEN.fullmatch(token):
            raise InvalidValue("token", "the confirmation expired; scan the package again")
        command = scanning.receipt_of(
            identifier,
            user=who.user.username,
            location=location,
            external_id=ExternalId("web", f"receive:{token}"),
        )
        if identifier.serial is None or units != found["units"]:
            command = _as_units(command, units)
        result = post_command(engine, command)
    except Failure as exc:
        confirm |= {
            "quantity": quantity,
            "token": token if TOKEN.fullmatch(token) else confirm["token"],
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


def _as_units(command: ledger.Receive, units: int) -> ledger.Receive:
    """The receipt counted in dispense units (a partial case, several packages of one scan);
    a serialised package must be received whole, which the ledger checks."""
    return replace(command, packages=None, quantity=units)
