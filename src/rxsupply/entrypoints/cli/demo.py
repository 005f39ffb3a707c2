"""``rxsupply demo``: a demo hospital system to try everything on."""

from __future__ import annotations

import json
import sys
from datetime import datetime, time
from decimal import Decimal
from typing import Annotated

import typer
from rich.table import Table as RichTable
from sqlalchemy import Engine

from rxsupply.adapters import queries
from rxsupply.adapters.database import analyze
from rxsupply.adapters.demo_catalogue import demo_items
from rxsupply.adapters.epcis.writer import ShipmentDocumentWriter
from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.fields import parse_date
from rxsupply.domain.users import Role
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app, engine, err, local_day, out
from rxsupply.entrypoints.kpi import fold
from rxsupply.errors import RxSupplyError
from rxsupply.services import users
from rxsupply.services.demo import build_demo
from rxsupply.services.dscsa.exceptions import list_exceptions


@app.command()
def demo(
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed builds the same hospital.")
    ] = 7,
    facilities: Annotated[int, typer.Option(min=1, max=20, help="Hospitals in the system.")] = 1,
    days: Annotated[int, typer.Option(min=30, max=1500, help="Days of history.")] = 730,
    end: Annotated[
        str | None,
        typer.Option(help="Day after the last day of history (YYYY-MM-DD; default today)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    fold_now: Annotated[
        bool,
        typer.Option(
            "--fold/--no-fold",
            help="Fold the history into the key figures' daily summaries now (with --no-fold "
            "the first dashboard or kpi command does; make demo's server does it as it starts).",
        ),
    ] = True,
) -> None:
    """Build a demo hospital system: formulary, storeroom, satellites, ~30 ADCs per hospital,
    and two years of simulated dispenses, refills and purchases."""
    clock = context.clock()
    if end:
        zone = context.facility_zone()
        clock = FixedClock(datetime.combine(parse_date(end, "end"), time(0), zone), zone)
    user = context.user()
    eng = engine()
    with SqlUnitOfWork(eng, readonly=True) as uow:
        if uow.locations.ids_by_code():
            raise RxSupplyError(
                "this database already has locations; build the demo into a "
                "new database (--db demo.db)"
            )
    with err.status("building the demo hospital") as status:

        def say(stage: str) -> None:
            status.update(f"building the demo hospital: {stage}")

        with SqlUnitOfWork(eng) as uow:
            built = build_demo(
                uow,
                demo_items(),
                clock=clock,
                user=user,
                seed=seed,
                facilities=facilities,
                days=days,
                progress=say,
                documents=ShipmentDocumentWriter(),
            )
        if fold_now:
            say("daily summaries for the key figures")
            fold(eng, zone=clock.zone, always=True)
    analyze(eng)
    logins = _demo_users(eng, user)
    with eng.connect() as conn:
        info = queries.summary(conn)
    info["stockout_pocket_days"] = built.stockout_days
    info["logins"] = [{"username": u, "role": r, "password": DEMO_PASSWORD} for u, r in logins]
    info["pockets"] = built.pockets
    with SqlUnitOfWork(eng, readonly=True) as uow:
        info["dscsa_open_exceptions"] = len(list_exceptions(uow, open_only=True))
    if as_json:
        sys.stdout.write(json.dumps(info, indent=1, default=str) + "\n")
        return
    table = RichTable(title=f"Demo hospital (seed {seed})", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    kinds = info["locations_by_kind"]
    rows = [
        ("items", f"{info['items']:,}"),
        ("products (NDC packages)", f"{info['products']:,}"),
        ("locations", f"{info['locations']:,}"),
        (
            "  facilities / storerooms / satellites",
            f"{kinds.get('facility', 0)} / {kinds.get('storeroom', 0)} / "
            f"{kinds.get('satellite', 0)}",
        ),
        ("  ADCs / pockets", f"{kinds.get('adc', 0)} / {kinds.get('pocket', 0):,}"),
        ("lots", f"{info['lots']:,}"),
        ("on-hand value", f"${Decimal(info['on_hand_value']):,.2f}"),
        ("dispense transactions", f"{info['dispense_transactions']:,}"),
        ("ledger movements", f"{info['movements']:,}"),
        ("purchase invoice lines", f"{info['purchase_lines']:,}"),
        ("pocket-days with a stock-out", f"{built.stockout_days:,}"),
        ("history", f"{local_day(info['first'])} to {local_day(info['last'])}"),
        ("DSCSA receipt exceptions open", f"{info['dscsa_open_exceptions']:,}"),
    ]
    for label, value in rows:
        table.add_row(label, value)
    out.print(table)
    out.print(
        "demo logins (password [bold]"
        + DEMO_PASSWORD
        + "[/bold]): "
        + ", ".join(f"[bold]{u}[/bold] ({r})" for u, r in logins)
    )


DEMO_PASSWORD = "rxsupply-demo"
DEMO_USERS = (
    ("admin", Role.ADMIN, "Avery Admin"),
    ("manager", Role.MANAGER, "Morgan Manager, PharmD"),
    ("buyer", Role.BUYER, "Bailey Buyer"),
    ("tech", Role.TECHNICIAN, "Taylor Tech, CPhT"),
    ("auditor", Role.COMPLIANCE, "Casey Compliance"),
)


def _demo_users(eng: Engine, by: str) -> list[tuple[str, str]]:
    """One login per role for trying the demo (never for a real database)."""
    made = []
    hasher = Argon2Hasher()
    for username, role, name in DEMO_USERS:
        with SqlUnitOfWork(eng) as uow:
            if uow.users.get(username) is None:
                users.add_user(
                    uow,
                    hasher,
                    username=username,
                    display_name=name,
                    role=role,
                    password=DEMO_PASSWORD,
                    now=context.now(),
                    by=by,
                )
        made.append((username, role.value))
    return made
