"""``rxsupply scan``: identify a scanned package."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from rxsupply.adapters.gs1 import parse_scan
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app, engine, out
from rxsupply.services import scanning


@app.command()
def scan(
    data: Annotated[
        str,
        typer.Argument(
            help="What the scanner sent: GS1 DataMatrix or GS1-128 "
            "(with or without ]d2 / ]C1, GS separators), the "
            "human-readable (01)..(17)..(10)..(21).. form, or a "
            "GS1 Digital Link URI."
        ),
    ],
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print gtin, ndc, lot, expiry, serial and product as JSON."),
    ] = False,
) -> None:
    """Identify a scanned package: GTIN, NDC, lot, expiry, serial and the product."""
    identifier = parse_scan(data, today=context.local_today())
    with SqlUnitOfWork(engine(), readonly=True) as uow:
        found = scanning.identify(uow, identifier).as_dict()
    if as_json:
        sys.stdout.write(json.dumps(found, indent=1) + "\n")
        return
    product = found["product"]
    assert isinstance(product, dict)
    table = RichTable(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    for label, value in (
        ("product", product["name"]),
        ("NDC", found["ndc"]),
        ("GTIN", found["gtin"]),
        ("lot", found["lot"]),
        ("expiry", found["expiry"]),
        ("serial", found["serial"]),
        ("package", f"{product['package_size']} {product['dispense_unit']}"),
        ("labeler", product["labeler"]),
        ("DEA schedule", product["dea_schedule"] or "-"),
    ):
        table.add_row(label, escape(str(value)))
    out.print(table)
