"""``rxsupply orders asn | notices | invoice | match``: what a wholesaler sends back about an
order (ship notices, X12 856; invoices, X12 810) and the three-way match of its invoices."""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.adapters.x12_810 import read_810
from rxsupply.adapters.x12_856 import read_856
from rxsupply.domain.shipping import InvoiceMatch, ShipNotice, Tolerance
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.purchasing import JsonOption, OrderArg, orders_app
from rxsupply.errors import InvalidValue, RxSupplyError
from rxsupply.services import invoices, ship_notices

PriceTolerance = Annotated[
    str, typer.Option(help="Percent of the order's package price an invoice may differ by.")
]
QuantityTolerance = Annotated[
    int, typer.Option(help="Packages an invoice may differ from what was received by.")
]


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RxSupplyError(f"{file}: cannot read it ({exc})") from exc


def tolerance(price: str, packages: int) -> Tolerance:
    try:
        pct = Decimal(price.strip().rstrip("%"))
    except InvalidOperation:
        raise InvalidValue("--price-tolerance", "a percentage such as 2 or 2.5", price) from None
    if not pct.is_finite() or pct < 0 or pct > 100 or packages < 0:
        raise InvalidValue("--price-tolerance", "from 0 to 100 percent, packages from 0", price)
    return Tolerance(pct, packages)


def _print_notice(notice: ShipNotice) -> None:
    context.out.print(
        f"[bold]{escape(notice.shipment_id)}[/bold] from {escape(notice.sender)} for "
        f"{notice.po_number}: {notice.packages} packages"
        + (f", shipped {notice.shipped_on.isoformat()}" if notice.shipped_on else ""),
        highlight=False,
    )
    context.emit(
        [
            {
                "line": ln.line_number,
                "ndc": ln.ndc,
                "lot": ln.lot,
                "expiry": ln.expiry.isoformat() if ln.expiry else "",
                "packages": ln.packages,
                "received": ln.received_packages,
                "sscc": ln.sscc,
            }
            for ln in notice.lines
        ],
        as_json=False,
        title=f"{notice.shipment_id} packages",
    )


def print_match(match: InvoiceMatch) -> None:
    inv = match.invoice
    quantity = sum((ln.quantity_variance_value for ln in match.lines), Decimal(0))
    context.out.print(
        f"[bold]invoice {escape(inv.number)}[/bold] of {inv.invoice_date.isoformat()} from "
        f"{escape(inv.sender)} for {inv.po_number}: ${inv.total:,.2f}, {match.status.value}, "
        f"price variance ${match.price_variance:,.2f}, quantity variance ${quantity:,.2f}",
        highlight=False,
    )
    context.emit(
        [
            {
                "line": ln.invoice_line,
                "ndc": ln.ndc,
                "status": ln.status.value,
                "invoiced": ln.invoiced_packages,
                "received": ln.received_packages,
                "qty_variance": ln.quantity_variance,
                "invoice_price": f"{ln.invoice_price:.2f}",
                "order_price": f"{ln.order_price:.2f}" if ln.order_price is not None else "",
                "price_variance": f"{ln.price_variance:.2f}",
                "extended_variance": f"{ln.extended_price_variance:.2f}",
                "note": ln.note,
            }
            for ln in match.lines
        ],
        as_json=False,
        title=f"invoice {inv.number} lines",
    )


@orders_app.command()
def asn(
    file: Annotated[Path, typer.Argument(help="The wholesaler's X12 856 ship notice.")],
    as_json: JsonOption = False,
) -> None:
    """Record a wholesaler's advance ship notice (X12 856): the packages per lot it says are
    coming for an order, recorded once per shipment; refused, with the segment at fault, when
    it cannot be read, is for another buyer, an unknown order or an NDC not ordered, or comes
    from another sender (ISA06) than the EDI id on file for the order's wholesaler."""
    user = context.user(Permission.PURCHASE)
    try:
        notice = read_856(_read(file))
    except InvalidValue as exc:
        raise RxSupplyError(f"{file}: {exc}") from exc
    with SqlUnitOfWork(context.engine()) as uow:
        done, warnings, duplicate = ship_notices.record_ship_notice(
            uow, notice=notice, user=user, clock=context.clock(), source=str(file)
        )
    if as_json:
        answer = {**done.as_dict(), "warnings": warnings, "duplicate": duplicate}
        sys.stdout.write(json.dumps(answer, indent=1) + "\n")
        return
    _print_notice(done)
    if duplicate:
        context.err.print(
            f"note: ship notice {escape(done.shipment_id)} is recorded already", highlight=False
        )
    warn(warnings)


def warn(warnings: list[str]) -> None:
    """What a document's use case warns of (a sender not checked, packages beyond what was
    ordered), one line each on stderr."""
    for w in warnings:
        context.err.print(f"[yellow]warning:[/yellow] {escape(w)}", highlight=False)


@orders_app.command()
def notices(order: OrderArg, as_json: JsonOption = False) -> None:
    """An order's ship notices: the packages per lot each said, and what came in against them."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = ship_notices.ship_notices(uow, order=order)
    if as_json:
        sys.stdout.write(json.dumps([n.as_dict() for n in found], indent=1) + "\n")
        return
    if not found:
        context.out.print(f"{order}: no ship notice", highlight=False)
    for n in found:
        _print_notice(n)


@orders_app.command()
def invoice(
    file: Annotated[Path, typer.Argument(help="The wholesaler's X12 810 invoice.")],
    price_tolerance: PriceTolerance = "0",
    quantity_tolerance: QuantityTolerance = 0,
    as_json: JsonOption = False,
) -> None:
    """Record a wholesaler's invoice (X12 810), once per invoice number, and print its match
    against the order and what was received; refused when it cannot be read, does not add up,
    is for another buyer or an unknown order, or comes from another sender (ISA06) than the
    EDI id on file for the order's wholesaler."""
    user = context.user(Permission.PURCHASE)
    limits = tolerance(price_tolerance, quantity_tolerance)
    try:
        bill = read_810(_read(file))
    except InvalidValue as exc:
        raise RxSupplyError(f"{file}: {exc}") from exc
    with SqlUnitOfWork(context.engine()) as uow:
        match, warnings, duplicate = invoices.record_invoice(
            uow,
            invoice=bill,
            user=user,
            clock=context.clock(),
            tolerance=limits,
            source=str(file),
        )
    if as_json:
        answer = {**match.as_dict(), "duplicate": duplicate, "warnings": warnings}
        sys.stdout.write(json.dumps(answer, indent=1) + "\n")
        return
    print_match(match)
    if duplicate:
        context.err.print(
            f"note: invoice {escape(bill.number)} is recorded already", highlight=False
        )
    warn(warnings)


@orders_app.command()
def match(
    order: OrderArg,
    price_tolerance: PriceTolerance = "0",
    quantity_tolerance: QuantityTolerance = 0,
    as_json: JsonOption = False,
) -> None:
    """The three-way match of an order's invoices: each line matched, price variance,
    quantity variance, both, or not ordered, with the variances in money."""
    limits = tolerance(price_tolerance, quantity_tolerance)
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = invoices.invoice_matches(uow, order=order, tolerance=limits)
    if as_json:
        sys.stdout.write(json.dumps([m.as_dict() for m in found], indent=1) + "\n")
        return
    if not found:
        context.out.print(f"{order}: no invoice", highlight=False)
    for m in found:
        print_match(m)
