"""The returns pages' forms (the same use cases as ``rxsupply returns ...``): a batch built from
the lots ticked on the workbench, a Schedule II line's Form 222 number, the batch shipped, its
credit memo entered line by line; a labeler's policy set; the RCRA list's rows added, changed
and removed. Each posts back to its page, which shows the outcome.

A double submit writes nothing twice: a lot already on an open batch is refused, a batch
shipped answers as shipped, and a memo line entered again the same is skipped."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from rxsupply.config import load_settings
from rxsupply.domain.fields import parse_date, parse_money, parse_units
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.verification import router_for
from rxsupply.entrypoints.web.planning import form_outcome
from rxsupply.entrypoints.web.rendering import page_route
from rxsupply.errors import InvalidValue
from rxsupply.services import returns
from rxsupply.services.ports.storage import UnitOfWork

router = APIRouter()
Returner = Annotated[Caller, Depends(REQUIRES[Permission.RETURN_TO_VENDOR])]
FormText = Annotated[str, Form()]
WORKBENCH, WASTE = "/returns", "/returns/waste"
MAX_LINES = 500


def _batch_url(number: str) -> str:
    return f"/returns/batches/{quote(number, safe='')}"


@router.post("/returns/batches", **page_route(Permission.RETURN_TO_VENDOR))
async def create_form(request: Request, who: Returner, engine: EngineDep) -> Response:
    form = await request.form()
    picked = [str(v) for v in form.getlist("lot")][:MAX_LINES]
    distributor = str(form.get("distributor", ""))[:200]

    def run(uow: UnitOfWork) -> tuple[str, str]:
        lots = [tuple(p.split(":", 1)) for p in picked if ":" in p]
        if not lots:
            raise InvalidValue("lot", "tick the lots the batch takes")
        batch = returns.create_return_batch(
            uow,
            lots=[(a, b) for a, b in lots],
            distributor=distributor,
            user=who.user.username,
            clock=clock.current(),
        )
        said = (
            f"Batch {batch.number}: {len(batch.lines)} lines, expected credit "
            f"{batch.expected_credit}."
        )
        return said, _batch_url(batch.number)

    return form_outcome(WORKBENCH, engine, run)


@router.post("/returns/batches/{number}/form-222", **page_route(Permission.RETURN_TO_VENDOR))
def form_222_form(
    number: str, who: Returner, engine: EngineDep, line: FormText = "", form_222: FormText = ""
) -> Response:
    def run(uow: UnitOfWork) -> tuple[str, str]:
        batch = returns.set_form_222(
            uow,
            batch=number,
            line=parse_units(line[:10], "line"),
            form_222=form_222[:40],
            user=who.user.username,
            clock=clock.current(),
        )
        return f"Line {line}: DEA Form 222 {form_222.strip()} recorded.", _batch_url(batch.number)

    return form_outcome(_batch_url(number), engine, run)


@router.post("/returns/batches/{number}/ship", **page_route(Permission.RETURN_TO_VENDOR))
def ship_form(number: str, who: Returner, engine: EngineDep) -> Response:
    def run(uow: UnitOfWork) -> tuple[str, str]:
        batch = returns.ship_return_batch(
            uow,
            batch=number,
            user=who.user.username,
            clock=clock.current(),
            limits=load_settings().limits(),
            router=router_for(),
        )
        units = sum(x.quantity for x in batch.lines)
        return f"Shipped {batch.number}: {units:,} units out through the ledger.", ""

    return form_outcome(_batch_url(number), engine, run)


@router.post("/returns/batches/{number}/memo", **page_route(Permission.RETURN_TO_VENDOR))
async def memo_form(number: str, request: Request, who: Returner, engine: EngineDep) -> Response:
    """The memo's number and date, and for each line (``ndc_N``, ``lot_N``) the units and
    credit it gives (``quantity_N``, ``credit_N``; a line left blank is not on the memo)."""
    form = await request.form()

    def text(name: str, limit: int = 60) -> str:
        return str(form.get(name, ""))[:limit].strip()

    def run(uow: UnitOfWork) -> tuple[str, str]:
        entries = []
        for n in range(1, MAX_LINES + 1):
            if f"ndc_{n}" not in form:
                break
            credit = text(f"credit_{n}", 20)
            if not credit:
                continue
            entries.append(
                returns.MemoEntry(
                    text(f"ndc_{n}", 20),
                    text(f"lot_{n}", 40),
                    parse_units(text(f"quantity_{n}", 20) or "0", "quantity", allow_zero=True),
                    parse_money(credit, "credit"),
                )
            )
        if not entries:
            raise InvalidValue("credit", "enter the credit of at least one line of the memo")
        done = returns.enter_credit_memo(
            uow,
            batch=number,
            memo_number=text("memo_number"),
            memo_date=parse_date(text("memo_date", 20), "memo_date"),
            lines=entries,
            user=who.user.username,
            clock=clock.current(),
        )
        totals = done["totals"]
        return (
            f"Memo {text('memo_number')}: credited {totals['credited']} of "
            f"{totals['expected']}; outstanding {totals['outstanding']}.",
            "",
        )

    return form_outcome(_batch_url(number), engine, run)


@router.post("/returns/policies", **page_route(Permission.RETURN_TO_VENDOR))
def policy_form(
    who: Returner,
    engine: EngineDep,
    labeler: FormText = "",
    months_before: FormText = "",
    months_after: FormText = "",
    partial: FormText = "full_only",
    min_fill: FormText = "",
    excluded: FormText = "",
    credit_share: FormText = "1",
) -> Response:
    def run(uow: UnitOfWork) -> tuple[str, str]:
        policy = returns.set_return_policy(
            uow,
            labeler=labeler[:200],
            months_before=parse_units(months_before[:5], "months_before", allow_zero=True),
            months_after=parse_units(months_after[:5], "months_after", allow_zero=True),
            partial=partial[:20],
            min_fill=min_fill[:10] or None,
            excluded=excluded[:200],
            credit_share=credit_share[:10],
            user=who.user.username,
            clock=clock.current(),
        )
        return f"Policy of {policy.labeler} saved.", ""

    return form_outcome(WASTE, engine, run)


@router.post("/returns/waste", **page_route(Permission.RETURN_TO_VENDOR))
def listing_add_form(
    who: Returner,
    engine: EngineDep,
    ingredient: FormText = "",
    code: FormText = "",
    note: FormText = "",
    exempt_terms: FormText = "",
) -> Response:
    def run(uow: UnitOfWork) -> tuple[str, str]:
        row = returns.add_hazardous_listing(
            uow,
            ingredient=ingredient[:120],
            code=code[:4],
            note=note[:1000],
            exempt_terms=exempt_terms[:500],
            user=who.user.username,
            clock=clock.current(),
        )
        return f"Added {row.code} {row.ingredient}.", ""

    return form_outcome(WASTE, engine, run)


@router.post("/returns/waste/{listing_id}", **page_route(Permission.RETURN_TO_VENDOR))
def listing_change_form(
    listing_id: RecordId,
    who: Returner,
    engine: EngineDep,
    note: FormText = "",
    exempt_terms: FormText = "",
    remove: FormText = "",
) -> Response:
    def run(uow: UnitOfWork) -> tuple[str, str]:
        if remove:
            gone = returns.remove_hazardous_listing(
                uow, listing_id=listing_id, user=who.user.username, clock=clock.current()
            )
            return f"Removed {gone.code} {gone.ingredient}.", ""
        row = returns.change_hazardous_listing(
            uow,
            listing_id=listing_id,
            note=note[:1000],
            exempt_terms=exempt_terms[:500],
            user=who.user.username,
            clock=clock.current(),
        )
        return f"Changed {row.code} {row.ingredient}.", ""

    return form_outcome(WASTE, engine, run)
