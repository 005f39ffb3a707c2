"""Background planning runs in SQL: :class:`SqlPlanningJobs` (started, advanced, finished)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from rxsupply.adapters import tables as t
from rxsupply.domain.jobs import PlanningJob


def _job(row: Any) -> PlanningJob:
    return PlanningJob(
        id=int(row.id),
        started_at=row.started_at,
        started_by=row.started_by,
        status=row.status,
        stage=row.stage,
        progress=float(row.progress),
        message=row.message,
        updated_at=row.updated_at,
        finished_at=row.finished_at,
        series=row.series,
        proposed=row.proposed,
    )


class SqlPlanningJobs:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def start(self, *, user: str, now: datetime) -> int:
        result = self.conn.execute(
            insert(t.planning_job).values(
                started_at=now,
                started_by=user,
                status="running",
                stage="starting",
                progress=0.0,
                message="",
                updated_at=now,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def get(self, job_id: int) -> PlanningJob | None:
        row = self.conn.execute(select(t.planning_job).where(t.planning_job.c.id == job_id)).first()
        return _job(row) if row else None

    def running(self, *, now: datetime, stale_after: timedelta) -> PlanningJob | None:
        """The job running now, if one reported within ``stale_after`` (a job silent longer
        died with its process)."""
        pj = t.planning_job
        row = self.conn.execute(
            select(pj)
            .where(pj.c.status == "running", pj.c.updated_at >= now - stale_after)
            .order_by(pj.c.id.desc())
            .limit(1)
        ).first()
        return _job(row) if row else None

    def advance(self, job_id: int, *, stage: str, progress: float, now: datetime) -> None:
        pj = t.planning_job
        self.conn.execute(
            update(pj)
            .where(pj.c.id == job_id, pj.c.status == "running")
            .values(stage=stage, progress=progress, updated_at=now)
        )

    def finish(
        self,
        job_id: int,
        *,
        status: str,
        message: str,
        now: datetime,
        series: int | None = None,
        proposed: int | None = None,
    ) -> None:
        pj = t.planning_job
        self.conn.execute(
            update(pj)
            .where(pj.c.id == job_id)
            .values(
                status=status,
                stage="finished" if status == "done" else "failed",
                progress=1.0 if status == "done" else pj.c.progress,
                message=message[:2000],
                updated_at=now,
                finished_at=now,
                series=series,
                proposed=proposed,
            )
        )
