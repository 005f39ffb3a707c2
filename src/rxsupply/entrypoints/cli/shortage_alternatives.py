"""``rxsupply shortages alternatives ID`` and ``rxsupply shortages therapeutic add | remove |
list | import``: what may stand in for a short item, and the therapeutic alternatives table."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.config import load_settings
from rxsupply.domain.alternatives import TherapeuticAlternative
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.shortages import shortages_app
from rxsupply.services import therapeutic_alternatives as table_service
from rxsupply.services.alternative_options import ItemAlternatives
from rxsupply.services.alternatives import find_alternatives

therapeutic_app = typer.Typer(
    help="The therapeutic alternatives table: which item may be given instead of which, and "
    "how to convert.",
    no_args_is_help=True,
)
shortages_app.add_typer(therapeutic_app, name="therapeutic")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ItemOption = Annotated[str, typer.Option("--item", help="The item's code.")]
AlternativeOption = Annotated[
    str, typer.Option("--alternative", help="The code of the item that may be given instead.")
]


def _money(price: Any) -> str:
    if not isinstance(price, dict):
        return ""
    return f"{price['unit_price']}/unit ({price['source']})"


def _print_item(found: ItemAlternatives) -> None:
    facts = found.as_dict()
    usual = _money(facts["usual_price"])
    context.out.print(
        f"[bold]{escape(found.item)}[/bold] {escape(found.item_name)} (matched by "
        f"{found.match}): {found.on_hand:,} usable units on hand"
        + (f"; usual price {usual}" if usual else ""),
        highlight=False,
    )
    context.emit(
        [
            {
                "ndc": o.product.ndc,
                "labeler": o.product.labeler,
                "package": o.product.package_description,
                "from": o.found_in,
                "of_item": "yes" if o.of_item else "",
                "short": ", ".join(str(s) for s in o.on_shortage),
                "on_hand": o.on_hand,
                "price": _money(o.best.as_dict() if o.best else None),
                "wholesalers": ", ".join(w.wholesaler for w in o.offered_by),
                "available": "yes" if o.available else "no",
            }
            for o in found.same_product
        ],
        as_json=False,
        title="Same drug, other products",
    )
    context.emit(
        [
            {
                "alternative": o.row.alternative,
                "name": o.row.alternative_name,
                "note": o.row.note,
                "ratio": o.row.ratio,
                "on_hand": o.on_hand,
                "short": ", ".join(str(s) for s in o.on_shortage),
            }
            for o in found.therapeutic
        ],
        as_json=False,
        title="Therapeutic alternatives",
    )
    context.emit(
        [o.as_dict() for o in found.secondary], as_json=False, title="Secondary wholesalers"
    )
    context.emit(
        [
            {
                "option": d.label,
                "ndcs": ", ".join(d.ndcs),
                "available": "yes" if d.available else "no",
            }
            for d in found.direct
        ],
        as_json=False,
        title="Direct purchase",
    )


@shortages_app.command()
def alternatives(
    shortage_id: Annotated[
        int, typer.Argument(help="The shortage's id (rxsupply shortages list).")
    ],
    item: Annotated[
        str | None, typer.Option("--item", help="Only this matched item (its code).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """What may stand in for each item of a shortage: other products of the same drug (the
    catalogue and the NDC Directory) with price and availability, therapeutic alternatives,
    secondary wholesalers and direct purchase."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = find_alternatives(uow, shortage_id=shortage_id, item=item, clock=context.clock())
    if as_json:
        sys.stdout.write(json.dumps(found.as_dict(), indent=1) + "\n")
        return
    context.out.print(
        f"[bold]shortage {found.shortage}[/bold] {escape(found.shortage_name)}: {found.status}",
        highlight=False,
    )
    if not found.items:
        context.out.print("[dim]no formulary item matches this shortage[/dim]")
    for each in found.items:
        _print_item(each)


def _emit(rows: list[TherapeuticAlternative], as_json: bool) -> None:
    shown = ("item", "alternative", "alternative_name", "note", "ratio", "added_by")
    context.emit(
        [r.as_dict() if as_json else {k: r.as_dict()[k] for k in shown} for r in rows],
        as_json=as_json,
        title="Therapeutic alternatives",
    )


@therapeutic_app.command("add")
def add_cmd(
    item: ItemOption,
    alternative: AlternativeOption,
    note: Annotated[
        str, typer.Option(help="How to convert: 'ondansetron 4 mg IV ~ granisetron 1 mg IV'.")
    ],
    ratio: Annotated[
        str | None,
        typer.Option(help="The alternative's dose per unit of the item's dose (0.25)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Record that an item may be given instead of another (again: its note and ratio
    replaced)."""
    user = context.user(Permission.PURCHASE)
    with SqlUnitOfWork(context.engine()) as uow:
        row = table_service.add_therapeutic_alternative(
            uow,
            item=item,
            alternative=alternative,
            note=note,
            ratio=ratio,
            user=user,
            clock=context.clock(),
        )
    _emit([row], as_json)


@therapeutic_app.command("remove")
def remove_cmd(
    item: ItemOption, alternative: AlternativeOption, as_json: JsonOption = False
) -> None:
    """Remove a row of the table."""
    user = context.user(Permission.PURCHASE)
    with SqlUnitOfWork(context.engine()) as uow:
        row = table_service.remove_therapeutic_alternative(
            uow, item=item, alternative=alternative, user=user, clock=context.clock()
        )
    if as_json:
        sys.stdout.write(json.dumps(row.as_dict(), indent=1) + "\n")
    else:
        context.out.print(f"removed {escape(row.item)} -> {escape(row.alternative)}")


@therapeutic_app.command("list")
def list_cmd(
    item: Annotated[str | None, typer.Option("--item", help="Only this item's rows.")] = None,
    as_json: JsonOption = False,
) -> None:
    """The table's rows, by item then alternative."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        rows = table_service.list_therapeutic_alternatives(uow, item=item)
    _emit(rows, as_json)


@therapeutic_app.command("import")
def import_cmd(
    file: Annotated[
        Path,
        typer.Argument(help="A CSV file: item_code, alternative_code, note and optional ratio."),
    ],
    as_json: JsonOption = False,
) -> None:
    """Import rows of the table from a CSV file, checked whole first: a bad row writes
    nothing."""
    user = context.user(Permission.IMPORT)
    required, optional = table_service.THERAPEUTIC_COLUMNS
    table = read_csv_table(file, required=required, optional=optional)
    cap = load_settings().import_error_cap
    result = run_with_retry(
        context.engine(),
        lambda uow: table_service.import_therapeutic_alternatives(
            uow, table, user=user, clock=context.clock(), cap=cap
        ),
    )
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict(), indent=1) + "\n")
    else:
        context.out.print(
            f"[green]therapeutic alternatives[/green] {escape(result.file)}: {result.rows:,} "
            f"rows, {result.written:,} written"
            + "".join(f", {n:,} {why}" for why, n in result.skipped.items()),
            highlight=False,
        )
