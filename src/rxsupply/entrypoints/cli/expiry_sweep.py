"""``rxsupply expiry sweep | pulls``: the daily sweep of expired stock into quarantine, and the
expired units still on the shelves and in the pockets."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.expiry import expiry_app
from rxsupply.services.expiry_sweep import expired_pulls, sweep_expired

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
SHOWN = ("location", "cabinet", "item", "ndc", "lot", "expiry", "quantity", "value", "how")


@expiry_app.command()
def sweep(as_json: JsonOption = False) -> None:
    """The daily sweep: lots expired today on the shelves (storeroom, bins, satellites) move
    into their facility's quarantine location; those in cabinet pockets go on the next refill
    run's pick list. Running it twice in a day moves nothing twice."""
    user = context.user(Permission.TRANSFER)
    with SqlUnitOfWork(context.engine()) as uow:
        done = sweep_expired(uow, user=user, clock=context.clock()).as_dict()
    if as_json:
        sys.stdout.write(json.dumps(done, indent=1) + "\n")
        return
    for key, what in (
        ("moved", "moved to quarantine"),
        ("pockets", "in pockets, on the refill run"),
        ("stuck", "with no quarantine location"),
    ):
        part = done[key]
        assert isinstance(part, dict)
        context.out.print(
            f"{part['lots']} lot-locations {what}: {part['units']} units, ${part['value']}",
            highlight=False,
        )
    lines = done["lines"]
    assert isinstance(lines, list)
    context.emit(lines, as_json=False, title=f"Expiry sweep {done['day']}", columns=SHOWN)
    refused = done["refused"]
    assert isinstance(refused, list)
    if refused:
        context.emit(refused, as_json=False, title="Refused", columns=(*SHOWN, "reason"))


@expiry_app.command()
def pulls(
    cabinet: Annotated[
        list[str] | None, typer.Option(help="Only the pockets of this cabinet (repeatable).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Expired units still outside quarantine: on the shelves (the sweep moves them) and in
    the pockets (the refill run pulls them), with their value."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = expired_pulls(uow, clock=context.clock(), cabinets=cabinet or ())
    context.emit([p.as_dict() for p in found], as_json=as_json, title="Expired units to pull")
