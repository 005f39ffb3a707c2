"""JSON endpoints of inventory optimisation: classes, recommendations, forecasts, planning runs.

The same read models (``adapters.planning_queries``) and use cases (``services.levels``,
``services.planning``) as the CLI; deciding and running go through
``entrypoints.http.planning``, as the web pages (``entrypoints.web.planning``) do, so a page
shows what its endpoint returns.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from rxsupply.adapters import planning_queries
from rxsupply.domain.fields import ROWS_LIMIT
from rxsupply.domain.levels import ProposalFilter
from rxsupply.domain.users import Permission
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.api.dependencies import Limit, Offset
from rxsupply.entrypoints.http.bounded import Code, RecordId
from rxsupply.entrypoints.http.dependencies import EngineDep, page
from rxsupply.entrypoints.http.planning import (
    batch_summary,
    decide,
    decide_batch,
    plan_now,
    planning_job,
    start_planning,
)
from rxsupply.entrypoints.http.security import REQUIRES, Caller, guarded

router = APIRouter(prefix="/api", tags=["planning"])
LevelSetter = Annotated[Caller, Depends(REQUIRES[Permission.SET_LEVELS])]
"""A caller who may set levels: decide recommendations, run planning."""
Status = planning_queries.Status


def proposal_filter(
    cabinet: Annotated[
        str, Query(description="A location's code, any case: it and everything below it.")
    ] = "",
    search: Annotated[
        str, Query(description="Part of an item's code, name or NDC, or a scanned GTIN.")
    ] = "",
    abc: Annotated[str, Query(description="A, B or C (the last run's class), any case.")] = "",
    kind: Annotated[str, Query(description="pocket, storeroom or satellite, any case.")] = "",
) -> ProposalFilter:
    """The batch filter from the query string."""
    return ProposalFilter(cabinet=cabinet, item=search, abc=abc, kind=kind)


Batch = Annotated[ProposalFilter, Depends(proposal_filter)]


# --- reading -----------------------------------------------------------------------------


@router.get("/classes", **guarded(Permission.VIEW))
def list_classes(
    engine: EngineDep,
    abc: Annotated[str | None, Query(description="A, B or C.")] = None,
    xyz: Annotated[str | None, Query(description="X, Y or Z.")] = None,
    demand_class: Annotated[
        str | None, Query(description="smooth, erratic, intermittent, lumpy or none.")
    ] = None,
    lifecycle: Annotated[str | None, Query(description="new, active, sporadic or dead.")] = None,
    location: Code | None = None,
    search: Annotated[str | None, Query(description="Part of an item's name or code.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """The latest planning run's classes of every item-location, highest annual value first."""
    with engine.connect() as conn:
        rows = planning_queries.latest_classes(
            conn,
            abc=abc,
            xyz=xyz,
            demand_class=demand_class,
            lifecycle=lifecycle,
            location=location,
            search=search,
            limit=limit + 1,
            offset=offset,
        )
    return page(rows, limit, offset)


@router.get("/classes/matrix", **guarded(Permission.VIEW))
def classes_matrix(engine: EngineDep) -> dict[str, Any]:
    """Item-locations and annual value per ABC x XYZ cell, and counts per demand class."""
    with engine.connect() as conn:
        return planning_queries.class_matrix(conn)


@router.get("/recommendations", **guarded(Permission.VIEW))
def list_recommendations(
    engine: EngineDep,
    batch: Batch,
    status: Status = "pending",
    location: Code | None = None,
    item: Code | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Proposed min/max levels with what they change and why, newest run first (``location``
    and ``item``: exact codes; ``cabinet``, ``search``, ``abc``, ``kind``: as a batch)."""
    with engine.connect() as conn:
        rows = planning_queries.explained_recommendations(
            conn,
            status=status,
            location=location,
            item=item,
            match=batch,
            limit=limit + 1,
            offset=offset,
        )
    return page(rows, limit, offset)


@router.get("/recommendations/summary", **guarded(Permission.VIEW))
def summarize_recommendations(engine: EngineDep, batch: Batch) -> dict[str, Any]:
    """What accepting every pending proposal the filter takes would change: proposals, average
    stock value, refills or orders a year and expected stock-out days a year, now and
    proposed, in total and by location kind, ABC class and cabinet."""
    return batch_summary(engine, batch)


@router.get("/items/{code}/forecast", **guarded(Permission.VIEW))
def get_item_forecast(code: str, engine: EngineDep) -> dict[str, Any]:
    """An item's daily use, its forecast and the planning view of each of its locations."""
    current = clock.current()
    with engine.connect() as conn:
        return planning_queries.item_forecast(
            conn, item=code, today=current.today(), zone=current.zone
        )


# --- deciding ----------------------------------------------------------------------------


Expected = Annotated[
    int | None,
    Query(
        ge=0,
        le=ROWS_LIMIT,
        description="How many proposals were reviewed: refused if another number matches now.",
    ),
]


@router.post("/recommendations/batch/accept", **guarded(Permission.SET_LEVELS))
def accept_batch(
    engine: EngineDep, who: LevelSetter, batch: Batch, expected: Expected = None
) -> dict[str, Any]:
    """Accept every pending proposal the filter takes, as one action: one audit entry with the
    filter and the summary, and one per level changed. Proposals decided meanwhile or whose
    levels changed since the run are skipped (counted)."""
    return decide_batch(
        engine,
        batch,
        accept=True,
        expected=expected,
        user=who.user.username,
        clock=clock.current(),
    )


@router.post("/recommendations/batch/reject", **guarded(Permission.SET_LEVELS))
def reject_batch(
    engine: EngineDep, who: LevelSetter, batch: Batch, expected: Expected = None
) -> dict[str, Any]:
    """Reject every pending proposal the filter takes, as one audited action."""
    return decide_batch(
        engine,
        batch,
        accept=False,
        expected=expected,
        user=who.user.username,
        clock=clock.current(),
    )


@router.post("/recommendations/{recommendation_id}/accept", **guarded(Permission.SET_LEVELS))
def accept_recommendation(
    recommendation_id: RecordId, engine: EngineDep, who: LevelSetter
) -> dict[str, Any]:
    """Accept: the item-location's min and max become the recommended ones (audited)."""
    return decide(
        engine, recommendation_id, accept=True, user=who.user.username, clock=clock.current()
    )


@router.post("/recommendations/{recommendation_id}/reject", **guarded(Permission.SET_LEVELS))
def reject_recommendation(
    recommendation_id: RecordId, engine: EngineDep, who: LevelSetter
) -> dict[str, Any]:
    """Reject: the levels stay as they are (audited)."""
    return decide(
        engine, recommendation_id, accept=False, user=who.user.username, clock=clock.current()
    )


@router.post("/planning/run", **guarded(Permission.SET_LEVELS))
def run_planning_job(
    engine: EngineDep,
    who: LevelSetter,
    keep_dead: Annotated[
        bool,
        Query(description="Keep stocking dead items (no use in 180 days) that are not vital."),
    ] = False,
) -> dict[str, Any]:
    """Classify and plan every item-location and propose the changed levels for review (as
    ``rxsupply plan --propose``). Dead items that are not vital are proposed for removal
    (levels 0) unless ``keep_dead``. Takes seconds to minutes on a large hospital."""
    return plan_now(engine, user=who.user.username, clock=clock.current(), keep_dead=keep_dead)


@router.post("/planning/jobs", status_code=202, **guarded(Permission.SET_LEVELS))
def start_planning_job(engine: EngineDep, who: LevelSetter) -> dict[str, Any]:
    """Start the planning job in the background (as ``POST /api/planning/run`` does in the
    foreground) and answer at once with the job; follow it at ``GET /api/planning/jobs/{id}``.
    One runs at a time: a second start while one runs is a 409 problem naming it."""
    return start_planning(engine, user=who.user.username, clock=clock.current())


@router.get("/planning/jobs/{job_id}", **guarded(Permission.VIEW))
def get_planning_job(job_id: RecordId, engine: EngineDep) -> dict[str, Any]:
    """Where a background planning run is: ``status`` (running, done, failed), ``stage``,
    ``progress`` from 0 to 1, and its summary or error in ``message``."""
    return planning_job(engine, job_id)
