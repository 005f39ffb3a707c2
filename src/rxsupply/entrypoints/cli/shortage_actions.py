"""``rxsupply shortages reallocate | reduce-par | restrict | limit | actions | revert |
review``: a shortage's conservation and its review (added to the ``shortages`` group)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.conservation import ShortageAction
from rxsupply.domain.reallocation import ReallocationPlan
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.shortages import IdArg, JsonOption, shortages_app
from rxsupply.services import conservation
from rxsupply.services.reallocation import apply_reallocation, propose_reallocation
from rxsupply.services.shortage_review import ShortageReview, review_shortage

ItemOption = Annotated[str, typer.Option("--item", help="The formulary item's code.")]
LocationOption = Annotated[
    str, typer.Option("--location", help="A cabinet, pocket, satellite or storeroom code.")
]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why (kept in the shortage's log).")]


def _dump(value: object) -> None:
    sys.stdout.write(json.dumps(value, indent=1, default=str) + "\n")


def _said(action: ShortageAction) -> None:
    context.out.print(
        f"[green]shortage {action.shortage_id}[/green] action {action.id}: "
        f"{escape(action.summary())}",
        highlight=False,
    )


def _plan(plan: ReallocationPlan) -> None:
    context.out.print(
        f"[bold]reallocation plan {plan.plan_id}[/bold] of {escape(plan.item)} "
        f"(shortage {plan.shortage_id}, use over {plan.history_days} days): "
        f"{plan.units} units in {len(plan.moves)} move(s)",
        highlight=False,
    )
    context.emit([p.as_dict() for p in plan.places], as_json=False, title="Places")
    shown = ("from_pocket", "to_pocket", "units", "lot", "from_days_before", "from_days_after")
    context.emit(
        [
            {k: v for k, v in m.as_dict().items() if k in shown}
            | {"to_days_before": m.to_days_before, "to_days_after": m.to_days_after}
            for m in plan.moves
        ],
        as_json=False,
        title="Moves",
    )


@shortages_app.command()
def reallocate(
    shortage_id: IdArg,
    item: ItemOption,
    floor: Annotated[
        int | None,
        typer.Option(help="Units each source pocket keeps (default: its min level)."),
    ] = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Post the plan's moves (without: only propose).")
    ] = False,
    reason: ReasonOption = "",
    as_json: JsonOption = False,
) -> None:
    """Propose (or, with --apply, carry out) moving an item's stock from low-use cabinet
    pockets to high-use ones, each source keeping its floor."""
    if not apply:
        with SqlUnitOfWork(context.engine(), readonly=True) as uow:
            plan = propose_reallocation(
                uow, shortage_id=shortage_id, item=item, floor=floor, clock=context.clock()
            )
        _dump(plan.as_dict()) if as_json else _plan(plan)
        return
    user = context.user(Permission.TRANSFER)
    with SqlUnitOfWork(context.engine()) as uow:
        done = apply_reallocation(
            uow,
            shortage_id=shortage_id,
            item=item,
            floor=floor,
            reason=reason,
            user=user,
            clock=context.clock(),
        )
    if as_json:
        _dump(done.as_dict())
    elif done.duplicate:
        context.out.print(f"plan {done.plan_id} was applied already: nothing moved")
    elif done.plan is None or not done.plan.moves:
        context.out.print(f"nothing to move: plan {done.plan_id} has no moves")
    else:
        _plan(done.plan)
        context.out.print(
            f"[green]applied[/green]: {done.movements} ledger movement(s), {done.plan.units} units",
            highlight=False,
        )


@shortages_app.command("reduce-par")
def reduce_par(
    shortage_id: IdArg,
    item: ItemOption,
    location: LocationOption,
    max_level: Annotated[int, typer.Option("--max", help="The new max (below the current).")],
    min_level: Annotated[
        int | None, typer.Option("--min", help="The new min (default: kept, at most the max).")
    ] = None,
    reason: ReasonOption = "",
    as_json: JsonOption = False,
) -> None:
    """Lower an item's PAR (max, and min) at a location for the shortage (reversible)."""
    user = context.user(Permission.SET_LEVELS)
    with SqlUnitOfWork(context.engine()) as uow:
        done = conservation.reduce_par(
            uow,
            shortage_id=shortage_id,
            item=item,
            location=location,
            max_level=max_level,
            min_level=min_level,
            reason=reason,
            user=user,
            clock=context.clock(),
        )
    _dump(done.as_dict()) if as_json else _said(done)


@shortages_app.command()
def restrict(
    shortage_id: IdArg,
    item: ItemOption,
    text: Annotated[str, typer.Option("--text", help="Who may use it: 'ICU only'.")],
    areas: Annotated[str, typer.Option(help="The areas allowed, comma-separated: ICU,ED.")] = "",
    reason: ReasonOption = "",
    as_json: JsonOption = False,
) -> None:
    """Restrict an item's use for the shortage (lifted when the shortage is reverted)."""
    user = context.user(Permission.SET_LEVELS)
    with SqlUnitOfWork(context.engine()) as uow:
        done = conservation.restrict_item(
            uow,
            shortage_id=shortage_id,
            item=item,
            text=text,
            areas=areas,
            reason=reason,
            user=user,
            clock=context.clock(),
        )
    _dump(done.as_dict()) if as_json else _said(done)


@shortages_app.command()
def limit(
    shortage_id: IdArg,
    item: ItemOption,
    location: LocationOption,
    per_day: Annotated[int | None, typer.Option(help="At most this many units a day.")] = None,
    per_dispense: Annotated[
        int | None, typer.Option(help="At most this many units in one dispense.")
    ] = None,
    reason: ReasonOption = "",
    as_json: JsonOption = False,
) -> None:
    """Limit an item's allocation at a location for the shortage: dispenses entered here or
    through the API beyond it are refused (a cabinet's reports are recorded, with a
    warning)."""
    user = context.user(Permission.SET_LEVELS)
    with SqlUnitOfWork(context.engine()) as uow:
        done = conservation.limit_allocation(
            uow,
            shortage_id=shortage_id,
            item=item,
            location=location,
            per_day=per_day,
            per_dispense=per_dispense,
            reason=reason,
            user=user,
            clock=context.clock(),
        )
    _dump(done.as_dict()) if as_json else _said(done)


@shortages_app.command()
def actions(shortage_id: IdArg, as_json: JsonOption = False) -> None:
    """The shortage's log: every conservation action, who, when, why and what."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = conservation.list_actions(uow, shortage_id=shortage_id)
    rows = [a.as_dict() for a in found]
    if as_json:
        _dump(rows)
        return
    shown = ("id", "kind", "state", "summary", "reason", "recorded_at", "recorded_by")
    context.emit([{k: r[k] for k in shown} for r in rows], as_json=False, title="Actions")


@shortages_app.command()
def revert(shortage_id: IdArg, reason: ReasonOption = "", as_json: JsonOption = False) -> None:
    """Reverse the shortage's settings in force: PAR levels restored, restrictions and limits
    lifted (reallocated stock stays where it went)."""
    user = context.user(Permission.SET_LEVELS)
    with SqlUnitOfWork(context.engine()) as uow:
        done = conservation.revert_conservation(
            uow, shortage_id=shortage_id, reason=reason, user=user, clock=context.clock()
        )
    if as_json:
        _dump(done.as_dict())
        return
    for action in done.reversals:
        _said(action)
    context.out.print(
        f"{len(done.reversals)} setting(s) reverted; {len(done.kept)} reallocation(s) kept "
        "(stock is not moved back)"
    )


def _review(found: ShortageReview) -> None:
    out = found.as_dict()
    context.out.print(
        f"[bold]shortage {out['shortage']}[/bold] {escape(str(out['generic_name']))}: "
        f"{out['status']}, first posted {out['first_posted'] or '-'}, opened "
        f"{out['opened'] or '-'}, resolved {out['resolved_on'] or '-'} ({out['days']} days); "
        f"spend {out['spend']}, extra spend {out['extra_spend']}; "
        f"{out['settings_in_force']} setting(s) still in force",
        highlight=False,
    )
    context.emit([ln.as_dict() for ln in found.lines], as_json=False, title="Extra spend")
    context.emit(
        [
            {"kind": a.kind.value, "state": a.state.value, "summary": a.summary()}
            | {"by": a.recorded_by, "at": a.recorded_at}
            for a in found.actions
        ],
        as_json=False,
        title="Actions",
    )


@shortages_app.command()
def review(shortage_id: IdArg, as_json: JsonOption = False) -> None:
    """A shortage's review: its dates, the extra spend (above the best eligible price) and the
    actions taken."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        found = review_shortage(uow, shortage_id=shortage_id, clock=context.clock())
    _dump(found.as_dict()) if as_json else _review(found)
