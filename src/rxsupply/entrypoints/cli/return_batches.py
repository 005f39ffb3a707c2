"""``rxsupply returns batch create | list | show | manifest | form-222 | ship | memo |
reconcile``, ``rxsupply returns aging`` and ``rxsupply returns destroy``: return batches from
eligible lots to the credit memo, and controlled-substance destruction on a Form 41 record."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.fields import RECORD_ID_LIMIT, parse_date
from rxsupply.domain.return_batch import ReturnBatch
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.returns import JsonOption, returns_app
from rxsupply.entrypoints.return_documents import manifest_csv, manifest_html
from rxsupply.entrypoints.verification import router_for
from rxsupply.errors import InvalidValue
from rxsupply.services import returns

batch_app = typer.Typer(
    help="Return batches: build from eligible lots, manifest, ship, reconcile the credit memo.",
    no_args_is_help=True,
)
returns_app.add_typer(batch_app, name="batch")
NumberArgument = Annotated[str, typer.Argument(help="The batch's number (returns batch list).")]
LINE_COLUMNS = ("line", "ndc", "lot", "expiry", "quantity", "stream", "expected_credit", "form_222")


def _print(batch: ReturnBatch, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(batch.as_dict(), indent=1) + "\n")
        return
    context.out.print(
        f"[bold]{batch.number}[/bold] {batch.status.value}: {len(batch.lines)} lines, expected "
        f"credit {batch.expected_credit}"
        + (
            f", shipped {context.local_time(batch.shipped_at.isoformat())}"
            if batch.shipped_at
            else ""
        ),
        highlight=False,
    )
    context.emit(
        [{k: x.as_dict()[k] for k in LINE_COLUMNS} for x in batch.lines],
        as_json=False,
        title="Lines",
    )


def _lot(text: str) -> tuple[str, str]:
    ndc, sep, lot = text.partition(":")
    if not sep or not ndc.strip() or not lot.strip():
        raise InvalidValue("lot", "write NDC:LOT, as in 98765-401-02:ON2411A", text)
    return ndc.strip(), lot.strip()


@batch_app.command("create")
def create(
    lot: Annotated[
        list[str] | None,
        typer.Option(help="A lot as NDC:LOT (repeat)."),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every lot eligible today, instead of --lot.")
    ] = False,
    distributor: Annotated[str, typer.Option(help="The reverse distributor.")] = "",
    note: Annotated[str, typer.Option(help="A note on the batch.")] = "",
    as_json: JsonOption = False,
) -> None:
    """A return batch of the lots named, or (--all) of every lot eligible today (returnable
    now, or expired or blocked in quarantine for disposal), each line with its stream and
    credit; units in cabinet pockets stay there (pull them first)."""
    if bool(lot) == every:
        raise InvalidValue("lot", "name the lots (--lot NDC:LOT, repeated) or give --all")
    user = context.user(Permission.RETURN_TO_VENDOR)
    with SqlUnitOfWork(context.engine()) as uow:
        batch = returns.create_return_batch(
            uow,
            lots=None if not lot else [_lot(x) for x in lot],
            distributor=distributor,
            note=note,
            user=user,
            clock=context.clock(),
        )
    _print(batch, as_json)


@batch_app.command("list")
def list_cmd(
    status: Annotated[str | None, typer.Option(help="open or shipped.")] = None,
    as_json: JsonOption = False,
) -> None:
    """The return batches, newest first."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        rows = returns.list_batches(uow, status=status)
    context.emit(
        [
            {k: v for k, v in b.as_dict().items() if k != "lines"} | {"lines": len(b.lines)}
            for b in rows
        ],
        as_json=as_json,
        title="Return batches",
    )


@batch_app.command("show")
def show(number: NumberArgument, as_json: JsonOption = False) -> None:
    """A batch and its lines; a saleable line's packages with their product identifiers."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        batch = returns.find_batch(uow, number)
        ids = returns.batch_identifiers(uow, batch, today=context.clock().today())
    _print(batch, as_json)
    if not as_json and ids:
        context.emit(
            [{"line": line} | p for line, found in ids.items() for p in found],
            as_json=False,
            title="Saleable returns: product identifiers (verified before it ships)",
        )


@batch_app.command("manifest")
def manifest(
    number: NumberArgument,
    stream: Annotated[
        str | None,
        typer.Option(help="creditable, hazardous, non_hazardous or controlled (default all)."),
    ] = None,
    html: Annotated[bool, typer.Option("--html", help="A printable HTML page, not CSV.")] = False,
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """The batch's manifest, per stream: CSV with a header, or a printable HTML page."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        batch = returns.find_batch(uow, number)
    rows = returns.manifest(batch, stream)
    text = (
        manifest_html(batch, rows, stream=stream, today=context.local_today())
        if html
        else manifest_csv(rows)
    )
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        context.out.print(f"wrote {len(rows)} lines to {output}")


@batch_app.command("form-222")
def form_222(
    number: NumberArgument,
    line: Annotated[
        int, typer.Argument(min=1, max=RECORD_ID_LIMIT, help="The Schedule II line's number.")
    ],
    form: Annotated[str, typer.Argument(help="The DEA Form 222 serial or CSOS order number.")],
    as_json: JsonOption = False,
) -> None:
    """Record a Schedule II line's DEA Form 222 number (needed before the batch ships)."""
    user = context.user(Permission.RETURN_TO_VENDOR)
    with SqlUnitOfWork(context.engine()) as uow:
        batch = returns.set_form_222(
            uow, batch=number, line=line, form_222=form, user=user, clock=context.clock()
        )
    _print(batch, as_json)


@batch_app.command("ship")
def ship(
    number: NumberArgument,
    router: Annotated[
        str | None,
        typer.Option(
            help="Verify saleable returns through this verification router (default "
            "RXSUPPLY_VERIFICATION_ROUTER; unset: against what we received only)."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Ship the batch through the ledger (a return to vendor per line and location, once).
    The packages of saleable lines (creditable, in date, lot available) are verified first;
    one that fails holds the batch, each named with why."""
    user = context.user(Permission.RETURN_TO_VENDOR)
    with SqlUnitOfWork(context.engine()) as uow:
        batch = returns.ship_return_batch(
            uow,
            batch=number,
            user=user,
            clock=context.clock(),
            limits=context.limits(),
            router=router_for(router),
        )
    _print(batch, as_json)


def _print_reconciled(done: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(done, indent=1) + "\n")
        return
    totals = done["totals"]
    context.out.print(
        f"[bold]{done['batch']}[/bold]: expected {totals['expected']}, credited "
        f"{totals['credited']}, outstanding {totals['outstanding']}",
        highlight=False,
    )
    context.emit(done["lines"], as_json=False, title="Reconciliation")


@batch_app.command("memo")
def memo(
    number: NumberArgument,
    file: Annotated[Path, typer.Argument(help="The memo's lines: ndc,lot,quantity,credit.")],
    memo_number: Annotated[str, typer.Option(help="The credit memo's number.")],
    memo_date: Annotated[str, typer.Option(help="The memo's date (YYYY-MM-DD).")],
    as_json: JsonOption = False,
) -> None:
    """Enter a credit memo from a CSV file and reconcile it against the batch."""
    user = context.user(Permission.RETURN_TO_VENDOR)
    required, optional = returns.MEMO_COLUMNS
    table = read_csv_table(file, required=required, optional=optional)
    with SqlUnitOfWork(context.engine()) as uow:
        done = returns.import_credit_memo(
            uow,
            table,
            batch=number,
            memo_number=memo_number,
            memo_date=parse_date(memo_date, "memo_date"),
            user=user,
            clock=context.clock(),
        )
    _print_reconciled(done, as_json)


@batch_app.command("reconcile")
def reconcile(number: NumberArgument, as_json: JsonOption = False) -> None:
    """Each line of a shipped batch against its credit memos: matched, short-paid, not
    credited; and credits for lots the batch did not ship."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        done = returns.reconcile_batch(uow, batch=number)
    _print_reconciled(done, as_json)


@returns_app.command()
def aging(as_json: JsonOption = False) -> None:
    """Credit still outstanding, by batch and days since shipped (0-30, 31-60, 61-90, over
    90)."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = returns.credit_aging(uow, clock=context.clock())
    if as_json:
        sys.stdout.write(json.dumps(found, indent=1) + "\n")
        return
    context.emit(found["buckets"], as_json=False, title="Outstanding credit by age")
    context.emit(found["batches"], as_json=False, title="Batches with credit outstanding")


@returns_app.command()
def destroy(
    ndc: Annotated[str, typer.Argument(help="The controlled product (an NDC).")],
    lot: Annotated[str, typer.Argument(help="The lot.")],
    location: Annotated[str, typer.Argument(help="Where the units are (a quarantine shelf).")],
    quantity: Annotated[int, typer.Argument(help="Units destroyed.")],
    method: Annotated[str, typer.Option(help="How it was destroyed (incinerated, ...).")],
    witness: Annotated[
        list[str], typer.Option(help="A witness (twice: two people), who types a password.")
    ],
    note: Annotated[str, typer.Option(help="A note for the record.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Destroy units of a controlled substance on a DEA Form 41 record, with two witnesses
    (each types their own password), and take them out through the ledger."""
    user = context.user(Permission.RETURN_TO_VENDOR)
    signed = [a for a in (context.approval(w, None) for w in witness) if a is not None]
    with SqlUnitOfWork(context.engine()) as uow:
        done = returns.destroy_controlled(
            uow,
            product=ndc,
            lot=lot,
            location=location,
            quantity=quantity,
            method=method,
            witnesses=signed,
            note=note,
            user=user,
            clock=context.clock(),
            limits=context.limits(),
        )
    if as_json:
        sys.stdout.write(json.dumps(done.as_dict(), indent=1) + "\n")
        return
    context.out.print(
        f"[green]{done.number}[/green]: {done.quantity} units of {escape(done.product)} lot "
        f"{escape(done.lot)} destroyed, witnessed by {', '.join(done.witnesses)}"
    )
