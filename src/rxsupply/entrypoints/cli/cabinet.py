"""``rxsupply adc listen | post | send | discrepancies | resolve``: the cabinet interface."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.hl7_cabinet import read_ack
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.discrepancy import DiscrepancyStatus
from rxsupply.domain.fields import RECORD_ID_LIMIT, ROWS_LIMIT
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cabinet_listener import CabinetEndpoint, send, serve
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.errors import RxSupplyError
from rxsupply.services.discrepancies import list_discrepancies, resolve_discrepancy

adc_app = typer.Typer(
    help="The cabinet interface: HL7 v2 messages from the automated dispensing cabinets, and "
    "the discrepancies they leave.",
    no_args_is_help=True,
)
app.add_typer(adc_app, name="adc")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _endpoint() -> CabinetEndpoint:
    return CabinetEndpoint(
        engine=context.engine(),
        clock=context.clock,
        receiver=context.user(Permission.DISPENSE),
        limits=context.limits(),
    )


@adc_app.command()
def listen(
    port: Annotated[int, typer.Option(help="TCP port (2575 is HL7's).")] = 2575,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    workers: Annotated[
        int, typer.Option(help="Messages posted at once (1 for SQLite; more on PostgreSQL).")
    ] = 1,
) -> None:
    """Listen for HL7 v2 messages over MLLP: each is posted through the ledger once (by its
    sender and message control id) and acknowledged AA, or AE/AR with the reason."""
    endpoint = _endpoint()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)

    def ready(bound: int) -> None:
        context.err.print(f"listening for HL7 v2 over MLLP on {host}:{bound}", highlight=False)

    try:
        asyncio.run(serve(endpoint, host=host, port=port, workers=workers, ready=ready))
    except KeyboardInterrupt:
        pass
    finally:
        counts = ", ".join(f"{k} {v}" for k, v in endpoint.counts.items())
        context.err.print(f"stopped; answered {counts}", highlight=False)


def _messages(files: list[Path]) -> list[str]:
    texts: list[str] = []
    for path in files:
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise RxSupplyError(f"{path}: cannot read the message ({exc})") from exc
    return texts


def _report(name: str, reply: str, as_json: bool) -> bool:
    code, control_id, text = read_ack(reply)
    if as_json:
        sys.stdout.write(
            json.dumps({"file": name, "ack": code, "control_id": control_id, "text": text}) + "\n"
        )
    else:
        colour = "green" if code == "AA" else "red"
        context.out.print(
            f"{escape(name)}: [{colour}]{code}[/{colour}] {escape(control_id)} {escape(text)}",
            highlight=False,
        )
    return code == "AA"


@adc_app.command("post")
def post_messages(
    files: Annotated[list[Path], typer.Argument(help="Message files (.hl7), one message each.")],
    as_json: JsonOption = False,
) -> None:
    """Post HL7 v2 message files as the listener would, without a socket; prints each ACK.
    Exits 1 when any message was not accepted."""
    endpoint = _endpoint()
    accepted = True
    for path, text in zip(files, _messages(files), strict=True):
        _, reply = endpoint.answer(text)
        accepted = _report(str(path), reply, as_json) and accepted
    if not accepted:
        raise typer.Exit(1)


@adc_app.command("send")
def send_messages(
    files: Annotated[list[Path], typer.Argument(help="Message files (.hl7), one message each.")],
    port: Annotated[int, typer.Option(help="The listener's port.")] = 2575,
    host: Annotated[str, typer.Option(help="The listener's address.")] = "127.0.0.1",
    as_json: JsonOption = False,
) -> None:
    """Send HL7 v2 message files to a listener over MLLP, as a cabinet does; prints each ACK.
    Exits 1 when any message was not accepted."""
    try:
        replies = asyncio.run(send(_messages(files), host=host, port=port))
    except (OSError, TimeoutError) as exc:
        raise RxSupplyError(f"cannot reach the listener at {host}:{port}: {exc}") from exc
    accepted = True
    for path, reply in zip(files, replies, strict=True):
        accepted = _report(str(path), reply, as_json) and accepted
    if not accepted:
        raise typer.Exit(1)


@adc_app.command()
def discrepancies(
    every: Annotated[bool, typer.Option("--all", help="Resolved ones too.")] = False,
    limit: Annotated[
        int, typer.Option(min=1, max=ROWS_LIMIT, help="At most this many, newest first.")
    ] = 100,
    as_json: JsonOption = False,
) -> None:
    """What the cabinets reported leaving them beyond the usable stock on record: open ones
    (or --all), newest first."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found, total = list_discrepancies(
            uow, status=None if every else DiscrepancyStatus.OPEN, limit=max(1, min(limit, 1000))
        )
    rows = [
        {
            "id": d.id,
            "status": d.status.value,
            "occurred_at": d.occurred_at.isoformat(),
            "location": d.location,
            "what": d.what,
            "kind": d.kind,
            "reported": d.reported,
            "posted": d.posted,
            "missing": d.missing,
            "blocked": d.blocked,
            "reported_by": d.reported_by,
            "resolution": d.resolution,
        }
        for d in found
    ]
    context.emit(rows, as_json=as_json, title=f"Discrepancies ({total} in all)")


@adc_app.command()
def resolve(
    discrepancy_id: Annotated[
        int, typer.Argument(min=1, max=RECORD_ID_LIMIT, help="The discrepancy's id.")
    ],
    note: Annotated[str, typer.Option("--note", help="What was found (required).")],
    as_json: JsonOption = False,
) -> None:
    """Resolve a discrepancy with what was found (correct the stock with a count first)."""
    user = context.user(Permission.ADJUST)
    with SqlUnitOfWork(context.engine()) as uow:
        done = resolve_discrepancy(
            uow, discrepancy_id=discrepancy_id, resolution=note, user=user, clock=context.clock()
        )
    if as_json:
        sys.stdout.write(json.dumps(done.as_dict(), default=str) + "\n")
    else:
        context.out.print(f"resolved: {escape(done.why())}", highlight=False)
