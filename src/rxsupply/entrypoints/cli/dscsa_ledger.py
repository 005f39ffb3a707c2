"""``rxsupply dscsa verify-ledger | purge``: the DSCSA records' hash chains checked (exit 1 naming
the breaks), and records past their six-year retention purged (admins only)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.fields import parse_date
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.dscsa import dscsa_app
from rxsupply.services.dscsa.ledger_check import LedgerReport, verify_ledger
from rxsupply.services.dscsa.retention import purge_records

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
SHOWN_BREAKS = 5
"""How many breaks the error message names (the table and --json list them all)."""


@dscsa_app.command("verify-ledger")
def verify_ledger_command(
    facility: Annotated[
        str | None, typer.Option(help="One facility's location code (default: every facility).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Recompute every DSCSA record from its stored rows and check each facility's hash chain:
    exit 0 when intact, 1 naming the entries edited, removed, inserted or unrecorded. Write down
    each facility's head hash: a later check that ends elsewhere means the chain was rewritten."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        report = verify_ledger(uow, facility=facility)
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), indent=1) + "\n")
    else:
        _table(report)
    if not report.ok:
        shown = "; ".join(_named(b) for b in report.breaks[:SHOWN_BREAKS])
        more = len(report.breaks) - SHOWN_BREAKS
        context.err.print(
            f"[red]the DSCSA records were altered:[/red] {escape(shown)}"
            + (f" (and {more} more)" if more > 0 else ""),
            highlight=False,
        )
        raise typer.Exit(1)


def _named(found: dict[str, object]) -> str:
    entry = f"entry {found['seq']}" if found["seq"] else "no entry"
    return (
        f"{found['facility']} {entry} ({found['subject']}): {found['problem']}, {found['reason']}"
    )


def _table(report: LedgerReport) -> None:
    context.emit(
        [
            {
                "facility": f.facility,
                "entries": f.entries,
                "first_seq": f.first_seq,
                "head_seq": f.head_seq,
                "head_hash": f.head_hash,
                "intact": "yes" if f.ok else "NO",
            }
            for f in report.facilities
        ],
        as_json=False,
        title="DSCSA record chains",
    )
    if report.breaks:
        context.emit(
            report.breaks,
            as_json=False,
            title="Breaks",
            columns=("facility", "seq", "kind", "subject", "problem", "reason"),
        )
    elif report.facilities:
        context.out.print(f"[green]intact: {report.entries} records checked[/green]")


@dscsa_app.command()
def purge(
    before: Annotated[
        str, typer.Option(help="Purge records older than this day, YYYY-MM-DD: six years back.")
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Delete DSCSA records past their six-year retention (admins only): whole records
    (documents with their packages and events, suspect cases, exceptions, verifications) and
    the chain entries before the date; the chain is anchored at its first remaining entry and
    still verifies. A record a younger one still needs is kept, and the purge says which. A
    date less than six years back is refused."""
    day = parse_date(before, "--before")
    user = context.user(Permission.PURGE_RECORDS)
    if not yes:
        typer.confirm(f"Delete every DSCSA record from before {day.isoformat()}?", abort=True)
    with SqlUnitOfWork(context.engine()) as uow:
        done = purge_records(uow, before=day, user=user, clock=context.clock())
    if as_json:
        sys.stdout.write(json.dumps(done.as_dict(), indent=1) + "\n")
        return
    context.emit(
        [
            {
                "facility": f.facility,
                "entries": f.entries,
                "rows": ", ".join(f"{k}: {n}" for k, n in f.rows.items()),
                "first_seq": f.anchor.first_seq,
                "first_prev": f.anchor.first_prev,
            }
            for f in done.facilities
        ],
        as_json=False,
        title=f"Purged before {day.isoformat()}",
    )
    for reason in done.held:
        typer.echo(reason)
