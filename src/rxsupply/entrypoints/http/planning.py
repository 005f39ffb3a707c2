"""Deciding proposed levels and running the planning job: what the planning endpoints
(``entrypoints.api.planning_routes``) and the planning pages (``entrypoints.web.planning``) both
do, so a page shows what its endpoint returns.

Each takes the clock its route made (``rxsupply.entrypoints.clock.current()``) and passes it
down to the use cases (``services.levels``, ``services.planning``).
"""

from __future__ import annotations

import threading
from dataclasses import asdict
from typing import Any

from sqlalchemy import Engine

from rxsupply.adapters import planning_queries
from rxsupply.adapters.unit_of_work import SqlUnitOfWork, run_with_retry
from rxsupply.analytics.policy import Targets
from rxsupply.config import load_settings
from rxsupply.domain.clock import Clock
from rxsupply.domain.levels import ProposalFilter
from rxsupply.services import levels, planning


def decide(
    engine: Engine, recommendation_id: int, *, accept: bool, user: str, clock: Clock
) -> dict[str, Any]:
    """Accept or reject a pending recommendation; the decided recommendation."""
    run_with_retry(
        engine,
        lambda uow: levels.decide(
            uow, recommendation_id=recommendation_id, accept=accept, user=user, clock=clock
        ),
    )
    with engine.connect() as conn:
        return planning_queries.explained_recommendation(conn, recommendation_id)


def batch_summary(engine: Engine, match: ProposalFilter) -> dict[str, Any]:
    """What accepting the pending proposals that match would change (and how many)."""
    with SqlUnitOfWork(engine, readonly=True) as uow:
        summary = levels.review_batch(uow, match=match)
    return {"filter": match.as_dict(), **summary.as_dict()}


def decide_batch(
    engine: Engine,
    match: ProposalFilter,
    *,
    accept: bool,
    expected: int | None,
    user: str,
    clock: Clock,
) -> dict[str, Any]:
    """Accept or reject the pending proposals that match, as one audited action."""
    result = run_with_retry(
        engine,
        lambda uow: levels.decide_batch(
            uow, match=match, accept=accept, expected=expected, user=user, clock=clock
        ),
    )
    return {
        "filter": match.as_dict(),
        "decision": "accepted" if accept else "rejected",
        "decided": result.decided,
        "skipped": result.skipped,
        **result.summary.as_dict(),
    }


def describe_batch(done: dict[str, Any]) -> str:
    """One line saying what a decided batch did (what the page and the command line print)."""
    total = done["total"]
    skipped = f" ({done['skipped']:,} skipped: decided meanwhile or out of date)"
    text = (
        f"{done['decision'].capitalize()} {done['decided']:,} proposals"
        f"{skipped if done['skipped'] else ''}."
    )
    if done["decision"] == "accepted":
        text += (
            f" Stock value ${total['value_now']:,.2f} → ${total['value_new']:,.2f};"
            f" refills and orders a year {total['trips_now']:,.0f} → {total['trips_new']:,.0f};"
            f" stock-out days a year {total['stockout_days_now']:,.1f}"
            f" → {total['stockout_days_new']:,.1f}."
        )
    return text


def start_planning(engine: Engine, *, user: str, clock: Clock) -> dict[str, Any]:
    """Start the planning job in the background (one at a time); the job as it starts."""
    job_id = planning.start_job(SqlUnitOfWork(engine), user=user, clock=clock)
    worker = threading.Thread(
        target=planning.run_job,
        args=(lambda: SqlUnitOfWork(engine), job_id),
        kwargs={"user": user, "clock": clock, "costs": load_settings().ward_costs()},
        name=f"planning-job-{job_id}",
        daemon=True,
    )
    worker.start()
    return planning_job(engine, job_id)


def planning_job(engine: Engine, job_id: int) -> dict[str, Any]:
    """Where a background planning run is."""
    return planning.job_status(SqlUnitOfWork(engine, readonly=True), job_id).as_dict()


def plan_now(engine: Engine, *, user: str, clock: Clock, keep_dead: bool = False) -> dict[str, Any]:
    """Run the planning job on the ledger's history up to yesterday; its summary."""
    summary = planning.run_planning(
        SqlUnitOfWork(engine),
        targets=Targets(stock_dead=keep_dead),
        user=user,
        clock=clock,
        costs=load_settings().ward_costs(),
    )
    return asdict(summary) | {"seconds": round(summary.seconds, 2)}
