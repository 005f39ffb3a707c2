"""Planning pages: the ABC/XYZ classes, the PAR review (accept or reject proposed levels), and
the button that runs the planning job.

Each page calls the same functions as its JSON endpoint (``entrypoints.api.planning_routes``):
the same read models, and the same decisions and runs (``entrypoints.http.planning``).
Deciding and running are forms posted with the session's CSRF token (checked by ``caller``);
they redirect back to the page they came from, which shows the outcome once (a flash message
kept in a short-lived cookie).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote, unquote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import Engine
from starlette.responses import Response

from rxsupply.adapters import planning_queries
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.levels import PROPOSAL_KINDS, ProposalFilter
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.http import planning as plans
from rxsupply.entrypoints.http.bounded import RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep
from rxsupply.entrypoints.http.security import REQUIRES, Caller
from rxsupply.entrypoints.web import charts
from rxsupply.entrypoints.web.browsing import offset_of
from rxsupply.entrypoints.web.rendering import (
    number,
    page_route,
    pager,
    render,
)
from rxsupply.errors import AlreadyDecided, InvalidValue, NotFound, RxSupplyError
from rxsupply.services.ports.storage import UnitOfWork

router = APIRouter()
Viewer = Annotated[Caller, Depends(REQUIRES[Permission.VIEW])]
LevelSetter = Annotated[Caller, Depends(REQUIRES[Permission.SET_LEVELS])]
"""A signed-in user who may set levels: decide recommendations, run planning."""
FormText = Annotated[str, Form()]
CLASS_PAGE = 100
REVIEW_PAGE = 100
FLASH = "rxsupply_flash"
ABC = ("A", "B", "C")
XYZ = ("X", "Y", "Z")
DEMAND_CLASSES = ("smooth", "erratic", "intermittent", "lumpy", "none")
LIFECYCLES = ("new", "active", "sporadic", "dead")
CHART_SERIES = 1_000_000
"""At most this many item-locations feed the matrix and Pareto charts (all of them, in practice)."""


# --- flash messages ----------------------------------------------------------------------


def back_to(target: str) -> str:
    """Where a form returns: one of the planning pages (with its filters), the cabinet
    interface's, an order's, a refill run's, a transfer's, a count's, a shortage's, an expiry
    page, a recall's, the returns pages, the DSCSA pages or your account, never elsewhere."""
    ok = (
        target.startswith(
            (
                "/levels",
                "/classes",
                "/adc",
                "/orders",
                "/refills",
                "/transfers",
                "/counts",
                "/shortages",
                "/expiry",
                "/recalls",
                "/returns",
                "/dscsa",
                "/account",
            )
        )
        and "//" not in target
        and "\\" not in target
    )
    return target if ok else "/levels"


def redirect_with(target: str, text: str, *, ok: bool = True) -> Response:
    """Post/redirect/get: back to ``target``, which shows ``text`` once."""
    response = RedirectResponse(back_to(target), status_code=303)
    response.set_cookie(
        FLASH,
        quote(("ok:" if ok else "error:") + text, safe=""),
        max_age=120,
        path="/",
        httponly=True,
        samesite="lax",
    )
    return response


def form_outcome(
    back: str, engine: Engine, run: Callable[[UnitOfWork], tuple[str, str]]
) -> Response:
    """A form's use case run in one unit of work: back to ``back`` (or the target ``run``
    names) with what it did, or to ``back`` with why not."""
    try:
        with SqlUnitOfWork(engine) as uow:
            said, target = run(uow)
    except RxSupplyError as exc:
        return redirect_with(back, f"Not done: {exc}.", ok=False)
    return redirect_with(target or back, said)


def take_flash(request: Request) -> dict[str, str] | None:
    raw = request.cookies.get(FLASH)
    if not raw:
        return None
    kind, _, text = unquote(raw).partition(":")
    return {"kind": "ok" if kind == "ok" else "error", "text": text[:500]}


def shown(response: Response, flash: dict[str, str] | None) -> Response:
    if flash is not None:
        response.delete_cookie(FLASH, path="/", httponly=True, samesite="lax")
    return response


def here(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


# --- ABC/XYZ classes ---------------------------------------------------------------------


@router.get("/classes", **page_route(Permission.VIEW))
def classes(
    request: Request,
    who: Viewer,
    engine: EngineDep,
    abc: str = "",
    xyz: str = "",
    demand_class: str = "",
    lifecycle: str = "",
    location: str = "",
    q: str = "",
    offset: str = "0",
) -> Response:
    start = offset_of(offset)
    with engine.connect() as conn:
        matrix = planning_queries.class_matrix(conn)
        rows = planning_queries.latest_classes(
            conn,
            abc=abc or None,
            xyz=xyz or None,
            demand_class=demand_class or None,
            lifecycle=lifecycle or None,
            location=location.strip() or None,
            search=q.strip() or None,
            limit=CLASS_PAGE + 1,
            offset=start,
        )
        every = (
            planning_queries.latest_classes(conn, dispensing_only=True, limit=CHART_SERIES)
            if matrix["cells"]
            else []
        )
    params = {
        "abc": abc,
        "xyz": xyz,
        "demand_class": demand_class,
        "lifecycle": lifecycle,
        "location": location,
        "q": q,
    }
    counts = matrix["demand_classes"]
    flash = take_flash(request)
    response = render(
        request,
        "classes.html",
        who,
        title="ABC/XYZ classes",
        charts=bool(every),
        matrix=matrix,
        series=sum(c["count"] for c in matrix["cells"]),
        demand_classes=[(k, counts[k]) for k in DEMAND_CLASSES if k in counts]
        + [(k, v) for k, v in sorted(counts.items()) if k not in DEMAND_CLASSES],
        matrix_chart=charts.abc_xyz_matrix(every) if every else None,
        pareto_chart=charts.pareto(every) if every else None,
        rows=rows[:CLASS_PAGE],
        params=params,
        pages=pager(params, offset=start, limit=CLASS_PAGE, more=len(rows) > CLASS_PAGE),
        choices={
            "abc": ABC,
            "xyz": XYZ,
            "demand_class": DEMAND_CLASSES,
            "lifecycle": LIFECYCLES,
        },
        can_plan=who.user.can(Permission.SET_LEVELS),
        back=here(request),
        flash=flash,
    )
    return shown(response, flash)


# --- PAR review --------------------------------------------------------------------------


KINDS = PROPOSAL_KINDS
BatchFields = tuple[str, str, str, str]
"""The review page's filters as typed or posted: location, item, class and kind."""


def _batch(location: str, item: str, abc: str, kind: str) -> ProposalFilter:
    """The review page's filters as a batch: ``location`` a location's code (it and everything
    below it), ``item`` part of an item's code or name, of an NDC, or a scanned GTIN; a class or
    kind in any case. A class or kind it does not know raises
    :class:`~rxsupply.errors.InvalidValue` (never read as no filter: the whole batch)."""
    return ProposalFilter(cabinet=location, item=item, abc=abc, kind=kind)


def refused_filter(exc: InvalidValue) -> str:
    """What the review page says instead of a batch when its filters are refused."""
    said = str(exc)
    return (
        f"{said[:1].upper()}{said[1:]}. Fix the filter to see the proposals:"
        " none are listed and no batch can be decided until then."
    )


@router.get("/levels", **page_route(Permission.VIEW))
def review(
    request: Request,
    who: Viewer,
    engine: EngineDep,
    location: str = "",
    item: str = "",
    abc: str = "",
    kind: str = "",
    offset: str = "0",
) -> Response:
    start = offset_of(offset)
    refused = None
    try:
        match: ProposalFilter | None = _batch(location, item, abc, kind)
    except InvalidValue as exc:  # a batch of everything must never stand in for it
        match, refused = None, refused_filter(exc)
    with engine.connect() as conn:
        rows = (
            planning_queries.explained_recommendations(
                conn, status="pending", match=match, limit=REVIEW_PAGE + 1, offset=start
            )
            if match is not None
            else []
        )
        planned = bool(planning_queries.class_matrix(conn)["cells"])
    summary = plans.batch_summary(engine, match) if rows and match is not None else None
    params = {
        "location": location,
        "item": item,
        "abc": match.abc if match else abc,
        "kind": match.kind if match else kind,
    }
    flash = take_flash(request)
    response = render(
        request,
        "levels.html",
        who,
        title="PAR review",
        rows=rows[:REVIEW_PAGE],
        params=params,
        summary=summary,
        classes=ABC,
        kinds=KINDS,
        pages=pager(params, offset=start, limit=REVIEW_PAGE, more=len(rows) > REVIEW_PAGE),
        can_decide=who.user.can(Permission.SET_LEVELS),
        planned=planned,
        refused=refused,
        back=here(request),
        flash=flash,
    )
    return shown(response, flash)


def _batch_form(
    location: FormText = "", item: FormText = "", abc: FormText = "", kind: FormText = ""
) -> BatchFields:
    """The batch a decision form names: the review page's filters, as hidden fields (checked
    when deciding, so a refused one is said on the page it came from)."""
    return location, item, abc, kind


BatchForm = Annotated[BatchFields, Depends(_batch_form)]


def _decide_batch(
    engine: Engine, fields: BatchFields, *, accept: bool, who: Caller, back: str, expected: str
) -> Response:
    try:
        reviewed = int(expected)
    except ValueError:
        return redirect_with(back, "Nothing changed: the batch's size is missing.", ok=False)
    try:
        match = _batch(*fields)
        done = plans.decide_batch(
            engine,
            match,
            accept=accept,
            expected=reviewed,
            user=who.user.username,
            clock=clock.current(),
        )
    except RxSupplyError as exc:
        return redirect_with(back, f"Nothing changed: {exc}.", ok=False)
    return redirect_with(back, plans.describe_batch(done))


@router.post("/levels/batch/accept", **page_route(Permission.SET_LEVELS))
def accept_batch(
    who: LevelSetter,
    engine: EngineDep,
    batch: BatchForm,
    expected: FormText,
    back: FormText = "/levels",
) -> Response:
    return _decide_batch(engine, batch, accept=True, who=who, back=back, expected=expected)


@router.post("/levels/batch/reject", **page_route(Permission.SET_LEVELS))
def reject_batch(
    who: LevelSetter,
    engine: EngineDep,
    batch: BatchForm,
    expected: FormText,
    back: FormText = "/levels",
) -> Response:
    return _decide_batch(engine, batch, accept=False, who=who, back=back, expected=expected)


def levels_text(low: Any, high: Any) -> str:
    if low is None and high is None:
        return "none"
    return f"min {number(low)} / max {number(high)}"


def _decide(
    engine: Engine, recommendation_id: RecordId, *, accept: bool, who: Caller, back: str
) -> Response:
    try:
        row = plans.decide(
            engine,
            recommendation_id,
            accept=accept,
            user=who.user.username,
            clock=clock.current(),
        )
    except (AlreadyDecided, NotFound) as exc:
        return redirect_with(back, f"Nothing changed: {exc}.", ok=False)
    what = f"{row['name']} at {row['location']}"
    proposed = levels_text(row["min_level"], row["max_level"])
    current = levels_text(row["current_min"], row["current_max"])
    if accept:
        text = f"Accepted: {what} is now {proposed} (was {current})."
    else:
        text = f"Rejected: {what} stays at {current} (proposed {proposed})."
    return redirect_with(back, text)


@router.post("/levels/{recommendation_id}/accept", **page_route(Permission.SET_LEVELS))
def accept(
    recommendation_id: RecordId, who: LevelSetter, engine: EngineDep, back: FormText = "/levels"
) -> Response:
    return _decide(engine, recommendation_id, accept=True, who=who, back=back)


@router.post("/levels/{recommendation_id}/reject", **page_route(Permission.SET_LEVELS))
def reject(
    recommendation_id: RecordId, who: LevelSetter, engine: EngineDep, back: FormText = "/levels"
) -> Response:
    return _decide(engine, recommendation_id, accept=False, who=who, back=back)


@router.post("/planning/run", **page_route(Permission.SET_LEVELS))
def run(who: LevelSetter, engine: EngineDep, back: FormText = "/levels") -> Response:
    """Start the planning job in the background (as ``rxsupply plan --propose``) and follow
    it on its page."""
    try:
        job = plans.start_planning(engine, user=who.user.username, clock=clock.current())
    except RxSupplyError as exc:
        return redirect_with(back, f"Planning did not start: {exc}.", ok=False)
    return RedirectResponse(
        f"/planning/jobs/{job['id']}?back={quote(back_to(back), safe='')}", status_code=303
    )


@router.get("/planning/jobs/{job_id}", **page_route(Permission.VIEW))
def job_page(
    request: Request, who: Viewer, engine: EngineDep, job_id: RecordId, back: str = "/levels"
) -> Response:
    """A planning run's progress; the page reloads itself every second while it runs."""
    job = plans.planning_job(engine, job_id)
    return render(
        request,
        "planning_job.html",
        who,
        title="Planning",
        job=job,
        back=back_to(back),
    )
