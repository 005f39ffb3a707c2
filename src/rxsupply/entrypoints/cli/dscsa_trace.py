"""``rxsupply dscsa trace --serial S | --lot L [--ndc N] [--json] [--out DIR]``: where a
serialised package or a lot came from (its transaction records, its receipts with their order
and seller), every move inside the hospital, its status changes, and where and when it was
dispensed. ``--out DIR`` writes the response package: JSON, an EPCIS 1.2 document of our
receiving and dispensing events, and a printable HTML page."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.trace import Trace
from rxsupply.entrypoints import trace_documents
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.dscsa import dscsa_app
from rxsupply.errors import InvalidValue


@dscsa_app.command()
def trace(
    serial: Annotated[
        str | None,
        typer.Option(
            help="A serialised package: 01<GTIN>21<serial>, GTIN:SERIAL (or NDC:SERIAL), or "
            "the serial alone when one package carries it."
        ),
    ] = None,
    lot: Annotated[str | None, typer.Option(help="A lot number.")] = None,
    ndc: Annotated[
        str | None, typer.Option(help="With --lot: the product (NDC or GTIN) of the lot.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write the response package into this folder: the JSON, the EPCIS 1.2 "
            "document and the printable HTML page.",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Trace a serialised package or a lot: transaction records, receipts, moves, status
    changes and dispenses."""
    if (serial is None) == (lot is None):
        raise InvalidValue("trace", "give --serial or --lot (one of them)")
    if ndc is not None and lot is None:
        raise InvalidValue("ndc", "--ndc goes with --lot")
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = trace_documents.run_trace(
            uow, serial=serial, lot=lot, ndc=ndc, clock=context.clock()
        )
    zone = context.facility_zone()
    written: list[Path] = []
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for fmt in trace_documents.FORMATS:
            path = out / trace_documents.file_name(found, fmt)
            path.write_bytes(trace_documents.package_bytes(found, fmt, zone=zone))
            written.append(path)
    if as_json:
        sys.stdout.buffer.write(trace_documents.package_bytes(found, "json", zone=zone))
        return
    _print(found)
    for path in written:
        context.out.print(f"wrote {escape(str(path))}", highlight=False)


def _shown(row: dict[str, object]) -> dict[str, object]:
    """A row for a table: yes/no for booleans, local times for timestamps."""
    out: dict[str, object] = {}
    for key, value in row.items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif key in ("at", "received_at", "imported_at") and isinstance(value, str):
            value = context.local_time(value)
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        out[key] = value
    return out


def _print(found: Trace) -> None:
    data = found.as_dict()
    context.out.print(f"[bold]Trace: {escape(trace_documents.subject(found))}[/bold]")
    for note in found.notes:
        context.out.print(f"[yellow]{escape(note)}[/yellow]", highlight=False)
    if found.package is not None:
        context.emit([_shown(found.package.as_dict())], as_json=False, title="Package")
    context.emit([lot.as_dict() for lot in found.lots], as_json=False, title="Lots")
    context.emit(
        [
            _shown({k: v for k, v in r.as_dict().items() if k != "transaction"})
            for r in found.transaction_records
        ],
        as_json=False,
        title="Transaction records",
    )
    for key, title in (
        ("receipts", "Receipts"),
        ("moves", "Moves"),
        ("status_changes", "Status changes"),
        ("dispenses", "Dispenses"),
    ):
        rows = data[key]
        assert isinstance(rows, list)
        context.emit(
            [_shown(r) for r in rows],
            as_json=False,
            title=title,
        )
