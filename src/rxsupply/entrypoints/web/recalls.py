"""Recall pages: the recalls (``/recalls``: every recall, and a form to enter one: its number,
class, reason, firm and NDCs with their lots, one NDC a line) and the recall screen
(``/recalls/{id}``: every unit of its lots by location with status, one button that
quarantines them all, the latest units dispensed with where and when, all of them in
``/recalls/{id}/dispensed.csv``, and the form that closes it). The same use cases as
``rxsupply recall`` and ``/api/recalls``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from rxsupply.adapters.spreadsheets import CSV_TYPE, Column, csv_text
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.domain.fields import parse_date
from rxsupply.domain.recall import Disposition, parse_class, parse_disposition, parse_entries
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http.bounded import RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web.movements import external, form_token
from rxsupply.entrypoints.web.planning import redirect_with, shown, take_flash
from rxsupply.entrypoints.web.rendering import formats_of, page_route, render
from rxsupply.errors import RxSupplyError
from rxsupply.services import recalls
from rxsupply.services.recall_units import dispensed_units, recall_units

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
Blocker = Annotated[Caller, Depends(REQUIRES[Permission.QUARANTINE])]
FormText = Annotated[str, Form()]
SHOWN = 500


@router.get("/recalls", **page_route(Permission.VIEW))
def recalls_page(request: Request, who: Viewer, engine: EngineDep) -> Response:
    flash = take_flash(request)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = recalls.list_recalls(uow)
    page = render(
        request,
        "recalls.html",
        who,
        title="Recalls",
        recalls=[r.as_dict() for r in found],
        can_block=who.user.can(Permission.QUARANTINE),
        token=form_token(),
        today=clock.current().today(),
        flash=flash,
    )
    return shown(page, flash)


@router.post("/recalls", **page_route(Permission.QUARANTINE))
def enter_form(
    who: Blocker,
    engine: EngineDep,
    number: FormText = "",
    recall_class: FormText = "",
    reason: FormText = "",
    firm: FormText = "",
    initiated: FormText = "",
    ndcs: FormText = "",
    token: FormText = "",
) -> Response:
    now = clock.current()
    try:
        ext = external("recall", token)
        begun = parse_date(initiated.strip()[:20], "initiated") if initiated.strip() else None
        with SqlUnitOfWork(engine) as uow:
            done = recalls.enter_recall(
                uow,
                number=number,
                recall_class=parse_class(recall_class[:20]),
                reason=reason,
                firm=firm,
                initiated=begun or now.today(),
                entries=parse_entries(ndcs[:50_000]),
                user=who.user.username,
                clock=now,
                external_id=ext,
            )
    except RxSupplyError as exc:
        return redirect_with("/recalls", f"Not entered: {exc}.", ok=False)
    said = "".join(f" Warning: {w}." for w in done.warnings)
    return redirect_with(f"/recalls/{done.id}", f"Recall {done.number} entered.{said}")


@router.get("/recalls/{recall_id}", **page_route(Permission.VIEW))
def recall_page(request: Request, recall_id: RecordId, who: Viewer, engine: EngineDep) -> Response:
    flash = take_flash(request)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        units = recall_units(uow, recall_id=recall_id).as_dict()
        gone = dispensed_units(uow, recall_id=recall_id).as_dict(limit=SHOWN)
    page = render(
        request,
        "recall.html",
        who,
        title=f"Recall {units['recall']['number']}",
        recall=units["recall"],
        units=units,
        lines=units["lines"][:SHOWN],
        dispensed=gone,
        can_block=who.user.can(Permission.QUARANTINE),
        dispositions=[d.value for d in Disposition],
        flash=flash,
    )
    return shown(page, flash)


DISPENSED_COLUMNS = (
    Column("occurred_at", "When", "datetime"),
    Column("kind", "Kind"),
    Column("location", "Location"),
    Column("cabinet", "Cabinet"),
    Column("unit", "Nursing unit"),
    Column("ndc", "NDC"),
    Column("lot", "Lot"),
    Column("repackaged_from", "Repackaged from"),
    Column("quantity", "Units", "int"),
    Column("user", "By"),
    Column("reference", "Reference"),
    Column("note", "Note"),
)


@router.get("/recalls/{recall_id}/dispensed.csv", **page_route(Permission.VIEW))
def dispensed_csv(
    request: Request, recall_id: RecordId, who: Viewer, engine: EngineDep
) -> Response:
    """Every dispense of the recall's lots and every patient return booked to them, the
    latest first, as CSV (the page shows the latest few hundred)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        gone = dispensed_units(uow, recall_id=recall_id).as_dict()
    number = "".join(c if c.isalnum() or c in "-_" else "_" for c in gone["recall"]["number"])
    return Response(
        csv_text(DISPENSED_COLUMNS, gone["lines"], zone=formats_of(request).zone),
        media_type=CSV_TYPE,
        headers={"Content-Disposition": f'attachment; filename="recall-{number}-dispensed.csv"'},
    )


@router.post("/recalls/{recall_id}/quarantine", **page_route(Permission.QUARANTINE))
def quarantine_form(recall_id: RecordId, who: Blocker, engine: EngineDep) -> Response:
    back = f"/recalls/{recall_id}"
    try:
        done = run_with_retry(
            engine,
            lambda uow: recalls.quarantine_recall(
                uow, recall_id=recall_id, user=who.user.username, clock=clock.current()
            ),
        )
    except RxSupplyError as exc:
        return redirect_with(back, f"Not quarantined: {exc}.", ok=False)
    if not done.changed:
        return redirect_with(back, "Every lot of the recall is recalled already: nothing changed.")
    units = sum(int(str(c["units"])) for c in done.changed)
    return redirect_with(back, f"{len(done.changed)} lot(s), {units:,} unit(s) quarantined.")


@router.post("/recalls/{recall_id}/close", **page_route(Permission.QUARANTINE))
def close_form(
    recall_id: RecordId,
    who: Blocker,
    engine: EngineDep,
    disposition: FormText = "",
    note: FormText = "",
) -> Response:
    back = f"/recalls/{recall_id}"
    try:
        with SqlUnitOfWork(engine) as uow:
            done = recalls.close_recall(
                uow,
                recall_id=recall_id,
                disposition=parse_disposition(disposition[:40]),
                note=note,
                user=who.user.username,
                clock=clock.current(),
            )
    except RxSupplyError as exc:
        return redirect_with(back, f"Not closed: {exc}.", ok=False)
    return redirect_with(back, f"Recall {done.number} closed: {disposition.strip()}.")
