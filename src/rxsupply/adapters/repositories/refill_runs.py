"""Refill runs in SQL: :class:`SqlRefillRuns` (a run saved with its pick list, read back,
confirmed line by line, closed)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, insert, select, update

from rxsupply.adapters import tables as t
from rxsupply.domain.refilling import RefillLine, RefillRun, RunStatus

_LINE_FIELDS = (
    "line_number",
    "cabinet",
    "pocket",
    "item",
    "from_location",
    "ndc",
    "lot",
    "expiry",
    "quantity",
    "short",
    "remove",
    "confirmed",
    "scanned",
    "reported",
    "confirmed_by",
    "confirmed_at",
    "to_location",
)


class SqlRefillRuns:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, run: RefillRun) -> str:
        rr = t.refill_run
        run_id = int(
            self.conn.execute(
                insert(rr)
                .values(
                    number=f"new-{uuid4().hex[:24]}",  # the id's number replaces it below
                    route=run.route,
                    status=run.status.value,
                    created_by=run.created_by,
                    created_at=run.created_at,
                    closed_by="",
                )
                .returning(rr.c.id)
            ).scalar_one()
        )
        number = f"RF{run_id:06d}"
        self.conn.execute(update(rr).where(rr.c.id == run_id).values(number=number))
        if run.lines:
            self.conn.execute(
                insert(t.refill_line),
                [
                    {"run_id": run_id, **{f: getattr(ln, f) for f in _LINE_FIELDS}}
                    for ln in run.lines
                ],
            )
        return number

    def get(self, number: str, *, lock: bool = False) -> RefillRun | None:
        rr = t.refill_run
        stmt = select(rr).where(rr.c.number == number)
        if lock and self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        row = self.conn.execute(stmt).first()
        if row is None:
            return None
        run = _run(row._mapping)
        run.lines = self._lines([run.id or 0]).get(run.id or 0, [])
        return run

    def listed(self, *, status: RunStatus | None, limit: int) -> list[RefillRun]:
        rr = t.refill_run
        stmt = select(rr)
        if status is not None:
            stmt = stmt.where(rr.c.status == status.value)
        runs = [
            _run(r._mapping) for r in self.conn.execute(stmt.order_by(rr.c.id.desc()).limit(limit))
        ]
        lines = self._lines([r.id or 0 for r in runs])
        for run in runs:
            run.lines = lines.get(run.id or 0, [])
        return runs

    def open_cabinets(self) -> dict[str, str]:
        rr, rl = t.refill_run, t.refill_line
        rows = self.conn.execute(
            select(rl.c.cabinet, rr.c.number)
            .join(rr, rr.c.id == rl.c.run_id)
            .where(rr.c.status == RunStatus.OPEN.value)
            .distinct()
        ).all()
        return {str(cabinet): str(number) for cabinet, number in rows}

    def progress(
        self, line_id: int, *, scanned: int, reported: int, posted: int, user: str, at: datetime
    ) -> None:
        rl = t.refill_line
        self.conn.execute(
            update(rl)
            .where(rl.c.id == line_id)
            .values(
                confirmed=rl.c.confirmed + posted,
                scanned=rl.c.scanned + scanned,
                reported=rl.c.reported + reported,
                confirmed_by=user,
                confirmed_at=at,
            )
        )

    def close(
        self,
        run_id: int,
        *,
        allowed: Iterable[RunStatus],
        status: RunStatus,
        user: str,
        at: datetime,
    ) -> bool:
        rr = t.refill_run
        done = self.conn.execute(
            update(rr)
            .where(rr.c.id == run_id, rr.c.status.in_([s.value for s in allowed]))
            .values(status=status.value, closed_by=user, closed_at=at)
        )
        return done.rowcount == 1

    def _lines(self, run_ids: list[int]) -> dict[int, list[RefillLine]]:
        if not run_ids:
            return {}
        rl = t.refill_line
        rows = self.conn.execute(
            select(rl).where(rl.c.run_id.in_(run_ids)).order_by(rl.c.run_id, rl.c.line_number)
        ).all()
        out: dict[int, list[RefillLine]] = {}
        for row in rows:
            m = row._mapping
            out.setdefault(m["run_id"], []).append(
                RefillLine(id=m["id"], **{f: m[f] for f in _LINE_FIELDS})
            )
        return out


def _run(m: Any) -> RefillRun:
    return RefillRun(
        id=m["id"],
        number=m["number"],
        route=m["route"],
        status=RunStatus(m["status"]),
        created_by=m["created_by"],
        created_at=m["created_at"],
        closed_by=m["closed_by"],
        closed_at=m["closed_at"],
    )
