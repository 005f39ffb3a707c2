"""``rxsupply stock | ledger | check | picklist``: what is on hand, what moved, whether they
agree, and what to pick to restock the cabinets."""

from __future__ import annotations

from typing import Annotated

import typer

from rxsupply.adapters import queries
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.fields import ROWS_LIMIT, parse_date
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app, emit, engine, out
from rxsupply.services import picking
from rxsupply.services.ledger.chain_check import verify_ledger_chain


@app.command()
def stock(
    item: Annotated[str | None, typer.Option(help="Item code.")] = None,
    location: Annotated[
        str | None, typer.Option(help="Location code, any case (includes everything below it).")
    ] = None,
    ndc: Annotated[
        str | None, typer.Option(help="NDC in any form or part of one, or a scanned UPC/GTIN.")
    ] = None,
    search: Annotated[str | None, typer.Option(help="Text in item or product name or NDC.")] = None,
    expiring_before: Annotated[
        str | None, typer.Option(help="Only lots expiring before this date (YYYY-MM-DD).")
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=ROWS_LIMIT, help="At most this many rows.")
    ] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """On-hand by item, location and lot, with value."""
    before = parse_date(expiring_before, "expiring_before") if expiring_before else None
    f = queries.StockFilter(
        item=item, location=location, ndc=ndc, search=search, expiring_before=before, limit=limit
    )
    with engine().connect() as conn:
        rows = queries.stock_rows(conn, f)
    emit(
        rows,
        as_json=as_json,
        title="Stock on hand",
        columns=[
            "item",
            "item_name",
            "location",
            "ndc",
            "lot",
            "expiry",
            "status",
            "quantity",
            "unit",
            "value",
        ],
    )


@app.command(name="ledger")
def ledger_cmd(
    item: Annotated[str | None, typer.Argument(help="Item code.")] = None,
    ndc: Annotated[str | None, typer.Option(help="One NDC instead of an item.")] = None,
    location: Annotated[str | None, typer.Option(help="Only movements in or out of here.")] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=ROWS_LIMIT, help="Newest this many movements.")
    ] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """The movement history of an item (all its products), newest first."""
    if item is None and ndc is None:
        raise typer.BadParameter("give an ITEM code or --ndc")
    with engine().connect() as conn:
        rows = queries.ledger_rows(conn, item=item, ndc=ndc, location=location, limit=limit)
    emit(
        rows,
        as_json=as_json,
        title=f"Ledger of {item or ndc}",
        columns=[
            "occurred_at",
            "kind",
            "quantity",
            "ndc",
            "lot",
            "from_location",
            "to_location",
            "external_id",
            "user",
            "note",
        ],
    )


@app.command()
def check(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """Check that every on-hand equals the sum of its ledger, and that the ledger's chain still
    holds (no movement, audit entry or external id altered, inserted or deleted behind
    rxsupply's back); exit 1 listing any difference or break, the first first."""
    with engine().connect() as conn:
        rows = queries.check_rows(conn)
    with SqlUnitOfWork(engine(), snapshot=True) as uow:
        chain = verify_ledger_chain(uow)
    breaks = [b.as_dict() for b in chain.breaks]
    if as_json:
        emit([*rows, *breaks], as_json=True, title="")
    else:
        if rows:
            emit(rows, as_json=False, title="On-hand differing from the ledger")
        else:
            out.print("[green]ledger check: every on-hand equals its ledger sum[/green]")
        if breaks:
            emit(breaks, as_json=False, title="Ledger chain breaks (the first first)")
        else:
            out.print(
                f"[green]ledger chain: {chain.entries} entries hold, head {chain.head_seq} "
                f"{chain.head_hash}[/green]"
            )
    if rows or breaks:
        raise typer.Exit(1)


@app.command()
def picklist(
    cabinet: Annotated[str | None, typer.Option(help="Only this cabinet's pockets.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """The refill pick list: for each pocket at or below its min, the lots to take from the
    storeroom to bring it to its max (usable stock only, earliest expiry first)."""
    with SqlUnitOfWork(engine(), readonly=True) as uow:
        lines = picking.refill_pick_list(uow, clock=context.clock(), cabinet=cabinet)
    emit(
        [line.as_dict() for line in lines],
        as_json=as_json,
        title="Refill pick list",
        columns=[
            "pocket",
            "item",
            "from_location",
            "ndc",
            "lot",
            "expiry",
            "quantity",
            "short",
            "remove",
        ],
    )
