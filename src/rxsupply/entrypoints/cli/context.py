"""What every command of the ``rxsupply`` command line shares: the Typer app and its ``--db``
option, the database engine, the consoles and the table printer, and the clock.

Commands read the clock through this module at call time (``context.now()``, never
``from ... import now``), so a test pins it in one place: ``monkeypatch.setattr(context, "now",
...)`` fixes every command's time, and with it :func:`local_today`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table as RichTable
from sqlalchemy import Engine

from rxsupply.adapters.database import make_engine, migrate
from rxsupply.adapters.passwords import Argon2Hasher
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.config import load_settings
from rxsupply.domain.clock import Clock
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.limits import Approval, LedgerLimits
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock as system_clock
from rxsupply.errors import PermissionDenied, RxSupplyError
from rxsupply.services import ledger, sign_in, users
from rxsupply.services.ledger import Command, Posted

app = typer.Typer(
    name="rxsupply",
    help="Hospital pharmacy supply chain and inventory: the ledger, imports, scans and queries.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output is not squeezed into 80 columns: a file or a pager gets whole rows.
out = Console(width=None if sys.stdout.isatty() else 200)
# Errors to a file or a pipe stay on one line each (no word cut in two), for logs and scripts.
err = Console(stderr=True, soft_wrap=not sys.stderr.isatty())


# --- the clock ---------------------------------------------------------------------------


def now() -> datetime:
    """The current time, timezone-aware UTC (:func:`rxsupply.entrypoints.clock.now`)."""
    return system_clock.now()


def facility_zone() -> ZoneInfo:
    """The facility's time zone (``RXSUPPLY_TIMEZONE``)."""
    return system_clock.facility_zone()


def local_today() -> date:
    """The facility's calendar day at :func:`now`."""
    return now().astimezone(facility_zone()).date()


@dataclass(frozen=True, slots=True)
class _CommandClock:
    """The clock a command passes down: :func:`now` (so a test's patch reaches it) in the
    facility's zone."""

    zone: ZoneInfo

    def now(self) -> datetime:
        return now()

    def today(self) -> date:
        return now().astimezone(self.zone).date()


def clock() -> Clock:
    """The clock a command hands to the use cases it calls."""
    return _CommandClock(facility_zone())


# --- the database ------------------------------------------------------------------------


class State:
    db: str | None = None
    engine: Engine | None = None
    user: str | None = None


state = State()


def database_url(db: str | None) -> str:
    """``--db`` takes a SQLAlchemy URL or a path to a SQLite file."""
    if db is None:
        return load_settings().database_url
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser()}"


def user(needs: Permission | None = None) -> str:
    """Who a command that writes acts as: ``--user``, else ``RXSUPPLY_USER``; required.
    Once the database has users it must be one of them (``rxsupply users list``), allowed
    what the command ``needs``."""
    name = state.user or load_settings().user
    if not name.strip():
        raise RxSupplyError(
            "name who does this: rxsupply --user NAME ... (or set RXSUPPLY_USER); every "
            "change is recorded under its user"
        )
    with SqlUnitOfWork(engine(), readonly=True) as uow:
        return users.acting_user(uow, name, needs)


def limits() -> LedgerLimits:
    """The ledger's limits from the settings (RXSUPPLY_MAX_QUANTITY, ...)."""
    return load_settings().limits()


def engine() -> Engine:
    """The application's engine, the schema migrated first: by the owner
    (:func:`migration_url`) when that is someone else, else by this engine when the schema is
    behind."""
    if state.engine is None:
        url = database_url(state.db)
        state.engine = make_engine(url)
        owner = migration_url()
        if owner == url:
            migrate(state.engine)
        else:
            owner_engine = make_engine(owner)
            try:
                migrate(owner_engine)
            finally:
                owner_engine.dispose()
    return state.engine


def migration_url() -> str:
    """Who migrates: ``RXSUPPLY_MIGRATION_DATABASE_URL``, else the application's URL."""
    return load_settings().migration_database_url or database_url(state.db)


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
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            help="Who does this: every change is recorded under this user "
            "(default RXSUPPLY_USER; once the database has users, one of them).",
        ),
    ] = None,
) -> None:
    state.db = db
    state.engine = None
    state.user = user


# --- printing ----------------------------------------------------------------------------


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
            r = {**r, "occurred_at": local_time(str(r["occurred_at"]))}
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


def local_time(stamp: str) -> str:
    """A UTC ISO timestamp as the facility's local date and time, for tables."""
    return datetime.fromisoformat(stamp).astimezone(facility_zone()).strftime("%Y-%m-%d %H:%M")


def local_day(stamp: str | None) -> str:
    if not stamp:
        return "-"
    return datetime.fromisoformat(stamp).astimezone(facility_zone()).date().isoformat()


# --- writing -----------------------------------------------------------------------------


def approval(
    approver: str | None, password: str | None, *, doer: str = "user doing this"
) -> Approval | None:
    """The second user of a two-person rule: ``--approved-by NAME``, who types their own
    password (prompted when ``--approver-password`` is not given). Naming the user who does
    the command (the ``doer``: the counter of a count) is refused before any password is
    asked for."""
    if not approver:
        return None
    acting = (state.user or load_settings().user).strip()
    if acting and approver.strip() == acting:
        raise PermissionDenied(
            f"the second user must be someone other than the {doer} ({acting}), who signs in "
            "with their own password"
        )
    secret = (
        password
        if password is not None
        else typer.prompt(f"password of {approver} (the second user)", hide_input=True)
    )
    with SqlUnitOfWork(engine()) as uow:  # a wrong password is recorded and counted
        return sign_in.approve(
            uow,
            Argon2Hasher(),
            username=approver,
            password=secret,
            clock=clock(),
            limits=load_settings().sign_in_limits(),
        )


def external_id(source: str, value: str | None) -> ExternalId | None:
    """An id that makes a retry of the command a no-op (``--external-id``)."""
    return ExternalId(source, value) if value else None


def post(command: Command, as_json: bool) -> Posted:
    """Post one command (retried on a deadlock), print what it did, return it."""
    result = run_with_retry(
        engine(),
        lambda uow: ledger.post_one(uow, command, clock=clock(), limits=limits()),
    )
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict(), default=str) + "\n")
    elif result.duplicate:
        out.print("[yellow]already recorded; nothing written[/yellow]")
    elif result.changed:
        for change in result.changed:
            source = change.get("repackaged_from")
            note = change.get("note")
            out.print(
                f"[green]{change.get('lot') or change.get('serial')}: {change['from']} -> "
                f"{change['to']}[/green] ({change.get('units', 0)} units)"
                + (f" repackaged from {source}" if source else "")
                + (f": {note}" if note else "")
            )
    else:
        out.print(f"[green]posted {len(result.movements)} movement(s)[/green]")
    return result
