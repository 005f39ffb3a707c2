"""``rxsupply dscsa reconcile ORDER``, ``rxsupply dscsa exceptions`` and ``rxsupply dscsa
exception N contacted|resolve --note ...``: a receipt's scans against its EPCIS documents, and
the exceptions that opens (DSCSA, issue 14 item 3)."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.dscsa_exception import DscsaException
from rxsupply.domain.fields import RECORD_ID_LIMIT
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.dscsa import dscsa_app
from rxsupply.services.dscsa import exceptions as service
from rxsupply.services.dscsa.reconciliation import OrderReconciliation, reconcile_order

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@dscsa_app.command()
def reconcile(
    order: Annotated[str, typer.Argument(help="The purchase order's number (PO000012).")],
    as_json: JsonOption = False,
) -> None:
    """Reconcile what was scanned against an order with what its EPCIS documents ship:
    matched, expected but not scanned, scanned but not expected, data mismatches, and
    unconfirmed (shipped without a lot or expiry: the document's lot_expiry_missing exception
    covers them); each other disagreement opens an exception (once)."""
    user = context.user(Permission.RECEIVE)
    with SqlUnitOfWork(context.engine()) as uow:
        found = reconcile_order(uow, order=order, user=user, clock=context.clock())
    if as_json:
        sys.stdout.write(json.dumps(found.as_dict(), indent=1) + "\n")
        return
    _summary(found)


def _summary(found: OrderReconciliation) -> None:
    out = context.out
    counts = found.result.counts()
    out.print(
        f"order {found.order.number} ({escape(found.order.wholesaler)}, "
        f"{found.order.status.value}): {len(found.documents)} document(s), "
        f"{len(found.scanned)} package(s) scanned",
        highlight=False,
    )
    if not found.documents:
        out.print("[yellow]no EPCIS document for this order yet: nothing to reconcile[/yellow]")
    labels = {
        "matched": "matched",
        "missing": "expected but not scanned",
        "unexpected": "scanned but not expected",
        "mismatched": "data mismatches",
        "unconfirmed": "unconfirmed (the document gives no lot or expiry)",
    }
    for key, label in labels.items():
        out.print(f"{label}: {counts[key]}", highlight=False)
    rows = [
        {"group": labels["missing"], "identifier": p.identifier, "document": p.lot or ""}
        for p in found.result.missing
    ]
    rows += [
        {"group": labels["unexpected"], "identifier": p.identifier, "scanned": p.lot or ""}
        for p in found.result.unexpected
    ]
    rows += [
        {
            "group": f.kind.value.replace("_", " "),
            "identifier": f.identifier,
            "document": f.expected or "",
            "scanned": f.found or "",
        }
        for m in found.result.mismatched
        for f in m.findings
    ]
    rows += [
        {
            "group": "unconfirmed",
            "identifier": u.identifier,
            "document": _data(u.shipped.lot, u.shipped.expiry),
            "scanned": _data(u.scanned.lot, u.scanned.expiry),
        }
        for u in found.result.unconfirmed
    ]
    if rows:
        context.emit(
            rows,
            as_json=False,
            title="Disagreements",
            columns=("group", "identifier", "document", "scanned"),
        )
    out.print(
        f"exceptions opened: {len(found.opened)}, resolved: {len(found.resolved)}; "
        f"open now: {found.as_dict()['open_exceptions']}",
        highlight=False,
    )


def _data(lot: str | None, expiry: date | None) -> str:
    """A package's lot and expiry in one line: ``no lot, expiry 2028-06-30``."""
    return ", ".join(
        (f"lot {lot}" if lot else "no lot", f"expiry {expiry}" if expiry else "no expiry")
    )


def _row(e: DscsaException) -> dict[str, object]:
    last = e.steps[-1] if e.steps else None
    return {
        "id": e.id,
        "order": e.order_number,
        "kind": e.kind.value,
        "identifier": e.identifier,
        "expected": e.expected or "",
        "found": e.found or "",
        "state": e.state.value,
        "last_step": f"{last.user}: {last.note}" if last else "",
    }


@dscsa_app.command("exceptions")
def list_exceptions(
    open_only: Annotated[
        bool, typer.Option("--open", help="Only those not resolved (open, seller contacted).")
    ] = False,
    order: Annotated[str | None, typer.Option(help="Only this order's (its number).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Receipt exceptions (missing, unexpected, lot, expiry or product mismatches), newest
    first, with their state and last step."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = service.list_exceptions(uow, open_only=open_only, order=order)
    if as_json:
        sys.stdout.write(json.dumps([e.as_dict() for e in found], indent=1) + "\n")
        return
    context.emit([_row(e) for e in found], as_json=False, title="DSCSA receipt exceptions")


@dscsa_app.command("exception")
def step(
    exception_id: Annotated[
        int,
        typer.Argument(min=1, max=RECORD_ID_LIMIT, help="The exception's id (dscsa exceptions)."),
    ],
    action: Annotated[str, typer.Argument(help="contacted (the seller was contacted) or resolve.")],
    note: Annotated[
        str, typer.Option(help="What was asked or answered; how it was resolved (required).")
    ] = "",
    as_json: JsonOption = False,
) -> None:
    """Take an exception's next step: the seller contacted, or resolved with a note."""
    user = context.user(Permission.RECEIVE)
    with SqlUnitOfWork(context.engine()) as uow:
        found = service.step_exception(
            uow, exception_id=exception_id, step=action, note=note, user=user, clock=context.clock()
        )
    if as_json:
        sys.stdout.write(json.dumps(found.as_dict(), indent=1) + "\n")
        return
    context.emit(
        [s.as_dict() for s in found.steps],
        as_json=False,
        title=f"Exception {found.id} ({found.kind.value}, {found.identifier}): {found.state.value}",
        columns=("state", "user", "at", "note"),
    )
