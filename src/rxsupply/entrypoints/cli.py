"""The ``rxsupply`` command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from sqlalchemy import Engine

from rxsupply.adapters import queries
from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.database import analyze, make_engine, migrate
from rxsupply.adapters.demo_hospital import build_demo
from rxsupply.adapters.fda_ndc import as_products, read_ndc_directory
from rxsupply.adapters.gs1 import parse_scan
from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.config import load_settings
from rxsupply.domain.fields import parse_date
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.users import Role
from rxsupply.entrypoints.clock import facility_zone, local_today, now
from rxsupply.errors import RxSupplyError
from rxsupply.services import imports, ledger, scanning, users

T = TypeVar("T")
app = typer.Typer(
    name="rxsupply",
    help="Hospital pharmacy supply chain and inventory: the ledger, imports, scans and queries.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output is not squeezed into 80 columns: a file or a pager gets whole rows.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)


class State:
    db: str | None = None
    engine: Engine | None = None


state = State()


def database_url(db: str | None) -> str:
    """``--db`` takes a SQLAlchemy URL or a path to a SQLite file."""
    if db is None:
        return load_settings().database_url
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser()}"


def engine() -> Engine:
    if state.engine is None:
        state.engine = make_engine(database_url(state.db))
        migrate(state.engine)
    return state.engine


@app.callback()
def main_options(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database: a SQLAlchemy URL or a SQLite file path "
            "(default RXSUPPLY_DATABASE_URL, else ./rxsupply.db).",
        ),
    ] = None,
) -> None:
    state.db = db
    state.engine = None


def emit(
    rows: Sequence[dict[str, Any]],
    *,
    as_json: bool,
    title: str,
    columns: Sequence[str] | None = None,
) -> None:
    """Print rows as a JSON array of objects, or as a Rich table."""
    if as_json:
        sys.stdout.write(json.dumps(list(rows), indent=1, default=str) + "\n")
        return
    if not rows:
        out.print(f"[dim]{title}: nothing to show[/dim]")
        return
    cols = list(columns or rows[0].keys())
    table = RichTable(title=title, show_lines=False)
    for c in cols:
        numeric = isinstance(rows[0].get(c), int | float) or c in ("value", "quantity")
        table.add_column(
            c,
            justify="right" if numeric else "left",
            no_wrap=c in _NO_WRAP,
            overflow="fold" if c not in _NO_WRAP else "ellipsis",
            min_width=None if c in _NO_WRAP else 12,
        )
    for r in rows:
        if "occurred_at" in r:
            r = {**r, "occurred_at": _local_time(str(r["occurred_at"]))}
        table.add_row(*("" if r.get(c) is None else _fmt(r.get(c)) for c in cols))
    out.print(table)


_NO_WRAP = frozenset(
    {
        "item",
        "location",
        "ndc",
        "lot",
        "expiry",
        "quantity",
        "value",
        "unit",
        "kind",
        "occurred_at",
        "from_location",
        "to_location",
        "on_hand",
        "ledger",
        "difference",
    }
)


def _fmt(v: object) -> str:
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


# --- queries -----------------------------------------------------------------------------


@app.command()
def stock(
    item: Annotated[str | None, typer.Option(help="Item code.")] = None,
    location: Annotated[
        str | None, typer.Option(help="Location code (includes its pockets).")
    ] = None,
    ndc: Annotated[str | None, typer.Option(help="Hyphenated NDC.")] = None,
    search: Annotated[str | None, typer.Option(help="Text in item or product name or NDC.")] = None,
    expiring_before: Annotated[
        str | None, typer.Option(help="Only lots expiring before this date (YYYY-MM-DD).")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 200,
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
    limit: Annotated[int, typer.Option(help="Newest this many movements.")] = 200,
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
    """Check that every on-hand equals the sum of its ledger; exit 1 listing any difference."""
    with engine().connect() as conn:
        rows = queries.check_rows(conn)
    if as_json:
        emit(rows, as_json=True, title="")
    elif rows:
        emit(rows, as_json=False, title="On-hand differing from the ledger")
    else:
        out.print("[green]ledger check: every on-hand equals its ledger sum[/green]")
    if rows:
        raise typer.Exit(1)


# --- server and users --------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker threads per process.")] = 40,
    processes: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="Server processes (use the machine's cores on PostgreSQL)."
        ),
    ] = 1,
) -> None:
    """Serve the web UI and the REST API (OpenAPI at /docs)."""
    import anyio.to_thread
    import uvicorn

    from rxsupply.entrypoints.api import create_app

    if processes > 1:
        from rxsupply.entrypoints.api.processes import serve_processes

        url = database_url(state.db)
        engine()  # migrate once before the processes start
        err.print(f"rxsupply on http://{host}:{port}  ({processes} processes; API docs at /docs)")
        serve_processes(url, host=host, port=port, processes=processes, threads=workers)
        return

    async def more_threads() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = workers

    web = create_app(engine())
    web.router.on_startup.append(more_threads)
    err.print(f"rxsupply on http://{host}:{port}  (API docs at /docs)")
    uvicorn.run(web, host=host, port=port, log_level="warning")


users_app = typer.Typer(
    help="People and integrations who use the web UI and API.", no_args_is_help=True
)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[Role, typer.Option(help="admin, manager, buyer, technician or compliance.")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    password: Annotated[
        str | None, typer.Option(help="Password (prompted when left out; at least 10 characters).")
    ] = None,
    token: Annotated[
        str | None, typer.Option(help="Also issue an API token with this name (printed once).")
    ] = None,
) -> None:
    """Add a user."""
    secret = password or typer.prompt("password", hide_input=True, confirmation_prompt=True)
    with SqlUnitOfWork(engine()) as uow:
        user = users.add_user(
            uow,
            Argon2Hasher(),
            username=username,
            display_name=name,
            role=role,
            password=secret,
            now=now(),
            by="cli",
        )
    out.print(f"added {user.username} ({user.role.value})")
    if token:
        with SqlUnitOfWork(engine()) as uow:
            issued = users.issue_token(uow, username=user.username, name=token, now=now(), by="cli")
        out.print(f"API token {issued.name}: {issued.token}")


@users_app.command("list")
def users_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List users."""
    with SqlUnitOfWork(engine(), readonly=True) as uow:
        rows = [
            {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role.value,
                "active": u.active,
            }
            for u in uow.users.all()
        ]
    emit(rows, as_json=as_json, title="Users")


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable a user: sessions and API tokens stop working at once."""
    with SqlUnitOfWork(engine()) as uow:
        users.set_active(uow, username=username, active=False, now=now(), by="cli")
    out.print(f"disabled {username}")


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(help="Login name.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "integration",
) -> None:
    """Issue an API token for a user (printed once; only its hash is stored)."""
    with SqlUnitOfWork(engine()) as uow:
        issued = users.issue_token(uow, username=username, name=name, now=now(), by="cli")
    out.print(issued.token)


# --- demo ------------------------------------------------------------------------------


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
) -> None:
    """Build a demo hospital system: formulary, storeroom, satellites, ~30 ADCs per hospital,
    and two years of simulated dispenses, refills and purchases."""
    today = parse_date(end, "end") if end else local_today()
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
                uow, today=today, seed=seed, facilities=facilities, days=days, progress=say
            )
    analyze(eng)
    logins = _demo_users(eng)
    with eng.connect() as conn:
        info = queries.summary(conn)
    info["stockout_pocket_days"] = built.stockout_days
    info["logins"] = [{"username": u, "role": r, "password": DEMO_PASSWORD} for u, r in logins]
    info["pockets"] = built.pockets
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
        ("history", f"{_local_day(info['first'])} to {_local_day(info['last'])}"),
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


def _demo_users(eng: Engine) -> list[tuple[str, str]]:
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
                    now=now(),
                    by="demo",
                )
        made.append((username, role.value))
    return made


def _local_time(stamp: str) -> str:
    """A UTC ISO timestamp as the facility's local date and time, for tables."""
    return datetime.fromisoformat(stamp).astimezone(facility_zone()).strftime("%Y-%m-%d %H:%M")


def _local_day(stamp: str | None) -> str:
    if not stamp:
        return "-"
    return datetime.fromisoformat(stamp).astimezone(facility_zone()).date().isoformat()


# --- scanning ----------------------------------------------------------------------------


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
    identifier = parse_scan(data, today=local_today())
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


# --- imports -----------------------------------------------------------------------------


class ImportKind(StrEnum):
    ITEMS = "items"
    LOCATIONS = "locations"
    STOCK = "stock"
    DISPENSES = "dispenses"
    PURCHASES = "purchases"
    NDC_DIRECTORY = "ndc-directory"
    MIMIC_PRESCRIPTIONS = "mimic-prescriptions"


@app.command(name="import")
def import_cmd(
    kind: Annotated[ImportKind, typer.Argument(help="What the files hold.")],
    files: Annotated[
        list[Path],
        typer.Argument(
            help="CSV files (ndc-directory: product.txt package.txt as FDA publishes them; "
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
    days: Annotated[int, typer.Option(min=1, help="mimic-prescriptions: days replayed.")] = 730,
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
                    now=now(),
                ),
            )
        results.append(result.as_dict())
    else:
        required, optional = imports.COLUMNS[kind.value]
        for path in files:
            table = read_csv_table(path, required=required, optional=optional)
            results.append(_run_import(kind, table, settings.import_error_cap).as_dict())
    if as_json:
        sys.stdout.write(json.dumps(results, indent=1) + "\n")
    else:
        for r in results:
            skipped = ", ".join(f"{v:,} {k}" for k, v in dict(r["skipped"]).items())  # type: ignore[call-overload]
            out.print(
                f"[green]{r['kind']}[/green] {r['file']}: {r['rows']:,} rows, "
                f"{r['written']:,} written" + (f", skipped {skipped}" if skipped else "")
            )


def _import_mimic(
    files: list[Path], out_file: Path | None, start: str | None, days: int, seed: int, as_json: bool
) -> None:
    from rxsupply.adapters.mimic import read_mimic_prescriptions, write_demand

    if len(files) != 1 or out_file is None:
        raise typer.BadParameter("mimic-prescriptions takes one folder and --out FILE")
    first = parse_date(start, "--start") if start else local_today() - timedelta(days=days)
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


def _run_import(kind: ImportKind, table: Any, cap: int) -> imports.ImportResult:
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
            if kind is ImportKind.ITEMS:
                return imports.import_items(uow, table, now=now(), cap=cap)
            if kind is ImportKind.LOCATIONS:
                return imports.import_locations(uow, table, now=now(), cap=cap)
            if kind is ImportKind.STOCK:
                return imports.import_stock(uow, table, now=now(), local=facility_zone(), cap=cap)
            if kind is ImportKind.DISPENSES:
                return imports.import_dispenses(
                    uow, table, now=now(), local=facility_zone(), cap=cap, progress=tick
                )
            return imports.import_purchases(uow, table, now=now(), cap=cap)

        return run_with_retry(engine(), work)


# --- stock movements ---------------------------------------------------------------------


def _posted(result: ledger.Posted, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict()) + "\n")
    elif result.duplicate:
        out.print("[yellow]already recorded; nothing written[/yellow]")
    else:
        out.print(f"[green]posted {len(result.movements)} movement(s)[/green]")


def _write(work: Callable[[SqlUnitOfWork], ledger.Posted], as_json: bool) -> None:
    _posted(run_with_retry(engine(), work), as_json)


@app.command()
def receive(
    location: Annotated[str, typer.Argument(help="Receiving location code.")],
    product: Annotated[str, typer.Argument(help="NDC or GTIN.")],
    lot: Annotated[str, typer.Argument(help="Lot number.")],
    quantity: Annotated[int, typer.Argument(help="Dispense units.")],
    expiry: Annotated[str | None, typer.Option(help="YYYY-MM-DD.")] = None,
    reference: Annotated[str, typer.Option(help="PO or invoice.")] = "",
    external_id: Annotated[str | None, typer.Option(help="Id that makes a retry a no-op.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Receive a lot into a location."""
    exp = parse_date(expiry, "expiry") if expiry else None
    _write(
        lambda uow: ledger.receive(
            uow,
            location=location,
            product=product,
            lot=lot,
            expiry=exp,
            quantity=quantity,
            now=now(),
            today=local_today(),
            reference=reference,
            external_id=external_id,
        ),
        as_json,
    )


@app.command()
def transfer(
    from_location: Annotated[str, typer.Argument(help="From location code.")],
    to_location: Annotated[str, typer.Argument(help="To location code.")],
    quantity: Annotated[int, typer.Argument(help="Dispense units.")],
    item: Annotated[str | None, typer.Option(help="Item code.")] = None,
    product: Annotated[str | None, typer.Option(help="NDC or GTIN.")] = None,
    lot: Annotated[str | None, typer.Option(help="Only this lot (else earliest expiry).")] = None,
    refill: Annotated[bool, typer.Option(help="Record as an ADC refill.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Move stock between locations, earliest expiry first."""
    kind = MovementKind.REFILL if refill else MovementKind.TRANSFER
    _write(
        lambda uow: ledger.transfer(
            uow,
            from_location=from_location,
            to_location=to_location,
            quantity=quantity,
            item=item,
            product=product,
            lot=lot,
            kind=kind,
            now=now(),
        ),
        as_json,
    )


class DispenseKind(StrEnum):
    DISPENSE = "dispense"
    RETURN = "return"
    WASTE = "waste"


@app.command()
def dispense(
    location: Annotated[str, typer.Argument(help="ADC, pocket or satellite code.")],
    quantity: Annotated[int, typer.Argument(help="Dispense units.")],
    item: Annotated[str | None, typer.Option(help="Item code.")] = None,
    product: Annotated[str | None, typer.Option(help="NDC or GTIN.")] = None,
    kind: Annotated[
        DispenseKind, typer.Option(help="dispense, return or waste.")
    ] = DispenseKind.DISPENSE,
    external_id: Annotated[str | None, typer.Option(help="ADC transaction id.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Record a dispense, a patient return or waste."""
    mk = {
        DispenseKind.DISPENSE: MovementKind.DISPENSE,
        DispenseKind.WASTE: MovementKind.WASTE,
        DispenseKind.RETURN: MovementKind.PATIENT_RETURN,
    }[kind]
    ext = f"txn:{external_id}" if external_id else None
    _write(
        lambda uow: ledger.dispense(
            uow,
            location=location,
            quantity=quantity,
            item=item,
            product=product,
            kind=mk,
            now=now(),
            external_id=ext,
        ),
        as_json,
    )


@app.command(context_settings={"ignore_unknown_options": True})
def adjust(
    location: Annotated[str, typer.Argument(help="Location code.")],
    product: Annotated[str, typer.Argument(help="NDC or GTIN.")],
    lot: Annotated[str, typer.Argument(help="Lot number.")],
    quantity: Annotated[int, typer.Argument(help="Signed change in dispense units.")],
    reason: Annotated[str, typer.Option(help="Why (required).")],
    count: Annotated[bool, typer.Option(help="Record as a cycle-count variance.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Correct on-hand of one lot up or down, with a reason."""
    kind = MovementKind.COUNT_VARIANCE if count else MovementKind.ADJUSTMENT
    _write(
        lambda uow: ledger.adjust(
            uow,
            location=location,
            product=product,
            lot=lot,
            quantity=quantity,
            reason=reason,
            kind=kind,
            now=now(),
        ),
        as_json,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: errors print as messages with a non-zero exit, never tracebacks.

    Usage errors exit 2 (click's standalone mode); rxsupply errors exit 1 with the message.
    """
    try:
        app(args=list(argv) if argv is not None else None, standalone_mode=True)
    except RxSupplyError as exc:
        err.print("[red]error:[/red]", escape(str(exc)), highlight=False)
        raise SystemExit(1) from None


# The inventory optimisation commands live in their own module and register on ``app``.
from rxsupply.entrypoints import planning_cli  # noqa: E402, F401
