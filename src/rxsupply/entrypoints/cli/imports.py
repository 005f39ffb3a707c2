"""``rxsupply import KIND FILES``: items, locations, stock, dispenses, purchases, the FDA NDC
directory, and MIMIC-III prescriptions replayed into a demand file."""

from __future__ import annotations

import gc
import json
import sys
from dataclasses import asdict
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.fda_ndc import as_products, read_ndc_directory
from rxsupply.adapters.fhir_dispenses import read_fhir_dispenses
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.config import load_settings
from rxsupply.domain.fields import parse_date
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app, engine, err, out
from rxsupply.services import imports
from rxsupply.services.pricing import PRICE_COLUMNS, import_prices


class ImportKind(StrEnum):
    ITEMS = "items"
    LOCATIONS = "locations"
    STOCK = "stock"
    DISPENSES = "dispenses"
    FHIR_DISPENSES = "fhir-dispenses"
    PURCHASES = "purchases"
    PRICES = "prices"
    NDC_DIRECTORY = "ndc-directory"
    MIMIC_PRESCRIPTIONS = "mimic-prescriptions"


@app.command(name="import")
def import_cmd(
    kind: Annotated[ImportKind, typer.Argument(help="What the files hold.")],
    files: Annotated[
        list[Path],
        typer.Argument(
            help="CSV files (ndc-directory: product.txt package.txt as FDA publishes them; "
            "fhir-dispenses: FHIR R4 MedicationDispense as a Bundle, a resource or NDJSON; "
            "mimic-prescriptions: the MIMIC-III folder holding PRESCRIPTIONS.csv)."
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", help="mimic-prescriptions: the demand file to write (.csv/.parquet)."
        ),
    ] = None,
    start: Annotated[
        str | None, typer.Option(help="mimic-prescriptions: first replay day, YYYY-MM-DD.")
    ] = None,
    days: Annotated[
        int, typer.Option(min=1, max=36_500, help="mimic-prescriptions: days replayed.")
    ] = 730,
    seed: Annotated[int, typer.Option(min=0, help="mimic-prescriptions: admission layout.")] = 7,
) -> None:
    """Import files. Each file is validated whole first; nothing is written if any row is bad,
    and importing the same file twice changes nothing.

    ``mimic-prescriptions`` replays the MIMIC-III demo's medication orders (dates are shifted
    per patient, so each admission is laid out from --start) into a demand file for
    ``rxsupply analyze|forecast|plan --demand FILE``."""
    settings = load_settings()
    results: list[dict[str, object]] = []
    if kind is ImportKind.MIMIC_PRESCRIPTIONS:
        _import_mimic(files, out_file, start, days, seed, as_json)
        return
    user = context.user(Permission.IMPORT)
    if kind is ImportKind.NDC_DIRECTORY:
        if len(files) != 2:
            raise typer.BadParameter("ndc-directory takes two files: product.txt package.txt")
        with err.status(f"reading {files[0].name} and {files[1].name}"):
            directory = read_ndc_directory(files[0], files[1])
        products = as_products(directory)
        with err.status(f"writing {len(products):,} products"):
            result = run_with_retry(
                engine(),
                lambda uow: imports.import_products(
                    uow,
                    products,
                    source="fda",
                    file=files[1].name,
                    rows=directory.counts.packages_read,
                    skipped=dict(directory.skipped),
                    now=context.now(),
                    user=user,
                ),
            )
        results.append(result.as_dict())
    elif kind is ImportKind.FHIR_DISPENSES:
        for path in files:
            table = read_fhir_dispenses(path, cap=settings.import_error_cap)
            results.append(
                _run_import(ImportKind.DISPENSES, table, settings.import_error_cap, user).as_dict()
            )
    elif kind is ImportKind.PRICES:
        required, optional = PRICE_COLUMNS
        for path in files:
            table = read_csv_table(path, required=required, optional=optional)

            def work(uow: SqlUnitOfWork, table: Any = table) -> imports.ImportResult:
                return import_prices(
                    uow, table, now=context.now(), user=user, cap=settings.import_error_cap
                )

            results.append(run_with_retry(engine(), work).as_dict())
    else:
        required, optional = imports.COLUMNS[kind.value]
        for path in files:
            table = read_csv_table(path, required=required, optional=optional)
            results.append(_run_import(kind, table, settings.import_error_cap, user).as_dict())
    if as_json:
        sys.stdout.write(json.dumps(results, indent=1) + "\n")
    else:
        for r in results:
            skipped = ", ".join(f"{v:,} {k}" for k, v in dict(r["skipped"]).items())  # type: ignore[call-overload]
            found = r.get("discrepancies")
            out.print(
                f"[green]{r['kind']}[/green] {r['file']}: {r['rows']:,} rows, "
                f"{r['written']:,} written"
                + (f", skipped {skipped}" if skipped else "")
                + (
                    f", {found} discrepancies to resolve (rxsupply adc discrepancies)"
                    if found
                    else ""
                )
            )


def _import_mimic(
    files: list[Path], out_file: Path | None, start: str | None, days: int, seed: int, as_json: bool
) -> None:
    from rxsupply.adapters.mimic import read_mimic_prescriptions, write_demand

    if len(files) != 1 or out_file is None:
        raise typer.BadParameter("mimic-prescriptions takes one folder and --out FILE")
    first = parse_date(start, "--start") if start else context.local_today() - timedelta(days=days)
    frame, summary = read_mimic_prescriptions(files[0], start=first, days=days, seed=seed)
    write_demand(frame, out_file)
    facts = {**asdict(summary), "orders_skipped": summary.orders_skipped, "out": str(out_file)}
    if as_json:
        sys.stdout.write(json.dumps(facts, indent=1, default=str) + "\n")
        return
    out.print(
        f"[green]mimic-prescriptions[/green] {summary.orders_used:,} of {summary.orders_read:,} "
        f"orders from {summary.admissions:,} admissions -> {summary.series:,} series "
        f"({summary.items:,} items), {summary.first_date} to {summary.last_date}, "
        f"written to {out_file}"
    )


def _run_import(kind: ImportKind, table: Any, cap: int, user: str) -> imports.ImportResult:
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=table.rows < 50_000,
    ) as bar:
        task = bar.add_task(f"checking {table.name}", total=table.rows)

        def tick(n: int) -> None:
            bar.advance(task, n)

        def work(uow: SqlUnitOfWork) -> imports.ImportResult:
            now, clock, limits = context.now(), context.clock(), context.limits()
            if kind is ImportKind.ITEMS:
                return imports.import_items(uow, table, now=now, user=user, cap=cap)
            if kind is ImportKind.LOCATIONS:
                return imports.import_locations(uow, table, now=now, user=user, cap=cap)
            if kind is ImportKind.STOCK:
                return imports.import_stock(
                    uow, table, clock=clock, user=user, cap=cap, limits=limits
                )
            if kind is ImportKind.DISPENSES:
                return imports.import_dispenses(
                    uow, table, clock=clock, user=user, cap=cap, limits=limits, progress=tick
                )
            return imports.import_purchases(uow, table, now=now, user=user, cap=cap)

        # An import keeps a million movements alive until it writes them: the cyclic garbage
        # collector would rescan them all again and again (none of them is garbage, and the
        # command ends with the import).
        gc.disable()
        try:
            return run_with_retry(engine(), work)
        finally:
            gc.enable()
