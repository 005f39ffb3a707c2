"""Count pages: the counts and what is due (``/counts``, where a count is started) and one
count (``/counts/{number}``): while open, the blind entry form (no expected quantities), a
found line's form and, for a controlled count, the witness's name and password; once
submitted, the review with variances in units and money and the approve and post buttons.
The controlled-substance biennial inventory prints from ``/controlled/biennial`` (HTML) and
downloads from ``/controlled/biennial.csv``. The same use cases as ``rxsupply counts`` and
``/api/counts``; forms post with the session's CSRF token and come back with the outcome."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from rxsupply.adapters.controlled_report import biennial_csv, biennial_html
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.config import load_settings
from rxsupply.domain.counting import CountStatus, VarianceReason
from rxsupply.domain.fields import is_id, parse_date, parse_id
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.posting import approval_of
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.planning import redirect_with, shown, take_flash
from rxsupply.entrypoints.web.rendering import money, page_route, render
from rxsupply.errors import RxSupplyError
from rxsupply.services import controlled, count_plan, count_posting, counts, found_stock

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
Counter = Annotated[Caller, Depends(REQUIRES[Permission.COUNT])]
Manager = Annotated[Caller, Depends(REQUIRES[Permission.ADJUST])]
FormText = Annotated[str, Form()]
DUE_SHOWN = 200


@router.get("/counts", **page_route(Permission.VIEW))
def counts_page(request: Request, who: Viewer, engine: EngineDep) -> Response:
    flash = take_flash(request)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = counts.list_counts(uow, limit=200)
        due = count_plan.count_plan(uow, rules=load_settings().count_rules(), clock=clock.current())
        places = sorted({str(r["location"]) for r in due})
        stores = [
            loc.code
            for loc in uow.locations.all()
            if loc.kind.value in ("storeroom", "adc", "satellite")
        ]
    page = render(
        request,
        "counts.html",
        who,
        title="Counts",
        counts=found,
        due=due[:DUE_SHOWN],
        due_total=len(due),
        places=places,
        locations=sorted(stores),
        can_count=who.user.can(Permission.COUNT),
        flash=flash,
    )
    return shown(page, flash)


@router.post("/counts", **page_route(Permission.COUNT))
def start(
    who: Counter,
    engine: EngineDep,
    location: FormText = "",
    item: FormText = "",
    due: FormText = "",
) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            found = counts.start_count(
                uow,
                location=location,
                items=[i.strip() for i in item.split(",") if i.strip()],
                due=due == "1",
                rules=load_settings().count_rules(),
                user=who.user.username,
                clock=clock.current(),
            )
    except RxSupplyError as exc:
        return redirect_with("/counts", f"Not started: {exc}.", ok=False)
    return redirect_with(
        f"/counts/{found.number}", f"Count {found.number} started: count each line."
    )


@router.get("/counts/{number}", **page_route(Permission.VIEW))
def count_page(request: Request, number: str, who: Viewer, engine: EngineDep) -> Response:
    flash = take_flash(request)
    rules = load_settings().count_rules()
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = counts.get_count(uow, number)
    over = dict(count_posting.needing_approval(found, rules)) if not found.blind else {}
    page = render(
        request,
        "count.html",
        who,
        title=f"Count {found.number}",
        count=found,
        over=over,
        reasons=[r.value for r in VarianceReason],
        can_count=who.user.can(Permission.COUNT) and found.status is CountStatus.OPEN,
        can_adjust=who.user.can(Permission.ADJUST),
        flash=flash,
    )
    return shown(page, flash)


def _back(number: str) -> str:
    return f"/counts/{number}"


@router.post("/counts/{number}/enter", **page_route(Permission.COUNT))
async def enter(request: Request, number: str, who: Counter, engine: EngineDep) -> Response:
    form = await request.form()
    then = str(form.get("then", "save"))
    try:
        counted: dict[int, int] = {}
        for key, value in form.items():
            if not key.startswith("counted-") or not str(value).strip():
                continue
            line = parse_id(key.removeprefix("counted-"), key)
            counted[line] = counts.parse_counted(key, str(value))
        witness, secret = str(form.get("witness", "")), str(form.get("witness_password", ""))

        def work() -> str:
            if then != "submit":
                with SqlUnitOfWork(engine) as uow:
                    counts.enter_counts(
                        uow,
                        count=number,
                        counted=counted,
                        user=who.user.username,
                        clock=clock.current(),
                    )
                return f"Saved {len(counted)} counted lines."
            second = approval_of(engine, witness, secret) if witness.strip() else None
            with SqlUnitOfWork(engine) as uow:
                done = counts.submit_count(
                    uow,
                    count=number,
                    user=who.user.username,
                    witness=second.username if second else None,
                    counted=counted,
                    clock=clock.current(),
                )
            return (
                f"Submitted: variance {done.variance_units:+,} units, {money(done.variance_value)}."
            )

        text = await run_in_threadpool(work)
    except RxSupplyError as exc:
        return redirect_with(_back(number), f"Not done: {exc}.", ok=False)
    return redirect_with(_back(number), text)


@router.post("/counts/{number}/lines", **page_route(Permission.COUNT))
def add_line(
    number: str,
    who: Counter,
    engine: EngineDep,
    location: FormText = "",
    ndc: FormText = "",
    lot: FormText = "",
    expiry: FormText = "",
    counted: FormText = "",
) -> Response:
    try:
        units = counts.parse_counted("counted", counted)
        with SqlUnitOfWork(engine) as uow:
            found_stock.add_found_line(
                uow,
                count=number,
                location=location,
                product=ndc,
                lot=lot,
                expiry=parse_date(expiry, "expiry") if expiry.strip() else None,
                counted=units,
                user=who.user.username,
                clock=clock.current(),
            )
    except RxSupplyError as exc:
        return redirect_with(_back(number), f"Not added: {exc}.", ok=False)
    return redirect_with(_back(number), f"Added lot {lot.strip()}.")


@router.post("/counts/{number}/approve", **page_route(Permission.ADJUST))
def approve(number: str, who: Manager, engine: EngineDep) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            count_posting.approve_count(
                uow, count=number, user=who.user.username, clock=clock.current()
            )
    except RxSupplyError as exc:
        return redirect_with(_back(number), f"Not approved: {exc}.", ok=False)
    return redirect_with(_back(number), "Approved: post the variances with their reasons.")


@router.post("/counts/{number}/post", **page_route(Permission.ADJUST))
async def post(request: Request, number: str, who: Manager, engine: EngineDep) -> Response:
    form = await request.form()
    reasons = {
        int(k.removeprefix("reason-")): str(v)
        for k, v in form.items()
        if k.startswith("reason-") and is_id(k.removeprefix("reason-")) and str(v).strip()
    }
    settings = load_settings()

    def work() -> None:
        with SqlUnitOfWork(engine) as uow:
            count_posting.post_count(
                uow,
                count=number,
                reasons=reasons,
                rules=settings.count_rules(),
                limits=settings.limits(),
                user=who.user.username,
                clock=clock.current(),
            )

    try:
        await run_in_threadpool(work)
    except RxSupplyError as exc:
        return redirect_with(_back(number), f"Not posted: {exc}.", ok=False)
    return redirect_with(_back(number), "Posted: the variances are in the ledger.")


@router.post("/counts/{number}/cancel", **page_route(Permission.COUNT))
def cancel(number: str, who: Counter, engine: EngineDep, reason: FormText = "") -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            count_posting.cancel_count(
                uow,
                count=number,
                reason=reason,
                manager=who.user.can(Permission.ADJUST),
                user=who.user.username,
                clock=clock.current(),
            )
    except RxSupplyError as exc:
        return redirect_with(_back(number), f"Not cancelled: {exc}.", ok=False)
    return redirect_with(
        _back(number), "Cancelled: nothing was posted; start a new count to count it again."
    )


def _biennial(engine: EngineDep, day: str) -> dict[str, object]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return controlled.biennial_inventory(
            uow,
            clock=clock.current(),
            registrant=load_settings().dea_registrant,
            on=parse_date(day, "date") if day.strip() else None,
        )


@router.get("/controlled/biennial", **page_route(Permission.VIEW))
def biennial_page(who: Viewer, engine: EngineDep, date: str = "") -> Response:
    return HTMLResponse(biennial_html(_biennial(engine, date)))


@router.get("/controlled/biennial.csv", **page_route(Permission.VIEW))
def biennial_download(who: Viewer, engine: EngineDep, date: str = "") -> Response:
    report = _biennial(engine, date)
    return PlainTextResponse(
        biennial_csv(report),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="biennial-{report["date"]}.csv"'},
    )
