"""Shortage pages: the board (``/shortages``: every formulary item of an active shortage with
its impact, riskiest first; the FDA file imported by upload; a shortage added by hand; the
board as CSV and Excel), one shortage (``/shortages/{id}``: its presentations, the items it
matches, their projected stock-out with the run-out chart, the event log, resolving it), and
the stress test (``/stress-test``). The same use cases as ``rxsupply shortages`` and
``/api/shortage-board``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from starlette.responses import Response

from rxsupply.adapters.fda_shortages import read_shortage_bytes
from rxsupply.adapters.shortage_workbook import board_csv, board_workbook
from rxsupply.adapters.spreadsheets import CSV_TYPE, XLSX_TYPE
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.config import load_settings
from rxsupply.domain.fields import parse_date, parse_units
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.bulletins import bulletin_markdown, weekly_markdown
from rxsupply.entrypoints.http.bounded import RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web import charts
from rxsupply.entrypoints.web.planning import redirect_with, shown, take_flash
from rxsupply.entrypoints.web.rendering import formats_of, page_route, render
from rxsupply.entrypoints.web.shortage_actions import optional_units
from rxsupply.errors import InvalidValue, RxSupplyError
from rxsupply.services import shortages
from rxsupply.services.conservation import list_actions
from rxsupply.services.reallocation import apply_reallocation, propose_reallocation
from rxsupply.services.shortage_board import shortage_board, shortage_impact
from rxsupply.services.shortage_bulletin import alternative_lines, shortage_bulletin, weekly_summary
from rxsupply.services.shortage_feed import import_shortage_feed
from rxsupply.services.stress_test import LEVEL, stress_test

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
Importer = Annotated[Caller, Depends(REQUIRES[Permission.IMPORT])]
Buyer = Annotated[Caller, Depends(REQUIRES[Permission.PURCHASE])]
Mover = Annotated[Caller, Depends(REQUIRES[Permission.TRANSFER])]
FormText = Annotated[str, Form()]
MAX_UPLOAD = 50 * 1024 * 1024


def _board_rows(engine: EngineDep) -> list[dict[str, object]]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        rows = shortage_board(uow, clock=clock.current())
    return [r.as_dict() for r in rows]


@router.get("/shortages", **page_route(Permission.VIEW))
def board_page(request: Request, who: Viewer, engine: EngineDep) -> Response:
    flash = take_flash(request)
    rows = _board_rows(engine)
    page = render(
        request,
        "shortages.html",
        who,
        title="Shortages",
        rows=rows,
        shortages=len({r["shortage"] for r in rows}),
        can_import=who.user.can(Permission.IMPORT),
        can_buy=who.user.can(Permission.PURCHASE),
        flash=flash,
    )
    return shown(page, flash)


@router.get("/shortages.csv", **page_route(Permission.VIEW))
def board_csv_page(request: Request, who: Viewer, engine: EngineDep) -> Response:
    """The board as CSV (the workbook's columns)."""
    text = board_csv(_board_rows(engine), zone=formats_of(request).zone)
    disposition = {"Content-Disposition": 'attachment; filename="shortage-board.csv"'}
    return Response(text, media_type=CSV_TYPE, headers=disposition)


@router.get("/shortages.xlsx", **page_route(Permission.VIEW))
def board_xlsx(request: Request, who: Viewer, engine: EngineDep) -> Response:
    """The board as an Excel workbook."""
    book = board_workbook(_board_rows(engine), zone=formats_of(request).zone)
    disposition = {"Content-Disposition": 'attachment; filename="shortage-board.xlsx"'}
    return Response(book, media_type=XLSX_TYPE, headers=disposition)


@router.post("/shortages/import", **page_route(Permission.IMPORT))
def import_form(file: UploadFile, who: Importer, engine: EngineDep) -> Response:
    try:
        data = file.file.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise InvalidValue("file", f"larger than {MAX_UPLOAD // (1024 * 1024)} MB")
        feed = read_shortage_bytes(file.filename or "upload.csv", data)
        cap = load_settings().import_error_cap
        result = run_with_retry(
            engine,
            lambda uow: import_shortage_feed(
                uow, feed, user=who.user.username, clock=clock.current(), cap=cap
            ),
        )
    except RxSupplyError as exc:
        return redirect_with("/shortages", f"Not imported: {exc}", ok=False)
    events = ", ".join(f"{n:,} {k}" for k, n in result.events.items())
    matched = ", ".join(f"{n:,} by {k.replace('_', ' ')}" for k, n in result.items.items())
    return redirect_with(
        "/shortages",
        f"Imported {result.file}: {result.records:,} records, {result.shortages:,} shortages, "
        f"{result.ndcs:,} NDCs; events {events}; items matched {matched}.",
    )


@router.post("/shortages", **page_route(Permission.PURCHASE))
def add_form(
    who: Buyer, engine: EngineDep, item: FormText = "", reason: FormText = "", note: FormText = ""
) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            done = shortages.add_shortage(
                uow,
                item=item.strip(),
                reason=reason,
                note=note,
                user=who.user.username,
                clock=clock.current(),
            )
    except RxSupplyError as exc:
        return redirect_with("/shortages", f"Not added: {exc}.", ok=False)
    return redirect_with(f"/shortages/{done.id}", f"Shortage {done.id} recorded.")


@router.get("/shortages/weekly", **page_route(Permission.VIEW))
def weekly_page(request: Request, who: Viewer, engine: EngineDep) -> Response:
    """The weekly summary of every active shortage, printable."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = weekly_summary(uow, clock=clock.current())
    return render(request, "weekly.html", who, title="Shortages this week", w=found)


@router.get("/shortages/weekly.md", **page_route(Permission.VIEW))
def weekly_md(who: Viewer, engine: EngineDep) -> Response:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = weekly_summary(uow, clock=clock.current())
    return _markdown(weekly_markdown(found), f"shortages-week-{found.week_to}.md")


def _markdown(text: str, name: str) -> Response:
    disposition = {"Content-Disposition": f'inline; filename="{name}"'}
    return Response(text, media_type="text/markdown; charset=utf-8", headers=disposition)


@router.get("/shortages/{shortage_id}/bulletin", **page_route(Permission.VIEW))
def bulletin_page(
    request: Request, shortage_id: RecordId, who: Viewer, engine: EngineDep
) -> Response:
    """A shortage's bulletin, printable."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = shortage_bulletin(uow, shortage_id, clock=clock.current())
    return render(
        request,
        "bulletin.html",
        who,
        title=f"Bulletin: {found.shortage.generic_name}",
        b=found,
        impact=[r.as_dict() for r in found.impact],
    )


@router.get("/shortages/{shortage_id}/bulletin.md", **page_route(Permission.VIEW))
def bulletin_md(shortage_id: RecordId, who: Viewer, engine: EngineDep) -> Response:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = shortage_bulletin(uow, shortage_id, clock=clock.current())
    return _markdown(bulletin_markdown(found), f"shortage-{shortage_id}-bulletin.md")


@router.get("/shortages/{shortage_id}", **page_route(Permission.VIEW))
def shortage_page(
    request: Request,
    shortage_id: RecordId,
    who: Viewer,
    engine: EngineDep,
    realloc: str = "",
    floor: str = "",
) -> Response:
    flash = take_flash(request)
    plan: dict[str, object] | None = None
    plan_error = ""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found = shortages.get_shortage(uow, shortage_id)
        rows = shortage_impact(uow, shortage_id, clock=clock.current())
        actions = [a.as_dict() for a in list_actions(uow, shortage_id=shortage_id)]
        options = alternative_lines(uow, found, clock.current())
        if realloc.strip():
            try:
                plan = propose_reallocation(
                    uow,
                    shortage_id=shortage_id,
                    item=realloc.strip(),
                    floor=optional_units(floor, "floor"),
                    clock=clock.current(),
                ).as_dict()
            except RxSupplyError as exc:
                plan_error = str(exc)
    impact = [r.as_dict(curve=True) for r in rows]
    page = render(
        request,
        "shortage.html",
        who,
        title=f"Shortage {shortage_id}: {found.generic_name}",
        charts=bool(impact),
        shortage=found,
        impact=impact,
        runout_chart=charts.runout_curves(impact) if impact else None,
        actions=actions,
        alternatives=options,
        plan=plan,
        plan_error=plan_error,
        params={"realloc": realloc, "floor": floor},
        can_buy=who.user.can(Permission.PURCHASE),
        can_move=who.user.can(Permission.TRANSFER),
        can_set=who.user.can(Permission.SET_LEVELS),
        flash=flash,
    )
    return shown(page, flash)


@router.post("/shortages/{shortage_id}/reallocation", **page_route(Permission.TRANSFER))
def reallocation_form(
    shortage_id: RecordId,
    who: Mover,
    engine: EngineDep,
    item: FormText = "",
    plan_id: FormText = "",
    floor: FormText = "",
    reason: FormText = "",
) -> Response:
    back = f"/shortages/{shortage_id}"
    try:
        with SqlUnitOfWork(engine) as uow:
            done = apply_reallocation(
                uow,
                shortage_id=shortage_id,
                item=item.strip(),
                plan_id=plan_id.strip() or None,
                floor=optional_units(floor, "floor"),
                reason=reason,
                user=who.user.username,
                clock=clock.current(),
            )
    except RxSupplyError as exc:
        return redirect_with(back, f"Not reallocated: {exc}.", ok=False)
    if done.duplicate:
        return redirect_with(back, "This plan was applied already: nothing moved again.")
    moved = done.as_dict()
    return redirect_with(
        back,
        f"Reallocated {moved['units']} units of {item.strip()} in {done.movements} ledger "
        "movements.",
    )


@router.post("/shortages/{shortage_id}/resolve", **page_route(Permission.PURCHASE))
def resolve_form(
    shortage_id: RecordId, who: Buyer, engine: EngineDep, note: FormText = ""
) -> Response:
    try:
        with SqlUnitOfWork(engine) as uow:
            shortages.resolve_shortage(
                uow,
                shortage_id=shortage_id,
                note=note,
                user=who.user.username,
                clock=clock.current(),
            )
    except RxSupplyError as exc:
        return redirect_with(f"/shortages/{shortage_id}", f"Not resolved: {exc}.", ok=False)
    return redirect_with(f"/shortages/{shortage_id}", f"Shortage {shortage_id} resolved.")


@router.get("/stress-test", **page_route(Permission.VIEW))
def stress_page(
    request: Request,
    who: Viewer,
    engine: EngineDep,
    supplier: str = "",
    days: str = "",
    start: str = "",
    level: str = "",
) -> Response:
    result: dict[str, object] | None = None
    error = ""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        suppliers = [s for s in uow.outlook.suppliers() if s.kind != "gpo"]
        if supplier.strip():
            try:
                found = stress_test(
                    uow,
                    supplier=supplier,
                    days=parse_units(days[:40], "days"),
                    start=parse_date(start, "start") if start.strip() else None,
                    level=float(level) if level.strip() else LEVEL,
                    clock=clock.current(),
                )
                result = found.as_dict()
            except (RxSupplyError, ValueError) as exc:
                error = str(exc)
    return render(
        request,
        "stress_test.html",
        who,
        title="Stress test",
        suppliers=suppliers,
        params={"supplier": supplier, "days": days, "start": start, "level": level},
        result=result,
        error=error,
        today=formats_of(request).today(),
    )
