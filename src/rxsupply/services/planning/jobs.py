"""The planning job in the background: :func:`start_job` records a run (one at a time),
:func:`run_job` runs it (:func:`~rxsupply.services.planning.job.run_planning`), recording its
stage and progress as it goes, and how it ended, so any server process can show it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from rxsupply.analytics.planning import plan
from rxsupply.analytics.policy import Targets, WardCosts
from rxsupply.domain.clock import Clock
from rxsupply.domain.jobs import PlanningJob
from rxsupply.errors import NotFound, PlanningBusy
from rxsupply.services.audit import record
from rxsupply.services.planning.job import PlanFunction, run_planning
from rxsupply.services.ports import UnitOfWork

STALE = timedelta(minutes=10)
"""A running job that has not reported for this long died with its process."""
STEP = 0.01
"""Progress is recorded when it has moved this far (or the stage changed)."""
log = logging.getLogger(__name__)


def start_job(uow: UnitOfWork, *, user: str, clock: Clock) -> int:
    """Record a new planning run for ``user`` (audited); refused while another is running."""
    now = clock.now()
    with uow:
        uow.recommendations.lock_for_run()  # two managers starting at once: one after the other
        busy = uow.planning_jobs.running(now=now, stale_after=STALE)
        if busy is not None:
            raise PlanningBusy(busy.id, busy.started_by)
        job_id = uow.planning_jobs.start(user=user, now=now)
        record(
            uow,
            user=user,
            action="start-planning",
            entity="planning_job",
            key=str(job_id),
            after={"job": job_id},
            now=now,
        )
        uow.commit()
    return job_id


def job_status(uow: UnitOfWork, job_id: int) -> PlanningJob:
    """Where a planning run is."""
    with uow:
        job = uow.planning_jobs.get(job_id)
    if job is None:
        raise NotFound("planning job", job_id)
    return job


def run_job(
    make_uow: Callable[[], UnitOfWork],
    job_id: int,
    *,
    user: str,
    clock: Clock,
    targets: Targets | None = None,
    planner: PlanFunction = plan,
    costs: WardCosts | None = None,
) -> None:
    """Run the planning job ``job_id`` (started by :func:`start_job`), recording its progress
    in short transactions of their own, and its end: done with its summary, or failed with
    the reason. Never raises: nobody is waiting on the thread it runs in."""
    last: list[tuple[str, float]] = [("", -1.0)]

    def progress(stage: str, fraction: float) -> None:
        was_stage, was = last[0]
        if stage == was_stage and fraction - was < STEP:
            return
        last[0] = (stage, fraction)
        with make_uow() as uow:
            uow.planning_jobs.advance(job_id, stage=stage, progress=fraction, now=clock.now())
            uow.commit()

    try:
        summary = run_planning(
            make_uow(),
            targets=targets,
            planner=planner,
            user=user,
            clock=clock,
            progress=progress,
            costs=costs,
        )
    except Exception as exc:  # the job's record is where the failure is seen
        log.exception("planning job %s failed", job_id)
        with make_uow() as uow:
            uow.planning_jobs.finish(job_id, status="failed", message=f"{exc}", now=clock.now())
            uow.commit()
        return
    with make_uow() as uow:
        uow.planning_jobs.finish(
            job_id,
            status="done",
            message=(
                f"Planning done in {summary.seconds:,.1f} s: {summary.series:,} item-locations "
                f"classified, {summary.proposed:,} changed levels proposed for review."
            ),
            now=clock.now(),
            series=summary.series,
            proposed=summary.proposed,
        )
        uow.commit()
