"""``rxsupply orders suggest | list | show | dea | approve | cancel``: purchase orders."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.gs1 import parse_scan
from rxsupply.adapters.order_documents import order_csv, x12_850
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.adapters.x12_inbound import read_855
from rxsupply.config import load_settings
from rxsupply.domain.fields import RECORD_ID_LIMIT, ROWS_LIMIT, parse_date, parse_money
from rxsupply.domain.purchasing import OrderStatus, PurchaseOrder
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.errors import InvalidValue, RxSupplyError
from rxsupply.services import purchasing, receiving
from rxsupply.services.acknowledgements import acknowledge_order
from rxsupply.services.order_lines import change_order_line

orders_app = typer.Typer(
    help="Purchase orders: the storeroom's suggested orders, reviewed, approved and sent.",
    no_args_is_help=True,
)
app.add_typer(orders_app, name="orders")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
OrderArg = Annotated[str, typer.Argument(help="The order's number (PO000012) or id.")]


def _print(order: PurchaseOrder, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(order.as_dict(), indent=1) + "\n")
        return
    context.out.print(
        f"[bold]{order.number}[/bold] {escape(order.wholesaler)}: {order.status.value}, "
        f"{len(order.lines)} lines, ${order.value:,.2f}"
        + (f", approved by {order.approved_by}" if order.approved_by else "")
        + (f" ({escape(order.note)})" if order.note else ""),
        highlight=False,
    )
    context.emit(
        [
            {
                "line": ln.line_number,
                "item": ln.item_code,
                "ndc": ln.ndc,
                "packages": ln.packages,
                "received": ln.received_packages,
                "package_price": str(ln.package_price),
                "value": str(ln.value),
                "contract": ln.contract,
                "schedule": ln.schedule,
                "dea_form_number": ln.dea_form_number,
                "status": ln.status.value,
                "why": ln.why,
            }
            for ln in order.lines
        ],
        as_json=False,
        title=f"{order.number} lines",
    )


@orders_app.command()
def suggest(as_json: JsonOption = False) -> None:
    """Write today's suggested orders: each storeroom item at or below its reorder point, up
    to its order-up-to level, in whole packages of its best eligible price; one draft per
    wholesaler (its lines replaced when a draft is there already)."""
    user = context.user(Permission.PURCHASE)
    with SqlUnitOfWork(context.engine()) as uow:
        done = purchasing.suggest_orders(uow, clock=context.clock(), user=user)
    if as_json:
        sys.stdout.write(json.dumps(done.as_dict(), indent=1) + "\n")
        return
    if not done.orders:
        context.out.print("nothing at or below its reorder point", highlight=False)
    for order in done.orders:
        _print(order, False)
    for item, why in done.skipped:
        context.err.print(f"not ordered: {item}: {why}", highlight=False)


@orders_app.command("list")
def list_cmd(
    status: Annotated[OrderStatus | None, typer.Option(help="Only orders in this state.")] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=ROWS_LIMIT, help="At most this many, newest first.")
    ] = 100,
    as_json: JsonOption = False,
) -> None:
    """Purchase orders, newest first."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = purchasing.list_orders(uow, status=status, limit=max(1, min(limit, 1000)))
    context.emit([o.as_dict(lines=False) for o in found], as_json=as_json, title="Purchase orders")


@orders_app.command()
def show(order: OrderArg, as_json: JsonOption = False) -> None:
    """One order with its lines and why each was suggested."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = purchasing.get_order(uow, order)
    _print(found, as_json)


@orders_app.command()
def dea(
    order: OrderArg,
    line: Annotated[int, typer.Argument(min=1, max=RECORD_ID_LIMIT, help="The Schedule II line.")],
    number: Annotated[str, typer.Argument(help="DEA Form 222 serial or CSOS order number.")],
    as_json: JsonOption = False,
) -> None:
    """Record a Schedule II line's DEA Form 222 or CSOS order number (a draft's)."""
    user = context.user(Permission.PURCHASE)
    with SqlUnitOfWork(context.engine()) as uow:
        found = purchasing.set_dea_form_number(
            uow, order=order, line=line, number=number, user=user, clock=context.clock()
        )
    _print(found, as_json)


@orders_app.command("add-line")
def add_line(
    order: OrderArg,
    product: Annotated[str, typer.Argument(help="NDC (any form) or GTIN.")],
    packages: Annotated[int, typer.Argument(help="Whole packages.")],
    price: Annotated[
        str | None, typer.Option(help="Package price (default: its best eligible price).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Add a line to a draft by hand."""
    user = context.user(Permission.PURCHASE)
    with SqlUnitOfWork(context.engine()) as uow:
        done = purchasing.add_order_line(
            uow,
            order=order,
            product=product,
            packages=packages,
            user=user,
            clock=context.clock(),
            package_price=parse_money(price, "--price") if price else None,
        )
    _print(done, as_json)


@orders_app.command("set-line")
def set_line(
    order: OrderArg,
    line: Annotated[int, typer.Argument(min=1, max=RECORD_ID_LIMIT, help="The line's number.")],
    packages: Annotated[int, typer.Argument(min=0, help="Whole packages; 0 removes the line.")],
    as_json: JsonOption = False,
) -> None:
    """Change a draft line's packages, or remove it (0)."""
    user = context.user(Permission.PURCHASE)
    with SqlUnitOfWork(context.engine()) as uow:
        done = change_order_line(
            uow, order=order, line=line, packages=packages, user=user, clock=context.clock()
        )
    _print(done, as_json)


@orders_app.command()
def approve(
    order: OrderArg,
    out_dir: Annotated[
        Path, typer.Option("--out-dir", help="Where the CSV and the X12 850 are written.")
    ] = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Approve a draft and send it: writes NUMBER.csv (the wholesaler's order file) and
    NUMBER.850 (X12 850). Refused, with every reason, when a Schedule II line lacks its DEA
    Form 222 or CSOS number."""
    user = context.user(Permission.PURCHASE)
    with SqlUnitOfWork(context.engine()) as uow:
        sent = purchasing.approve_order(uow, order=order, user=user, clock=context.clock())
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{sent.number}.csv").write_text(order_csv(sent), encoding="utf-8")
    (out_dir / f"{sent.number}.850").write_text(
        x12_850(sent, ship_to="Pharmacy storeroom", now=context.now(), control_number=sent.id or 1),
        encoding="utf-8",
    )
    _print(sent, as_json)
    if not as_json:
        context.err.print(f"written: {out_dir / sent.number}.csv and .850", highlight=False)


@orders_app.command()
def ack(
    file: Annotated[Path, typer.Argument(help="The wholesaler's X12 855.")],
    as_json: JsonOption = False,
) -> None:
    """Record a wholesaler's purchase order acknowledgement (X12 855): lines accepted,
    backordered, rejected or changed; refused, with the segment at fault, when it cannot be
    read, is for another buyer, or comes from another sender (ISA06) than the EDI id on file
    for the order's wholesaler."""
    user = context.user(Permission.PURCHASE)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RxSupplyError(f"{file}: cannot read it ({exc})") from exc
    try:
        answer = read_855(text)
    except InvalidValue as exc:
        raise RxSupplyError(f"{file}: {exc}") from exc
    with SqlUnitOfWork(context.engine()) as uow:
        done, warnings = acknowledge_order(
            uow, ack=answer, user=user, clock=context.clock(), source=str(file)
        )
    if as_json:
        sys.stdout.write(json.dumps({**done.as_dict(), "warnings": warnings}, indent=1) + "\n")
        return
    _print(done, as_json)
    for w in warnings:
        context.err.print(f"[yellow]warning:[/yellow] {escape(w)}", highlight=False)


@orders_app.command()
def receive(
    order: OrderArg,
    scan: Annotated[
        str | None, typer.Option(help="A package's GS1 DataMatrix or human-readable form.")
    ] = None,
    ndc: Annotated[str | None, typer.Option(help="The product (without --scan).")] = None,
    lot: Annotated[str | None, typer.Option(help="Lot (without --scan).")] = None,
    expiry: Annotated[str | None, typer.Option(help="Expiry, YYYY-MM-DD (without --scan).")] = None,
    packages: Annotated[int, typer.Option(help="Packages received (a scan is one).")] = 1,
    damaged: Annotated[int, typer.Option(help="Packages damaged on arrival.")] = 0,
    min_shelf_days: Annotated[
        int, typer.Option(help="Less shelf life than this is recorded short expiry.")
    ] = receiving.MIN_SHELF_DAYS,
    asn: Annotated[
        str | None, typer.Option(help="Check against this ship notice (its shipment id).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Receive packages against an order, by scan or by NDC, lot and expiry, into its
    storeroom; prints the order, what the receipt found (over, damaged, short expiry,
    wrong product; with --asn, a lot not as shipped) and each package it put on hold (ON
    HOLD: quarantined, to set apart on the quarantine shelf, with the reason). Refused
    against a draft, cancelled or closed order."""
    user = context.user(Permission.RECEIVE)
    serial = None
    if scan is not None:
        found = parse_scan(scan, today=context.local_today())
        product, lot_text, when, serial = found.gtin, found.lot or "", found.expiry, found.serial
        count = 1
    else:
        if not ndc or not lot:
            raise typer.BadParameter("give --scan, or --ndc and --lot (and --expiry)")
        product, lot_text, count = ndc, lot, packages
        when = parse_date(expiry, "--expiry") if expiry else None
    with SqlUnitOfWork(context.engine()) as uow:
        done, found_issues, held = receiving.receive_against_order(
            uow,
            order=order,
            product=product,
            lot=lot_text,
            expiry=when,
            packages=count,
            serial=serial,
            damaged=damaged,
            min_shelf_days=min_shelf_days,
            ship_notice=asn,
            user=user,
            clock=context.clock(),
            limits=context.limits(),
            partner_policy=load_settings().partner_policy(),
        )
    if as_json:
        answer = {
            **done.as_dict(),
            "found": [d.as_dict() for d in found_issues],
            "held": [h.as_dict() for h in held],
        }
        sys.stdout.write(json.dumps(answer, indent=1) + "\n")
        return
    _print(done, False)
    for d in found_issues:
        context.err.print(f"recorded {d.issue.value}: {escape(d.note)}", highlight=False)
    for h in held:
        context.out.print(f"[bold red]ON HOLD:[/bold red] {escape(h.say())}", highlight=False)


@orders_app.command()
def close(order: OrderArg, as_json: JsonOption = False) -> None:
    """Close a received or partly received order; each line left short is recorded."""
    user = context.user(Permission.PURCHASE)
    with SqlUnitOfWork(context.engine()) as uow:
        done = receiving.close_order(uow, order=order, user=user, clock=context.clock())
    _print(done, as_json)


@orders_app.command("discrepancies")
def receiving_discrepancies(order: OrderArg, as_json: JsonOption = False) -> None:
    """What receiving against an order found, with each resolution."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = receiving.receiving_discrepancies(uow, order=order)
    context.emit([d.as_dict() for d in found], as_json=as_json, title="Receiving discrepancies")


@orders_app.command("resolve")
def resolve_discrepancy(
    discrepancy_id: Annotated[
        int, typer.Argument(min=1, max=RECORD_ID_LIMIT, help="The discrepancy's id.")
    ],
    note: Annotated[str, typer.Option("--note", help="What was done (required).")],
) -> None:
    """Resolve a receiving discrepancy: returned, credit requested, accepted, ..."""
    user = context.user(Permission.PURCHASE)
    with SqlUnitOfWork(context.engine()) as uow:
        receiving.resolve_receiving_discrepancy(
            uow, discrepancy_id=discrepancy_id, resolution=note, user=user, clock=context.clock()
        )
    context.out.print(f"resolved receiving discrepancy {discrepancy_id}", highlight=False)


@orders_app.command()
def cancel(
    order: OrderArg,
    reason: Annotated[str, typer.Option(help="Why (required).")],
    as_json: JsonOption = False,
) -> None:
    """Cancel a draft, or an order sent or acknowledged and not yet received."""
    user = context.user(Permission.PURCHASE)
    with SqlUnitOfWork(context.engine()) as uow:
        done = purchasing.cancel_order(
            uow, order=order, reason=reason, user=user, clock=context.clock()
        )
    _print(done, as_json)
