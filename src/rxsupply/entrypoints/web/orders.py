"""Purchase order pages: the orders (``/orders``) and one order (``/orders/{number}``) with
what its state allows: a Schedule II line's DEA Form 222 number, approval (the CSV and the
X12 850 to download), cancellation, receiving package by package (by scan or NDC, against a
ship notice when chosen), closing, what receiving found, the ship notices (856) and the
invoices' three-way match (810) with their variances. The same use cases as ``rxsupply
orders`` and ``/api/orders``; forms post with the session's CSRF token and come back to the
order with the outcome."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import PlainTextResponse
from starlette.responses import Response

from rxsupply.adapters.gs1 import parse_scan
from rxsupply.adapters.order_documents import order_csv, order_xlsx, x12_850
from rxsupply.adapters.spreadsheets import XLSX_TYPE
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.fields import parse_date
from rxsupply.domain.purchasing import OrderStatus
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.planning import redirect_with, shown, take_flash
from rxsupply.entrypoints.web.rendering import page_route, render
from rxsupply.errors import InvalidValue, RxSupplyError
from rxsupply.services import invoices, purchasing, receiving, ship_notices
from rxsupply.services.order_lines import change_order_line
from rxsupply.services.receipt_holds import HeldPackage

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
Buyer = Annotated[Caller, Depends(REQUIRES[Permission.PURCHASE])]
Receiver = Annotated[Caller, Depends(REQUIRES[Permission.RECEIVE])]
FormText = Annotated[str, Form()]
LISTED = 200


@router.get("/orders", **page_route(Permission.VIEW))
def orders_page(request: Request, who: Viewer, engine: EngineDep, status: str = "") -> Response:
    flash = take_flash(request)
    chosen = OrderStatus(status) if status in {s.value for s in OrderStatus} else None
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = purchasing.list_orders(uow, status=chosen, limit=LISTED)
    page = render(
        request,
        "orders.html",
        who,
        title="Purchase orders",
        orders=found,
        statuses=[s.value for s in OrderStatus],
        status=status,
        can_buy=who.user.can(Permission.PURCHASE),
        flash=flash,
    )
    return shown(page, flash)


@router.post("/orders/suggest", **page_route(Permission.PURCHASE))
def suggest(who: Buyer, engine: EngineDep) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            done = purchasing.suggest_orders(uow, clock=clock.current(), user=who.user.username)
    except RxSupplyError as exc:
        return redirect_with("/orders", f"No suggestion: {exc}.", ok=False)
    if not done.orders:
        return redirect_with("/orders", "Nothing is at or below its reorder point.")
    lines = sum(len(o.lines) for o in done.orders)
    skipped = f"; {len(done.skipped)} items without a price" if done.skipped else ""
    return redirect_with(
        f"/orders/{done.orders[0].number}",
        f"Suggested: {len(done.orders)} draft(s), {lines} lines{skipped}.",
    )


@router.get("/orders/{number}", **page_route(Permission.VIEW))
def order_page(request: Request, number: str, who: Viewer, engine: EngineDep) -> Response:
    flash = take_flash(request)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = purchasing.get_order(uow, number)
        issues = receiving.receiving_discrepancies(uow, order=number)
        notices = ship_notices.ship_notices(uow, order=number)
        matches = invoices.invoice_matches(uow, order=number)
    page = render(
        request,
        "order.html",
        who,
        title=f"Order {found.number}",
        order=found,
        issues=issues,
        notices=notices,
        matches=matches,
        can_buy=who.user.can(Permission.PURCHASE),
        can_receive=who.user.can(Permission.RECEIVE),
        receivable=found.status in receiving.RECEIVABLE,
        flash=flash,
    )
    return shown(page, flash)


def _back(number: str) -> str:
    return f"/orders/{number}"


@router.post("/orders/{number}/dea", **page_route(Permission.PURCHASE))
def dea(
    number: str, who: Buyer, engine: EngineDep, line: FormText, dea_form_number: FormText
) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            purchasing.set_dea_form_number(
                uow,
                order=number,
                line=int(line) if line.isascii() and line.isdigit() and len(line) < 7 else 0,
                number=dea_form_number,
                user=who.user.username,
                clock=clock.current(),
            )
    except RxSupplyError as exc:
        return redirect_with(_back(number), f"Not recorded: {exc}.", ok=False)
    return redirect_with(_back(number), f"DEA Form 222 number recorded on line {line}.")


@router.post("/orders/{number}/lines/{line}", **page_route(Permission.PURCHASE))
def set_line(
    number: str, line: RecordId, who: Buyer, engine: EngineDep, packages: FormText = ""
) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            change_order_line(
                uow,
                order=number,
                line=line,
                packages=_count(packages, "packages"),
                user=who.user.username,
                clock=clock.current(),
            )
    except RxSupplyError as exc:
        return redirect_with(_back(number), f"Not changed: {exc}.", ok=False)
    removed = packages.strip() in ("0", "")
    return redirect_with(
        _back(number), f"Line {line} " + ("removed." if removed else f"set to {packages} packages.")
    )


@router.post("/orders/{number}/approve", **page_route(Permission.PURCHASE))
def approve(number: str, who: Buyer, engine: EngineDep) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            sent = purchasing.approve_order(
                uow, order=number, user=who.user.username, clock=clock.current()
            )
    except RxSupplyError as exc:
        return redirect_with(_back(number), f"Not sent: {exc}.", ok=False)
    return redirect_with(
        _back(number), f"Sent to {sent.wholesaler}: download the CSV or the X12 850 below."
    )


@router.post("/orders/{number}/cancel", **page_route(Permission.PURCHASE))
def cancel(number: str, who: Buyer, engine: EngineDep, reason: FormText = "") -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            purchasing.cancel_order(
                uow, order=number, reason=reason, user=who.user.username, clock=clock.current()
            )
    except RxSupplyError as exc:
        return redirect_with(_back(number), f"Not cancelled: {exc}.", ok=False)
    return redirect_with(_back(number), "Cancelled.")


@router.post("/orders/{number}/receive", **page_route(Permission.RECEIVE))
def receive(
    number: str,
    who: Receiver,
    engine: EngineDep,
    scan: FormText = "",
    ndc: FormText = "",
    lot: FormText = "",
    expiry: FormText = "",
    packages: FormText = "1",
    damaged: FormText = "0",
    ship_notice: FormText = "",
) -> Response:
    now = clock.current()
    try:
        serial: str | None = None
        when: date | None = None
        if scan.strip():
            found = parse_scan(scan.strip(), today=now.today())
            product, lot_text, when, serial, count = (
                found.gtin,
                found.lot or "",
                found.expiry,
                found.serial,
                1,
            )
        else:
            product, lot_text, count = ndc.strip(), lot.strip(), _count(packages, "packages")
            when = parse_date(expiry, "expiry") if expiry.strip() else None
        with SqlUnitOfWork(engine) as uow:
            done, issues, held = receiving.receive_against_order(
                uow,
                order=number,
                product=product,
                lot=lot_text,
                expiry=when,
                packages=count,
                serial=serial,
                damaged=_count(damaged, "damaged"),
                ship_notice=ship_notice.strip() or None,
                user=who.user.username,
                clock=now,
                partner_policy=load_settings().partner_policy(),
            )
    except RxSupplyError as exc:
        return redirect_with(_back(number), f"Not received: {exc}.", ok=False)
    found_text = "; ".join(f"{d.issue.value.replace('_', ' ')}: {d.note}" for d in issues)
    said = [f"Received; the order is {done.status.value.replace('_', ' ')}", *_on_hold(held)]
    if found_text:
        said.append(f"Recorded {found_text}")
    return redirect_with(
        _back(number),
        ". ".join(said) + ".",
        ok=not held
        and not any(d.issue.value in ("wrong_product", "not_as_shipped") for d in issues),
    )


#: How many packages on hold a flash names (the cookie it rides in is small), and how much of
#: each reason.
HELD_SHOWN, REASON_SHOWN = 3, 160


def _on_hold(held: list[HeldPackage]) -> list[str]:
    """The packages a receipt put on hold, as the flash says them (right after the order's
    status: the receiver must set them apart)."""
    said = [f"ON HOLD: {h.say(reason_limit=REASON_SHOWN)}" for h in held[:HELD_SHOWN]]
    if len(held) > HELD_SHOWN:
        said.append(f"{len(held) - HELD_SHOWN} more on hold: see the order's DSCSA page")
    return said


def _count(text: str, name: str) -> int:
    raw = text.strip() or "0"
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 7:
        raise InvalidValue(name, "a whole number of packages", text[:20])
    return int(raw)


@router.post("/orders/{number}/close", **page_route(Permission.PURCHASE))
def close(number: str, who: Buyer, engine: EngineDep) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            receiving.close_order(uow, order=number, user=who.user.username, clock=clock.current())
    except RxSupplyError as exc:
        return redirect_with(_back(number), f"Not closed: {exc}.", ok=False)
    return redirect_with(_back(number), "Closed; any line left short is recorded below.")


@router.get("/orders/{number}/order.csv", **page_route(Permission.VIEW))
def download_csv(number: str, who: Viewer, engine: EngineDep) -> Response:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = purchasing.get_order(uow, number)
    return PlainTextResponse(
        order_csv(found),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{found.number}.csv"'},
    )


@router.get("/orders/{number}/order.xlsx", **page_route(Permission.VIEW))
def download_xlsx(number: str, who: Viewer, engine: EngineDep) -> Response:
    """The order file as Excel: the CSV's columns and rows, typed."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = purchasing.get_order(uow, number)
    return Response(
        order_xlsx(found),
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{found.number}.xlsx"'},
    )


@router.get("/orders/{number}/order.850", **page_route(Permission.VIEW))
def download_850(number: str, who: Viewer, engine: EngineDep) -> Response:
    now = clock.current()
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = purchasing.get_order(uow, number)
    return PlainTextResponse(
        x12_850(found, ship_to="Pharmacy storeroom", now=now.now(), control_number=found.id or 1),
        media_type="application/edi-x12",
        headers={"Content-Disposition": f'attachment; filename="{found.number}.850"'},
    )
