"""``rxsupply prices best | compliance | prefer``: contract and catalogue prices (the price file is
imported with ``rxsupply import prices FILE``)."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.fields import parse_date
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.services.preferences import prefer_product
from rxsupply.services.pricing import best_prices, contract_compliance

prices_app = typer.Typer(
    help="Prices: each item's best eligible price, and contract compliance.",
    no_args_is_help=True,
)
app.add_typer(prices_app, name="prices")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@prices_app.command()
def best(
    item: Annotated[str | None, typer.Option(help="One item's code.")] = None,
    on: Annotated[str | None, typer.Option(help="The day, YYYY-MM-DD (default today).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Each item's best eligible price per dispense unit: contract prices of the tier the
    hospital holds, else the wholesalers' WAC, across the item's products."""
    day = parse_date(on, "--on") if on else context.local_today()
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = best_prices(uow, on=day, item=item)
    if as_json:
        sys.stdout.write(json.dumps([f.as_dict() for f in found], indent=1) + "\n")
        return
    rows = []
    for f in found:
        b = f.best
        rows.append(
            {
                "item": f.item,
                "name": f.name,
                "ndc": b.ndc if b else "",
                "unit_price": str(b.unit_price) if b else "no price",
                "package_price": str(b.price) if b else "",
                "source": (
                    f"contract {b.contract}" if b.source == "contract" else f"WAC {b.wholesaler}"
                )
                if b
                else "",
                "offers": len(f.offers),
            }
        )
    context.emit(rows, as_json=False, title=f"Best eligible prices on {day.isoformat()}")


@prices_app.command()
def compliance(
    start: Annotated[
        str | None, typer.Option("--from", help="First invoice day (default a year ago).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last invoice day (default today).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Contract compliance over invoice lines: the share of spend at an eligible contract
    price, the money paid above each item's best eligible price, and the off-contract lines."""
    last = parse_date(end, "--to") if end else context.local_today()
    first = parse_date(start, "--from") if start else last - timedelta(days=365)
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        report = contract_compliance(uow, start=first, end=last)
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), indent=1) + "\n")
        return
    share = report.share_on_contract
    context.out.print(
        f"{report.lines:,} invoice lines {first.isoformat()} to {last.isoformat()}: spend "
        f"${report.spend:,.2f}, on contract ${report.contract_spend:,.2f} "
        f"({'n/a' if share is None else f'{share:.1%}'}); left on the table "
        f"${report.left_on_table:,.2f}",
        highlight=False,
    )
    rows = [
        {
            "invoice_date": o.line.invoice_date.isoformat(),
            "invoice": o.line.invoice_number,
            "wholesaler": o.line.wholesaler,
            "item": o.item,
            "ndc": o.line.ndc,
            "packages": o.line.packages,
            "package_price": str(o.line.package_price),
            "above_best": str(o.above_best),
            "reason": escape(o.reason),
        }
        for o in report.off_contract
    ]
    context.emit(rows, as_json=False, title="Off-contract lines")


@prices_app.command()
def prefer(
    item: Annotated[str, typer.Argument(help="The item's code.")],
    ndc: Annotated[str | None, typer.Argument(help="Its product to prefer (NDC or GTIN).")] = None,
    clear: Annotated[bool, typer.Option(help="Prefer none of its products.")] = False,
) -> None:
    """Make one of an item's products the one the suggested orders buy (while it has a price
    and is not backordered), or clear the preference."""
    user = context.user(Permission.PURCHASE)
    if (ndc is None) != clear:
        raise typer.BadParameter("give the NDC to prefer, or --clear")
    with SqlUnitOfWork(context.engine()) as uow:
        done = prefer_product(uow, item=item, product=ndc, user=user, clock=context.clock())
    context.out.print(
        f"{escape(item)}: " + (f"buys {done} first" if done else "no preferred product"),
        highlight=False,
    )
