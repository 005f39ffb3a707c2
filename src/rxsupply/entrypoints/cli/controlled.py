"""``rxsupply controlled perpetual | biennial``: the controlled-substance records."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from rxsupply.adapters.controlled_report import biennial_csv, biennial_html
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.fields import parse_date
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.services import controlled

controlled_app = typer.Typer(
    help="Controlled substances: the perpetual inventory and the biennial inventory.",
    no_args_is_help=True,
)
app.add_typer(controlled_app, name="controlled")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@controlled_app.command()
def perpetual(
    location: Annotated[str, typer.Option(help="A storeroom, or a cabinet (its pockets).")],
    as_json: JsonOption = False,
) -> None:
    """Every movement of a scheduled product at the location, with who, when, and the running
    balance per product."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        rows = controlled.perpetual_inventory(uow, location=location)
    if not as_json:
        rows = [{**r, "at": context.local_time(str(r["at"]))} for r in rows]
    context.emit(
        rows,
        as_json=as_json,
        title=f"Perpetual inventory at {location}",
        columns=(
            "at",
            "location",
            "ndc",
            "schedule",
            "lot",
            "kind",
            "quantity",
            "balance",
            "user",
            "approved_by",
            "note",
        ),
    )


@controlled_app.command()
def biennial(
    day: Annotated[
        str | None, typer.Option("--date", help="The day (YYYY-MM-DD), at its close; today.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write FILE.csv, or FILE.html to print and sign.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Every scheduled product on hand, by schedule and location; Schedule II apart."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        report = controlled.biennial_inventory(
            uow,
            clock=context.clock(),
            registrant=load_settings().dea_registrant,
            on=parse_date(day, "--date") if day else None,
        )
    if out is not None:
        text = biennial_html(report) if out.suffix.lower() in (".html", ".htm") else None
        out.write_text(text or biennial_csv(report), encoding="utf-8")
        rows = len(report["schedule_ii"]) + len(report["other_schedules"])
        context.out.print(f"wrote {rows} rows to {out}", highlight=False)
        return
    if as_json:
        sys.stdout.write(json.dumps(report, indent=1) + "\n")
        return
    context.out.print(
        f"Biennial inventory of {report['date']} ({report['taken_at']}): {report['registrant']}",
        highlight=False,
    )
    columns = ("schedule", "location", "ndc", "name", "strength", "form", "package_size", "units")
    context.emit(report["schedule_ii"], as_json=False, title="Schedule II", columns=columns)
    context.emit(report["other_schedules"], as_json=False, title="Schedules III-V", columns=columns)
