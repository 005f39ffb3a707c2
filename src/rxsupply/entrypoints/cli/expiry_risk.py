"""``rxsupply expiry risk``: the lots projected to expire before they are used, with the
transfers and PAR reductions that would save them; ``rxsupply expiry transfer-at-risk``
carries out one of those transfers."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.domain.fields import ROWS_LIMIT
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.expiry import expiry_app
from rxsupply.services.expiry_risk import HORIZON, assess_expiry_risk
from rxsupply.services.expiry_transfers import TransferAtRisk, carry_out_transfer


@expiry_app.command()
def risk(
    horizon: Annotated[
        int, typer.Option(min=7, max=1095, help="Project this many days ahead.")
    ] = HORIZON,
    limit: Annotated[
        int, typer.Option(min=1, max=ROWS_LIMIT, help="Show at most this many lots.")
    ] = 30,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print everything as JSON: totals, lots at risk, transfers, PAR reductions, "
            "value at risk by week.",
        ),
    ] = False,
) -> None:
    """Every lot at every location projected earliest expiry first from the item-location's
    forecast (or its recent outflow): the units and dollars that will expire unused, and when;
    transfers to places that will use them in time; PAR reductions of pockets that hold more
    than they use."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = assess_expiry_risk(uow, clock=context.clock(), horizon=horizon)
    if as_json:
        sys.stdout.write(json.dumps(found.as_dict(), indent=1) + "\n")
        return
    totals = found.totals()
    context.out.print(
        f"As of {found.today.isoformat()}, within {horizon} days: {totals['lots_at_risk']:,} "
        f"of {totals['lots_projected']:,} lot-locations will expire with units left, "
        f"{totals['units_at_risk']:,} units worth ${totals['value_at_risk']}; "
        f"{totals['transfers']:,} transfers would save ${totals['value_saved_by_transfers']}."
    )
    context.emit(totals["by_location_kind"], as_json=False, title="At risk by location kind")
    shown = (
        "location",
        "item",
        "ndc",
        "lot",
        "expiry",
        "on_hand",
        "daily_use",
        "demand_source",
        "projected_use",
        "expired_units",
        "expired_value",
    )
    rows = found.rows()
    context.emit(
        [{k: r[k] for k in shown} for r in rows[:limit]],
        as_json=False,
        title="Lots at risk, most value first",
    )
    context.emit(
        [t.as_dict() for t in found.transfers[:limit]],
        as_json=False,
        title="Recommended transfers",
        columns=("item", "lot", "from_location", "to_location", "units", "value_saved", "why"),
    )
    context.emit(
        [p.as_dict() for p in found.par_reductions[:limit]],
        as_json=False,
        title="Recommended PAR reductions",
    )


@expiry_app.command("transfer-at-risk")
def transfer_at_risk(
    product: Annotated[str, typer.Option(help="The lot's NDC (any form) or GTIN.")],
    lot: Annotated[str, typer.Option(help="The lot number.")],
    from_location: Annotated[str, typer.Option("--from", help="Where it would expire.")],
    to_location: Annotated[str, typer.Option("--to", help="Where it will be used.")],
    units: Annotated[int, typer.Option(min=1, help="Units to move.")],
    external_id: Annotated[
        str | None, typer.Option(help="An id that makes a retry a no-op.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was posted as JSON.")] = False,
) -> None:
    """Carry out a recommended transfer (``expiry risk``): move the units of the lot from
    where it would expire to where it will be used, through the ledger."""
    user = context.user(Permission.TRANSFER)
    want = TransferAtRisk(
        product=product, lot=lot, from_location=from_location, to_location=to_location, units=units
    )
    done = run_with_retry(
        context.engine(),
        lambda uow: carry_out_transfer(
            uow,
            transfer=want,
            user=user,
            clock=context.clock(),
            external_id=context.external_id("cli", external_id),
        ),
    )
    if as_json:
        sys.stdout.write(json.dumps(done.as_dict(), default=str) + "\n")
    elif done.duplicate:
        context.out.print("[yellow]already recorded; nothing written[/yellow]")
    else:
        context.out.print(
            f"[green]moved {units} units of lot {lot} from {from_location} to {to_location}[/green]"
        )
