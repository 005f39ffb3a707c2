"""Deciding proposed levels and running the planning job: what the planning endpoints
(``entrypoints.api.planning_routes``) and the planning pages (``entrypoints.web.planning``) both
do, so a page shows what its endpoint returns.

Each reads the clock here, at the entrypoint, and passes it down.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import Engine

from rxsupply.adapters import planning_queries
from rxsupply.adapters.planning_runs import run_planning
from rxsupply.adapters.unit_of_work import run_with_retry
from rxsupply.analytics.policy import Targets
from rxsupply.entrypoints import clock
from rxsupply.services import levels


def decide(engine: Engine, recommendation_id: int, *, accept: bool, user: str) -> dict[str, Any]:
    """Accept or reject a pending recommendation; the decided recommendation."""
    run_with_retry(
        engine,
        lambda uow: levels.decide(
            uow, recommendation_id=recommendation_id, accept=accept, user=user, now=clock.now()
        ),
    )
    with engine.connect() as conn:
        return planning_queries.recommendation(conn, recommendation_id)


def plan_now(engine: Engine, *, user: str, keep_dead: bool = False) -> dict[str, Any]:
    """Run the planning job on the ledger's history up to yesterday; its summary."""
    summary = run_planning(
        engine,
        today=clock.local_today(),
        zone=clock.facility_zone(),
        now=clock.now(),
        user=user,
        targets=Targets(stock_dead=keep_dead),
    )
    return asdict(summary) | {"seconds": round(summary.seconds, 2)}
