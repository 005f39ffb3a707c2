"""``rxsupply returns``: return policies, the classification of every lot on hand (``returns
classify``), products' storage, the RCRA list (``returns waste``) and controlled-substance
destruction (``returns destroy``). Batches, memos and aging are in
:mod:`~rxsupply.entrypoints.cli.return_batches`."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.fields import RECORD_ID_LIMIT, ROWS_LIMIT
from rxsupply.domain.users import Permission
from rxsupply.entrypoints.cli import context
from rxsupply.entrypoints.cli.context import app
from rxsupply.services import returns

returns_app = typer.Typer(
    help="Returns: manufacturers' return policies, the returnability and waste stream of every "
    "lot, return batches and credit memos, the RCRA list, Form 41 destructions.",
    no_args_is_help=True,
)
app.add_typer(returns_app, name="returns")
policies_app = typer.Typer(help="Manufacturers' return goods policies.", no_args_is_help=True)
returns_app.add_typer(policies_app, name="policies")
waste_app = typer.Typer(
    help="The RCRA list (40 CFR 261.33 P- and U-listed drugs) the waste streams read.",
    no_args_is_help=True,
)
returns_app.add_typer(waste_app, name="waste")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
SHOWN = ("returnability", "returnable_from", "ndc", "lot", "expiry", "quantity", "location")


@returns_app.command()
def classify(
    ndc: Annotated[str | None, typer.Option(help="Only this product (an NDC).")] = None,
    labeler: Annotated[str | None, typer.Option(help="Only this labeler's lots.")] = None,
    returnability: Annotated[
        str | None, typer.Option(help="Only lots returnable now, later or never.")
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=ROWS_LIMIT, help="Show at most this many lots.")
    ] = 50,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print one object per lot: returnability (now, later, never), "
            "returnable_from, reason, expected_credit, ndc, lot, expiry, location, quantity...",
        ),
    ] = False,
) -> None:
    """Every lot on hand under its labeler's return policy: returnable now, later (from a
    date) or never (and why), with its expected credit and waste stream."""
    if returnability and returnability not in ("now", "later", "never"):
        raise typer.BadParameter("now, later or never", param_hint="--returnability")
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        rows = returns.classify_lots(
            uow,
            today=context.local_today(),
            ndc=ndc,
            labeler=labeler,
            returnability=returnability,
        )
    if as_json:
        sys.stdout.write(json.dumps([r.as_dict() for r in rows], indent=1) + "\n")
        return
    context.emit(returns.classification_totals(rows), as_json=False, title="By returnability")
    shown = (*SHOWN, "expected_credit", "stream", "reason")
    context.emit(
        [{k: r.as_dict()[k] for k in shown} for r in rows[:limit]],
        as_json=False,
        title="Lots, earliest expiry first",
    )
    if len(rows) > limit:
        context.out.print(f"[dim]{len(rows) - limit:,} more lots: --limit or --json[/dim]")


@returns_app.command()
def storage(
    ndc: Annotated[str, typer.Argument(help="The product (an NDC or GTIN).")],
    kind: Annotated[str, typer.Argument(help="room, refrigerated or frozen.")],
) -> None:
    """Mark how a product is stored (refrigerated and frozen products are a category a
    policy may refuse)."""
    user = context.user(Permission.RETURN_TO_VENDOR)
    with SqlUnitOfWork(context.engine()) as uow:
        done = returns.set_product_storage(
            uow, product=ndc, storage=kind, user=user, clock=context.clock()
        )
    context.out.print(f"{done['ndc']}: {done['storage']}")


@policies_app.command("list")
def policies_list(as_json: JsonOption = False) -> None:
    """Every labeler's policy."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        rows = [p.as_dict() for p in returns.list_return_policies(uow)]
    context.emit(rows, as_json=as_json, title="Return policies")


@policies_app.command("set")
def policies_set(
    labeler: Annotated[str, typer.Argument(help="The labeler, as written on its products.")],
    months_before: Annotated[
        int, typer.Option(help="Returnable from this many months before expiry.")
    ],
    months_after: Annotated[
        int, typer.Option(help="Returnable until this many months after expiry.")
    ],
    partial: Annotated[
        str, typer.Option(help="Partial packages: full_only, exact_count or min_fill.")
    ] = "full_only",
    min_fill: Annotated[
        str | None, typer.Option(help="min_fill's share of a package (0.5 or 50%).")
    ] = None,
    excluded: Annotated[
        str,
        typer.Option(help="Categories never taken: refrigerated,repackaged,controlled,hazardous."),
    ] = "",
    credit_share: Annotated[
        str, typer.Option(help="The credit, a share of WAC (0.9 or 90%).")
    ] = "1",
    note: Annotated[str, typer.Option(help="Anything else the policy says.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Add a labeler's return goods policy, or replace it."""
    user = context.user(Permission.RETURN_TO_VENDOR)
    with SqlUnitOfWork(context.engine()) as uow:
        policy = returns.set_return_policy(
            uow,
            labeler=labeler,
            months_before=months_before,
            months_after=months_after,
            partial=partial,
            min_fill=min_fill,
            excluded=excluded,
            credit_share=credit_share,
            note=note,
            user=user,
            clock=context.clock(),
        )
    context.emit([policy.as_dict()], as_json=as_json, title="Return policy")


@policies_app.command("remove")
def policies_remove(labeler: Annotated[str, typer.Argument(help="The labeler.")]) -> None:
    """Remove a labeler's policy (its lots become never returnable)."""
    user = context.user(Permission.RETURN_TO_VENDOR)
    with SqlUnitOfWork(context.engine()) as uow:
        gone = returns.remove_return_policy(uow, labeler=labeler, user=user, clock=context.clock())
    context.out.print(f"removed the policy of {escape(gone.labeler)}")


@waste_app.command("list")
def waste_list(as_json: JsonOption = False) -> None:
    """The RCRA list, by code."""
    with SqlUnitOfWork(context.engine(), readonly=True) as uow:
        rows = [r.as_dict() for r in returns.list_hazardous_listings(uow)]
    context.emit(rows, as_json=as_json, title="RCRA listed drugs (40 CFR 261.33)")


@waste_app.command("add")
def waste_add(
    ingredient: Annotated[str, typer.Argument(help="The active ingredient (warfarin).")],
    code: Annotated[str, typer.Argument(help="Its 40 CFR 261.33 code (P001, U248).")],
    note: Annotated[str, typer.Option(help="The condition or exemption, in words.")] = "",
    exempt_terms: Annotated[
        str, typer.Option(help="Words that exempt a product, separated by ';' (patch;gum).")
    ] = "",
    as_json: JsonOption = False,
) -> None:
    """Add a row to the RCRA list."""
    user = context.user(Permission.RETURN_TO_VENDOR)
    with SqlUnitOfWork(context.engine()) as uow:
        row = returns.add_hazardous_listing(
            uow,
            ingredient=ingredient,
            code=code,
            note=note,
            exempt_terms=exempt_terms,
            user=user,
            clock=context.clock(),
        )
    context.emit([row.as_dict()], as_json=as_json, title="RCRA listing added")


@waste_app.command("change")
def waste_change(
    listing_id: Annotated[
        int, typer.Argument(min=1, max=RECORD_ID_LIMIT, help="The row's id (returns waste list).")
    ],
    ingredient: Annotated[str | None, typer.Option(help="A new ingredient.")] = None,
    code: Annotated[str | None, typer.Option(help="A new code.")] = None,
    note: Annotated[str | None, typer.Option(help="A new note.")] = None,
    exempt_terms: Annotated[str | None, typer.Option(help="New exemption terms.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Change a row of the RCRA list (what is not given is kept)."""
    user = context.user(Permission.RETURN_TO_VENDOR)
    with SqlUnitOfWork(context.engine()) as uow:
        row = returns.change_hazardous_listing(
            uow,
            listing_id=listing_id,
            ingredient=ingredient,
            code=code,
            note=note,
            exempt_terms=exempt_terms,
            user=user,
            clock=context.clock(),
        )
    context.emit([row.as_dict()], as_json=as_json, title="RCRA listing changed")


@waste_app.command("remove")
def waste_remove(
    listing_id: Annotated[
        int, typer.Argument(min=1, max=RECORD_ID_LIMIT, help="The row's id (returns waste list).")
    ],
) -> None:
    """Remove a row of the RCRA list."""
    user = context.user(Permission.RETURN_TO_VENDOR)
    with SqlUnitOfWork(context.engine()) as uow:
        row = returns.remove_hazardous_listing(
            uow, listing_id=listing_id, user=user, clock=context.clock()
        )
    context.out.print(f"removed {row.code} {escape(row.ingredient)}")
