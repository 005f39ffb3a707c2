"""The ``rxsupply`` command line: one Typer app, its commands in one module per group.

:mod:`~rxsupply.entrypoints.cli.context` holds what they share (the app, ``--db`` and the
engine, printing, the clock); each other module registers its commands on the app when
imported. The order of the imports below is the order of ``rxsupply --help``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from sqlalchemy.exc import OperationalError

from rxsupply.entrypoints.cli.context import app, err, state
from rxsupply.entrypoints.memory import keep_freed_memory
from rxsupply.errors import RxSupplyError

# isort: off
from rxsupply.entrypoints.cli import queries, server, backups, accounts, database
from rxsupply.entrypoints.cli import demo, scanning, imports, movements
from rxsupply.entrypoints.cli import stock_status
from rxsupply.entrypoints.cli import analysis, planning, proposals
from rxsupply.entrypoints.cli import cabinet, pricing, purchasing
from rxsupply.entrypoints.cli import refills
from rxsupply.entrypoints.cli import shipping, partners
from rxsupply.entrypoints.cli import putaway, transfers, repackaging
from rxsupply.entrypoints.cli import counts, controlled
from rxsupply.entrypoints.cli import kpi
from rxsupply.entrypoints.cli import shortages, shortage_board, shortage_actions
from rxsupply.entrypoints.cli import shortage_alternatives
from rxsupply.entrypoints.cli import expiry, expiry_sweep
from rxsupply.entrypoints.cli import recalls
from rxsupply.entrypoints.cli import expiry_risk
from rxsupply.entrypoints.cli import returns, return_batches
from rxsupply.entrypoints.cli import dscsa, dscsa_import
from rxsupply.entrypoints.cli import dscsa_ledger
from rxsupply.entrypoints.cli import dscsa_cases
from rxsupply.entrypoints.cli import dscsa_verify
from rxsupply.entrypoints.cli import dscsa_reconcile
from rxsupply.entrypoints.cli import dscsa_trace

# isort: on

__all__ = ["app", "main", "state"]
COMMAND_GROUPS = (
    queries,
    server,
    backups,
    accounts,
    database,
    demo,
    scanning,
    imports,
    movements,
    stock_status,
    analysis,
    planning,
    proposals,
    cabinet,
    pricing,
    purchasing,
    refills,
    shipping,
    partners,
    putaway,
    transfers,
    repackaging,
    counts,
    controlled,
    kpi,
    shortages,
    shortage_board,
    shortage_actions,
    shortage_alternatives,
    expiry,
    expiry_sweep,
    recalls,
    expiry_risk,
    returns,
    return_batches,
    dscsa,
    dscsa_import,
    dscsa_ledger,
    dscsa_cases,
    dscsa_verify,
    dscsa_reconcile,
    dscsa_trace,
)
"""The modules that register commands, in the order ``rxsupply --help`` lists them."""


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: errors print as messages with a non-zero exit, never tracebacks.

    Usage errors exit 2 (click's standalone mode); rxsupply errors exit 1 with the message, and
    so does a database that fails under the command (disk full, connection lost).
    """
    keep_freed_memory()  # every command is a batch process (rxsupply.entrypoints.memory)
    try:
        app(args=list(argv) if argv is not None else None, standalone_mode=True)
    except RxSupplyError as exc:
        err.print("[red]error:[/red]", escape(str(exc)), highlight=False)
        raise SystemExit(1) from None
    except OperationalError as exc:
        # The disk filled up, the database server went away: the transaction in progress was
        # rolled back by the database, so the command can simply be run again.
        err.print(
            "[red]error:[/red] the database failed",
            f"({escape(str(exc.orig))});",
            "the transaction in progress was rolled back and nothing of it is kept: fix the "
            "cause (disk space, the database server) and run the command again",
            highlight=False,
        )
        raise SystemExit(1) from None
