"""``rxsupply backup PATH`` and ``rxsupply restore PATH``: a consistent copy of the running
database, and a copy brought back (an administrator's actions, in the audit trail)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from rxsupply.adapters.backups import database_copies
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app, database_url, out, state
from rxsupply.services.backups import back_up_database, restore_database


def _release_engine() -> None:
    """Close this command's own connections: a restore must find the database unused."""
    if state.engine is not None:
        state.engine.dispose()
        state.engine = None


@app.command()
def backup(
    path: Annotated[Path, typer.Argument(help="The backup file to write (replaced if there).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print what was backed up as JSON.")
    ] = False,
) -> None:
    """Write a consistent copy of the database while it keeps working (SQLite: its online
    backup; PostgreSQL: pg_dump --format=custom, which must be on PATH)."""
    user = context.user(Permission.MANAGE_USERS)
    _release_engine()
    facts = back_up_database(
        database_copies(database_url(state.db)), target=path, user=user, clock=context.clock()
    )
    if as_json:
        sys.stdout.write(json.dumps({"backup": str(path), **facts.as_dict()}) + "\n")
        return
    out.print(
        f"[green]backed up[/green] to {path} by {user}: revision {facts.revision}, "
        f"{facts.movements:,} movements, {facts.on_hand:,} units on hand"
    )


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="A file written by rxsupply backup.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print what was restored as JSON.")
    ] = False,
) -> None:
    """Replace the database with a backup, all at once. Refused while a server or another
    command has the database open, for a file that is not an rxsupply database, and for one
    made by a newer rxsupply; an older one is upgraded."""
    user = context.user(Permission.MANAGE_USERS)
    _release_engine()
    done = restore_database(
        database_copies(database_url(state.db)), source=path, user=user, clock=context.clock()
    )
    if as_json:
        sys.stdout.write(json.dumps(done.as_dict()) + "\n")
        return
    facts = done.facts
    upgraded = f" (upgraded from {done.upgraded_from})" if done.upgraded_from else ""
    out.print(
        f"[green]restored[/green] {path} by {user}: revision {facts.revision}{upgraded}, "
        f"{facts.movements:,} movements, {facts.on_hand:,} units on hand"
    )
