"""``rxsupply db ...``: the database itself, run as the tables' owner
(``RXSUPPLY_MIGRATION_DATABASE_URL``, else the application's URL): migrate it, and grant the
role the application connects as."""

from __future__ import annotations

from typing import Annotated

import typer

from rxsupply.adapters.app_role import grant_app_role
from rxsupply.adapters.database import make_engine, migrate
from rxsupply.entrypoints.cli.context import app, migration_url, out

db_app = typer.Typer(
    help="The database: migrations and the application's role.", no_args_is_help=True
)
app.add_typer(db_app, name="db")


@db_app.command("migrate")
def migrate_command() -> None:
    """Bring the schema to the latest migration, as the tables' owner."""
    engine = make_engine(migration_url())
    try:
        migrate(engine)
    finally:
        engine.dispose()
    out.print("[green]database schema up to date[/green]")


@db_app.command("grant-app-role")
def grant_app_role_command(
    role: Annotated[str, typer.Argument(help="The role the application connects as.")],
    password: Annotated[
        str | None,
        typer.Option(
            envvar="RXSUPPLY_APP_ROLE_PASSWORD",
            help="Its login password (or RXSUPPLY_APP_ROLE_PASSWORD); none: left as it is.",
        ),
    ] = None,
) -> None:
    """PostgreSQL: create (or update) the application's role: SELECT and INSERT on the ledger,
    audit, external ids, ledger chain and DSCSA records; SELECT, INSERT, UPDATE, DELETE on the
    rest; no TRUNCATE, no ALTER, no ownership. Run it as the owner after each upgrade."""
    engine = make_engine(migration_url())
    try:
        migrate(engine)
        statements = grant_app_role(engine, role, password=password)
    finally:
        engine.dispose()
    for statement in statements:
        out.print(statement, highlight=False, soft_wrap=True)
