"""``rxsupply dscsa inspect FILE``: what an EPCIS document holds, read without a database.

The ``--json`` output is a contract other tools read (see :mod:`rxsupply.adapters.epcis`):
``epcis_version``, ``events``, ``contents``, ``shipped`` and the extra ``transaction``. An
invalid or unsafe document exits 1 with the reason.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from rxsupply.adapters.epcis import DEFAULT_MAX_BYTES, EpcisDocument, read_epcis, schema_folder
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app

dscsa_app = typer.Typer(
    help="DSCSA traceability: EPCIS documents, transaction information and statements.",
    no_args_is_help=True,
)
app.add_typer(dscsa_app, name="dscsa")


@dscsa_app.command()
def inspect(
    file: Annotated[Path, typer.Argument(help="An EPCIS 1.2/2.0 XML or 2.0 JSON-LD document.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    schemas: Annotated[
        Path | None,
        typer.Option(
            help="A folder with GS1's EPCIS schemas (xsd-1.2/, xsd-2.0/, "
            "EPCIS-JSON-Schema.json) to validate against first (default "
            "RXSUPPLY_EPCIS_SCHEMAS; without it only rxsupply's own rules apply)."
        ),
    ] = None,
    max_bytes: Annotated[
        int, typer.Option(help="Refuse a document larger than this many bytes.")
    ] = DEFAULT_MAX_BYTES,
) -> None:
    """Read an EPCIS document (no database) and print its events, what each container holds
    at the end, what was shipped, and the DSCSA transaction information and statement."""
    document = read_epcis(file, schemas=schema_folder(schemas), max_bytes=max_bytes)
    if as_json:
        sys.stdout.write(json.dumps(document.as_dict(), indent=1) + "\n")
        return
    _summary(file, document)


def _summary(file: Path, document: EpcisDocument) -> None:
    kinds = Counter(
        (event.type, event.action or "", event.biz_step or "") for event in document.events
    )
    context.emit(
        [
            {"type": kind, "action": action, "biz_step": step, "events": count}
            for (kind, action, step), count in kinds.items()
        ],
        as_json=False,
        title=f"{file.name}: EPCIS {document.epcis_version}, {len(document.events)} events",
    )
    units = len({unit for leaves in document.contents.values() for unit in leaves})
    context.out.print(
        f"{len(document.contents)} containers holding {units} distinct units at the end; "
        f"{len(document.shipped)} units shipped",
        highlight=False,
    )
    found = document.transaction
    products = found.get("products")
    if isinstance(products, list) and products:
        context.emit(
            [{**p, "lots": ", ".join(p["lots"])} for p in products],
            as_json=False,
            title=f"Transaction {found['transaction_date']}",
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
