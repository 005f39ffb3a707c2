"""``rxsupply dscsa import-epcis FILE | documents | document ID``: EPCIS documents recorded as
DSCSA transaction records (their transaction information and statement, the package
identifiers they ship, their events), and reading them back.

An invalid or unsafe document exits 1 with the reason and nothing is written; the same file
imported twice is recorded once."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.epcis import DEFAULT_MAX_BYTES, read_epcis, schema_folder
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.domain.fields import RECORD_ID_LIMIT
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.dscsa import dscsa_app
from rxsupply.services.dscsa import documents as queries
from rxsupply.services.dscsa.documents import DocumentView
from rxsupply.services.dscsa.importing import import_epcis

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes (read in 1 MiB chunks)."""
    found = hashlib.sha256()
    with path.open("rb") as raw:
        while chunk := raw.read(1 << 20):
            found.update(chunk)
    return found.hexdigest()


@dscsa_app.command("import-epcis")
def import_file(
    file: Annotated[Path, typer.Argument(help="An EPCIS 1.2/2.0 XML or 2.0 JSON-LD document.")],
    order: Annotated[
        str | None, typer.Option(help="The purchase order number the shipment fills.")
    ] = None,
    facility: Annotated[
        str | None, typer.Option(help="The receiving facility's code (the only one if unset).")
    ] = None,
    schemas: Annotated[
        Path | None,
        typer.Option(
            help="A folder with GS1's EPCIS schemas to validate against first (default "
            "RXSUPPLY_EPCIS_SCHEMAS; without it only rxsupply's own rules apply)."
        ),
    ] = None,
    max_bytes: Annotated[
        int, typer.Option(help="Refuse a document larger than this many bytes.")
    ] = DEFAULT_MAX_BYTES,
    as_json: JsonOption = False,
) -> None:
    """Record an EPCIS document as a DSCSA transaction record: its transaction information
    and statement, the package identifiers it ships (lot, expiry, container, product) and its
    events, chained in the facility's records."""
    user = context.user(Permission.RECEIVE)
    document = read_epcis(file, schemas=schema_folder(schemas), max_bytes=max_bytes)
    sha256 = file_sha256(file)
    clock = context.clock()
    imported = run_with_retry(
        context.engine(),
        lambda uow: import_epcis(
            uow,
            document=document,
            file_name=file.name,
            sha256=sha256,
            facility=facility,
            order=order,
            user=user,
            clock=clock,
        ),
    )
    if as_json:
        sys.stdout.write(json.dumps(imported.as_dict(), indent=1) + "\n")
        return
    if imported.already_imported:
        unlinked = ""
        if order and (imported.order_number or "").casefold() != order.strip().casefold():
            recorded = imported.order_number or "no order"
            unlinked = (
                f"; it is recorded for {escape(recorded)}, and a record is never changed: "
                f"order {escape(order.strip())} is not linked to it"
            )
        context.out.print(
            f"[yellow]already recorded as document {imported.id} "
            f"({escape(imported.file_name)}): nothing written{unlinked}[/yellow]",
            highlight=False,
        )
        return
    context.out.print(
        f"recorded document {imported.id}: {imported.package_count} packages, "
        f"{imported.event_count} events from {escape(imported.seller or 'an unnamed seller')}"
        + (f" for order {escape(imported.order_number)}" if imported.order_number else ""),
        highlight=False,
    )


@dscsa_app.command("documents")
def list_documents(
    order: Annotated[str | None, typer.Option(help="Only those of this purchase order.")] = None,
    as_json: JsonOption = False,
) -> None:
    """The imported EPCIS documents (transaction records), newest first."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = queries.list_documents(uow, order=order)
    rows = [queries.summary(d) for d in found]
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=1) + "\n")
        return
    context.emit(
        rows,
        as_json=False,
        title="DSCSA transaction records",
        columns=(
            "id",
            "file_name",
            "seller",
            "transaction_date",
            "order_number",
            "package_count",
            "event_count",
            "statement_affirmed",
        ),
    )


@dscsa_app.command("document")
def show_document(
    document_id: Annotated[
        int, typer.Argument(min=1, max=RECORD_ID_LIMIT, help="The document's id (dscsa documents).")
    ],
    as_json: JsonOption = False,
) -> None:
    """One document: its transaction information per product, its statement, its packages
    by lot."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = queries.show_document(uow, document_id=document_id)
    if as_json:
        sys.stdout.write(json.dumps(found.as_dict(), indent=1) + "\n")
        return
    _show(found)


def _show(found: DocumentView) -> None:
    d = found.document
    tx = found.transaction
    context.out.print(
        f"document {d.id}: {escape(d.file_name)} (EPCIS {d.epcis_version}), "
        f"imported {d.imported_at:%Y-%m-%d %H:%M} UTC by {escape(d.imported_by)}",
        highlight=False,
    )
    context.out.print(
        f"seller {escape(d.seller or '?')}, buyer {escape(d.buyer or '?')}; transaction "
        f"{d.transaction_date or '?'}, shipped {d.shipment_date or '?'}"
        + (f"; order {escape(d.order_number)}" if d.order_number else ""),
        highlight=False,
    )
    products = tx.get("products")
    context.emit(
        [
            {**p, "lots": ", ".join(p.get("lots") or [])}
            for p in (products if isinstance(products, list) else [])
        ],
        as_json=False,
        title="Transaction information",
        columns=(
            "product_name",
            "strength",
            "dosage_form",
            "ndc",
            "container_size",
            "number_of_containers",
            "lots",
        ),
    )
    statement = tx.get("statement")
    affirmed = isinstance(statement, dict) and statement.get("affirmed")
    notice = statement.get("legal_notice") if isinstance(statement, dict) else None
    context.out.print(
        f"transaction statement: {'affirmed' if affirmed else '[red]not affirmed[/red]'}"
        + (f" ({escape(str(notice))})" if notice else ""),
        highlight=False,
    )
    context.emit(
        [g.as_dict() for g in found.package_groups],
        as_json=False,
        title=f"{d.package_count} packages by lot",
    )
