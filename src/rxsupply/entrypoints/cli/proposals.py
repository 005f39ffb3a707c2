"""``rxsupply proposals``: review proposed levels in batches (summarize, accept or reject the
pending proposals a filter takes), as the PAR review page and the API do."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from rxsupply.domain.levels import ProposalFilter
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app, emit, engine, err
from rxsupply.entrypoints.cli.demand import JsonOption, finish
from rxsupply.entrypoints.http.planning import batch_summary, decide_batch, describe_batch

proposals_app = typer.Typer(
    help="Review proposed levels in batches: summarize, accept or reject by filter.",
    no_args_is_help=True,
)
app.add_typer(proposals_app, name="proposals")

CabinetOption = Annotated[
    str, typer.Option(help="A location's code, any case: it and everything below it.")
]
SearchOption = Annotated[
    str, typer.Option(help="Part of an item's code, name or NDC, or a scanned GTIN.")
]
ClassOption = Annotated[
    str, typer.Option("--abc", help="A, B or C (the last run's class), any case.")
]
KindOption = Annotated[str, typer.Option(help="pocket, storeroom or satellite, any case.")]
ExpectedOption = Annotated[
    int | None,
    typer.Option(
        min=0,
        help="How many proposals you reviewed (from summary): nothing is decided if another "
        "number matches now.",
    ),
]


def _summary_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [{"group": "total", "key": "", **summary["total"]}]
    for group, name in (("by_kind", "kind"), ("by_class", "class"), ("by_cabinet", "cabinet")):
        rows += [{"group": name, "key": key, **v} for key, v in summary[group].items()]
    return rows


SUMMARY_COLUMNS = [
    "group",
    "key",
    "proposals",
    "value_now",
    "value_new",
    "value_change",
    "trips_change",
    "stockout_days_now",
    "stockout_days_new",
]


@proposals_app.command("summary")
def proposals_summary(
    cabinet: CabinetOption = "",
    search: SearchOption = "",
    abc: ClassOption = "",
    kind: KindOption = "",
    as_json: JsonOption = False,
) -> None:
    """What accepting the pending proposals that match would change: average stock value,
    refills or orders a year and stock-out days a year, now and proposed, in total and by
    location kind, class and cabinet."""
    match = ProposalFilter(cabinet=cabinet, item=search, abc=abc, kind=kind)
    summary = batch_summary(engine(), match)
    if as_json:
        emit([summary], as_json=True, title="")
        return
    finish(
        _summary_rows(summary),
        out_file=None,
        as_json=False,
        title=f"{summary['total']['proposals']:,.0f} pending proposals",
        columns=SUMMARY_COLUMNS,
        limit=200,
    )


def _decide_batch(
    accept: bool,
    cabinet: str,
    search: str,
    abc: str,
    kind: str,
    expected: int | None,
    as_json: bool,
) -> None:
    user = context.user(Permission.SET_LEVELS)
    match = ProposalFilter(cabinet=cabinet, item=search, abc=abc, kind=kind)
    result = decide_batch(
        engine(), match, accept=accept, expected=expected, user=user, clock=context.clock()
    )
    if as_json:
        emit([result], as_json=True, title="")
        return
    err.print(describe_batch(result))


@proposals_app.command("accept")
def proposals_accept(
    cabinet: CabinetOption = "",
    search: SearchOption = "",
    abc: ClassOption = "",
    kind: KindOption = "",
    expected: ExpectedOption = None,
    as_json: JsonOption = False,
) -> None:
    """Accept every pending proposal that matches, as one audited action."""
    _decide_batch(True, cabinet, search, abc, kind, expected, as_json)


@proposals_app.command("reject")
def proposals_reject(
    cabinet: CabinetOption = "",
    search: SearchOption = "",
    abc: ClassOption = "",
    kind: KindOption = "",
    expected: ExpectedOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reject every pending proposal that matches, as one audited action."""
    _decide_batch(False, cabinet, search, abc, kind, expected, as_json)
