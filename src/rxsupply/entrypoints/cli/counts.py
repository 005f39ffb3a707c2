"""``rxsupply counts due | start | sheet | enter | add-line | submit | approve | post | cancel |
list | show``: cycle counts, blind, with their variances reviewed and posted through the ledger."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.cell_safety import safe_row
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.counting import Count, CountStatus, VarianceReason
from rxsupply.domain.fields import is_id, parse_date
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.errors import InvalidValue, PermissionDenied
from rxsupply.services import count_plan, count_posting, counts, found_stock

counts_app = typer.Typer(
    help="Cycle counts: what is due, blind count sheets, variances approved and posted.",
    no_args_is_help=True,
)
app.add_typer(counts_app, name="counts")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
CountArg = Annotated[str, typer.Argument(help="The count's number (CC000012) or id.")]
SHEET = ("id", "location", "item", "ndc", "lot", "expiry", "counted")
REVIEW = (
    "id",
    "location",
    "item",
    "ndc",
    "lot",
    "expected",
    "moved_during_count",
    "counted",
    "variance",
    "variance_value",
    "needs_approval",
    "reason",
)


def _print(count: Count, as_json: bool) -> None:
    data = count.as_dict(rules=load_settings().count_rules())
    if as_json:
        sys.stdout.write(json.dumps(data, indent=1, default=str) + "\n")
        return
    extra = ""
    if not count.blind:
        value, sign = count.variance_value, "-" if count.variance_value < 0 else ""
        extra = f", variance {count.variance_units:+,} units {sign}${abs(value):,.2f}"
    people = ", ".join(
        f"{k} {v}"
        for k, v in (
            ("counted by", count.counter),
            ("witness", count.witness),
            ("approved by", count.approved_by),
            ("posted by", count.posted_by),
        )
        if v
    )
    context.out.print(
        f"[bold]{count.number}[/bold] {escape(count.location)}: {count.status.value}"
        + (" (controlled substances)" if count.controlled else "")
        + f", {len(count.lines)} lines{extra}"
        + (f"; {people}" if people else ""),
        highlight=False,
    )
    lines = data["lines"]
    assert isinstance(lines, list)
    context.emit(
        lines,
        as_json=False,
        title=f"{count.number} lines",
        columns=SHEET if count.blind else REVIEW,
    )


@counts_app.command()
def due(
    location: Annotated[str | None, typer.Option(help="Only this location (and pockets).")] = None,
    every: Annotated[bool, typer.Option("--all", help="The whole plan, due or not.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Item-locations due for a count today (or overdue): class, interval, last counted."""
    rules = load_settings().count_rules()
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        scope = counts.count_scope(uow, location)[1] if location else None
        rows = count_plan.count_plan(
            uow, rules=rules, clock=context.clock(), location_ids=scope, only_due=not every
        )
    shown = [{k: v for k, v in r.items() if not k.endswith("_id")} for r in rows]
    if not as_json:
        shown = [{**r, "controlled": "yes" if r["controlled"] else ""} for r in shown]
    context.emit(shown, as_json=as_json, title="Due for a count")


@counts_app.command()
def start(
    location: Annotated[str, typer.Argument(help="A storeroom, or a cabinet (its pockets).")],
    item: Annotated[list[str] | None, typer.Option(help="Only this item (repeat).")] = None,
    due_only: Annotated[
        bool, typer.Option("--due", help="Only the item-locations due today.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Start a count and print its blind sheet."""
    user = context.user(Permission.COUNT)
    with SqlUnitOfWork(context.engine()) as uow:
        found = counts.start_count(
            uow,
            location=location,
            items=item or [],
            due=due_only,
            rules=load_settings().count_rules(),
            user=user,
            clock=context.clock(),
        )
    _print(found, as_json)


@counts_app.command()
def sheet(
    count: CountArg,
    out: Annotated[Path | None, typer.Option(help="Write the sheet as CSV.")] = None,
) -> None:
    """The count sheet to count from (no expected quantities while the count is open)."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = counts.get_count(uow, count)
    if out is None:
        _print(found, False)
        return
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=SHEET, extrasaction="ignore")
        writer.writeheader()
        for ln in found.lines:
            writer.writerow(safe_row(ln.as_dict(blind=True)))
    context.out.print(f"wrote {len(found.lines)} lines to {out}", highlight=False)


def _pairs(values: list[str], what: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for text in values:
        line, sep, value = text.partition("=")
        if not sep or not is_id(line):
            raise InvalidValue(what, "LINE=VALUE, e.g. 12=240", text)
        out[int(line)] = value.strip()
    return out


@counts_app.command()
def enter(
    count: CountArg,
    counted: Annotated[list[str], typer.Argument(help="LINE=QUANTITY, e.g. 12=240.")],
    as_json: JsonOption = False,
) -> None:
    """Enter counted quantities by line id."""
    user = context.user(Permission.COUNT)
    values: dict[int, int] = {}
    for line, text in _pairs(counted, "counted").items():
        values[line] = counts.parse_counted(f"counted-{line}", text)
    with SqlUnitOfWork(context.engine()) as uow:
        found = counts.enter_counts(
            uow, count=count, counted=values, user=user, clock=context.clock()
        )
    _print(found, as_json)


@counts_app.command("add-line")
def add_line(
    count: CountArg,
    location: Annotated[str, typer.Argument(help="Where it was found.")],
    product: Annotated[str, typer.Argument(help="NDC (any form) or GTIN.")],
    lot: Annotated[str, typer.Argument(help="Lot number.")],
    counted: Annotated[int, typer.Argument(help="Units counted.")],
    expiry: Annotated[str | None, typer.Option(help="Expiry (YYYY-MM-DD).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Add a line found that was not on the sheet."""
    user = context.user(Permission.COUNT)
    with SqlUnitOfWork(context.engine()) as uow:
        found = found_stock.add_found_line(
            uow,
            count=count,
            location=location,
            product=product,
            lot=lot,
            expiry=parse_date(expiry, "--expiry") if expiry else None,
            counted=counted,
            user=user,
            clock=context.clock(),
        )
    _print(found, as_json)


@counts_app.command()
def submit(
    count: CountArg,
    witness: Annotated[
        str | None, typer.Option(help="The witness of a controlled count (types a password).")
    ] = None,
    witness_password: Annotated[
        str | None, typer.Option(help="The witness's password (else prompted).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Submit the count (you are the counter); its variances are shown to reviewers."""
    user = context.user(Permission.COUNT)
    second = context.approval(witness, witness_password, doer="counter")
    with SqlUnitOfWork(context.engine()) as uow:
        found = counts.submit_count(
            uow,
            count=count,
            user=user,
            witness=second.username if second else None,
            clock=context.clock(),
        )
    _print(found, as_json)


@counts_app.command()
def approve(count: CountArg, as_json: JsonOption = False) -> None:
    """Approve a submitted count's variances (a manager, not the counter)."""
    user = context.user(Permission.ADJUST)
    with SqlUnitOfWork(context.engine()) as uow:
        found = count_posting.approve_count(uow, count=count, user=user, clock=context.clock())
    _print(found, as_json)


@counts_app.command("post")
def post_cmd(
    count: CountArg,
    reason: Annotated[
        VarianceReason | None, typer.Option(help="The reason code of every variance.")
    ] = None,
    line_reason: Annotated[
        list[str] | None, typer.Option(help="LINE=REASON for one line (repeat).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Post the variances through the ledger (count_variance movements), once."""
    user = context.user(Permission.ADJUST)
    settings = load_settings()
    with SqlUnitOfWork(context.engine()) as uow:
        found = count_posting.post_count(
            uow,
            count=count,
            reason=reason.value if reason else None,
            reasons=_pairs(line_reason or [], "line-reason"),
            rules=settings.count_rules(),
            limits=settings.limits(),
            user=user,
            clock=context.clock(),
        )
    _print(found, as_json)


@counts_app.command()
def cancel(
    count: CountArg,
    reason: Annotated[str, typer.Option(help="Why the count is given up (audited).")],
    as_json: JsonOption = False,
) -> None:
    """Cancel a count not posted: nothing posts, and its stock may be counted again (start a
    new count). A submitted or approved count is cancelled by a manager."""
    try:
        user, manager = context.user(Permission.ADJUST), True
    except PermissionDenied:
        user, manager = context.user(Permission.COUNT), False
    with SqlUnitOfWork(context.engine()) as uow:
        found = count_posting.cancel_count(
            uow, count=count, reason=reason, manager=manager, user=user, clock=context.clock()
        )
    _print(found, as_json)


@counts_app.command("list")
def list_cmd(
    status: Annotated[CountStatus | None, typer.Option(help="Only counts in this state.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Counts, newest first."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = counts.list_counts(uow, status=status)
    context.emit([c.as_dict(lines=False) for c in found], as_json=as_json, title="Counts")


@counts_app.command()
def show(count: CountArg, as_json: JsonOption = False) -> None:
    """One count: its blind sheet while open, then its variances."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = counts.get_count(uow, count)
    _print(found, as_json)
