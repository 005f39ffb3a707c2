"""``rxsupply repackage``: unit-dose repackaging with its GS1 DataMatrix label; ``rxsupply
open``: a multi-dose vial opened, with its beyond-use date."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from rxsupply.adapters.labels import label_images
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.repackaging import DEFAULT_BUD_DAYS, MAX_BUD_DAYS, OPENED_BUD_DAYS
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.entrypoints.cli.movements import ExternalOption
from rxsupply.services import opening
from rxsupply.services.repackaging import repackage as repackage_lot


@app.command()
def repackage(
    from_ndc: Annotated[str, typer.Option("--from", help="The bulk product's NDC or GTIN.")],
    lot: Annotated[str, typer.Option(help="The bulk lot.")],
    units: Annotated[int, typer.Option(help="Dispense units repackaged.")],
    to_ndc: Annotated[
        str, typer.Option(help="The repackaged (unit-dose) product's NDC, e.g. a house NDC.")
    ],
    at: Annotated[str, typer.Option(help="Where the repackaging happens (its stock).")],
    bud_days: Annotated[
        int,
        typer.Option(help="Beyond-use days from today (USP <795> nonaqueous default: 180)."),
    ] = DEFAULT_BUD_DAYS,
    to_lot: Annotated[
        str | None, typer.Option(help="The repackaged lot (default RP + local date and time).")
    ] = None,
    serial: Annotated[str | None, typer.Option(help="A serial (21) on the label.")] = None,
    out: Annotated[
        Path, typer.Option(help="Folder for the label: <lot>.png and <lot>.svg.")
    ] = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Repackage units of a bulk lot into a unit-dose lot (expiring on the earlier of the bulk
    lot's expiry and the beyond-use date) and write its GS1 DataMatrix label as PNG and SVG."""
    user = context.user(Permission.TRANSFER)
    with SqlUnitOfWork(context.engine()) as uow:
        done = repackage_lot(
            uow,
            location=at,
            product=from_ndc,
            lot=lot,
            units=units,
            to_product=to_ndc,
            bud_days=bud_days,
            to_lot=to_lot,
            serial=serial,
            user=user,
            clock=context.clock(),
        )
    images = label_images(done.label, title=f"{done.name} ({done.ndc})")
    out.mkdir(parents=True, exist_ok=True)
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in done.label.lot)
    png, svg = out / f"{stem}.png", out / f"{stem}.svg"
    png.write_bytes(images.png)
    svg.write_text(images.svg, encoding="utf-8")
    if as_json:
        shown = {**done.as_dict(), "png": str(png), "svg": str(svg)}
        shown["element_string"] = done.label.element_string.replace("\x1d", "<GS>")
        sys.stdout.write(json.dumps(shown, indent=1) + "\n")
        return
    if done.posted.duplicate:
        context.out.print("[yellow]already recorded; nothing written (label printed again)")
    context.out.print(
        f"[green]repackaged {done.units} units into {done.ndc} lot {done.label.lot}, "
        f"expiring {done.label.expiry.isoformat()}[/green]",
        highlight=False,
    )
    context.out.print(done.label.human_readable, highlight=False, markup=False)
    context.out.print(f"label: {png} {svg}", highlight=False, markup=False)


@app.command(name="open")
def open_package(
    location: Annotated[str, typer.Argument(help="Where the package is opened (its stock).")],
    product: Annotated[str, typer.Argument(help="NDC or GTIN.")],
    lot: Annotated[str, typer.Argument(help="The sealed lot.")],
    units: Annotated[
        int | None, typer.Option(min=1, help="Units in the package (default its package size).")
    ] = None,
    bud_days: Annotated[
        int,
        typer.Option(
            min=1,
            max=MAX_BUD_DAYS,
            help="Beyond-use days from opening (USP <797> multiple-dose container: 28).",
        ),
    ] = OPENED_BUD_DAYS,
    external_id: ExternalOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Open a multi-dose vial (or another package): its units become the opened lot
    (<lot>-O<yymmdd>), expiring on its beyond-use date, never past the lot's expiry."""
    user = context.user(Permission.TRANSFER)
    with SqlUnitOfWork(context.engine()) as uow:
        done = opening.open_package(
            uow,
            location=location,
            product=product,
            lot=lot,
            units=units,
            bud_days=bud_days,
            user=user,
            clock=context.clock(),
            external_id=context.external_id("cli", external_id),
        )
    out = done.as_dict()
    if as_json:
        sys.stdout.write(json.dumps(out, indent=1) + "\n")
        return
    if done.posted.duplicate:
        context.out.print("[yellow]already recorded; nothing written[/yellow]")
        return
    context.out.print(
        f"[green]opened {done.units} units of {done.ndc} lot {done.lot} as lot "
        f"{done.opened_lot}: use by {out['beyond_use_date']}[/green] ({out['why']})",
        highlight=False,
    )
