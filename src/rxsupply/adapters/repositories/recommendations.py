"""Planning recommendations in SQL: :class:`SqlRecommendations` (a run's proposals added,
older pending ones superseded, each decided once, runs serialised by a table lock)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    update,
)

from rxsupply.adapters import tables as t
from rxsupply.adapters.queries.filters import escaped, product_filter, subtree_ids
from rxsupply.domain.levels import Decision, ProposalFilter, Recommendation


def _recommendation(row: Any) -> Recommendation:
    return Recommendation(
        id=row.id,
        run_at=row.run_at,
        location_id=row.location_id,
        item_id=row.item_id,
        current_min=row.current_min,
        current_max=row.current_max,
        min_level=row.min_level,
        max_level=row.max_level,
        explanation=row.explanation,
        status=Decision(row.status),
        decided_by=row.decided_by,
    )


class SqlRecommendations:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock_for_run(self) -> None:
        """Serialise planning runs: a second run waits for the first to commit, then supersedes
        its proposals instead of adding a second pending set beside them. (SQLite's write
        transactions are serial already.) Reads and decisions of other proposals go on."""
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(text("LOCK TABLE recommendation IN SHARE ROW EXCLUSIVE MODE"))

    def add_many(self, recommendations: Sequence[Recommendation], *, now: datetime) -> int:
        rows = [
            {
                "run_at": now,
                "location_id": r.location_id,
                "item_id": r.item_id,
                "current_min": r.current_min,
                "current_max": r.current_max,
                "min_level": r.min_level,
                "max_level": r.max_level,
                "explanation": r.explanation,
                "status": Decision.PENDING.value,
            }
            for r in recommendations
        ]
        for start in range(0, len(rows), 2000):
            self.conn.execute(insert(t.recommendation), rows[start : start + 2000])
        return len(rows)

    def get(self, recommendation_id: int, *, lock: bool = False) -> Recommendation | None:
        rc = t.recommendation
        query = select(rc).where(rc.c.id == recommendation_id)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return _recommendation(row) if row else None

    def decide(self, recommendation_id: int, status: Decision, *, user: str, now: datetime) -> bool:
        """Decide a pending recommendation; False when it was no longer pending (someone
        else decided it first), so two managers never both apply one."""
        rc = t.recommendation
        result = self.conn.execute(
            update(rc)
            .where(rc.c.id == recommendation_id, rc.c.status == Decision.PENDING.value)
            .values(status=status.value, decided_by=user, decided_at=now)
        )
        return bool(result.rowcount == 1)

    def supersede_pending(self, keys: Iterable[tuple[int, int]], *, now: datetime) -> int:
        """Mark older pending recommendations of these item-locations as superseded."""
        rc = t.recommendation
        total = 0
        wanted = set(keys)
        pending = self.conn.execute(
            select(rc.c.id, rc.c.location_id, rc.c.item_id).where(
                rc.c.status == Decision.PENDING.value
            )
        ).all()
        ids = [r.id for r in pending if (r.location_id, r.item_id) in wanted]
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            result = self.conn.execute(
                update(rc)
                .where(rc.c.id.in_(chunk), rc.c.status == Decision.PENDING.value)
                .values(status="superseded", decided_by="planning run", decided_at=now)
            )
            total += int(result.rowcount)
        return total

    def pending(self, match: ProposalFilter) -> list[Recommendation]:
        """The pending recommendations that match, by location code then item code."""
        rc, it, loc = t.recommendation, t.item, t.location
        query = (
            select(rc)
            .join(it, it.c.id == rc.c.item_id)
            .join(loc, loc.c.id == rc.c.location_id)
            .where(rc.c.status == Decision.PENDING.value)
        )
        query = matching(query, match).order_by(loc.c.code, it.c.code)
        return [_recommendation(r) for r in self.conn.execute(query)]


def matching(query: Select[Any], match: ProposalFilter) -> Select[Any]:
    """``query`` (recommendations joined to their item and location) narrowed to the
    recommendations ``match`` takes (:class:`~rxsupply.domain.levels.ProposalFilter`): the
    location named and everything below it, and an item by part of its code or name or, for
    text of digits (hyphens and spaces aside), by its products' NDCs and barcodes."""
    rc, it, loc = t.recommendation, t.item, t.location
    if match.cabinet:
        query = query.where(rc.c.location_id.in_(subtree_ids(match.cabinet)))
    if match.kind:
        query = query.where(loc.c.kind == match.kind)
    if match.abc:
        sc = t.series_class
        query = query.where(
            exists().where(
                sc.c.location_id == rc.c.location_id,
                sc.c.item_id == rc.c.item_id,
                sc.c.abc == match.abc,
            )
        )
    if match.item:
        pattern = f"%{escaped(match.item.lower())}%"
        named = or_(
            func.lower(it.c.code).like(pattern, escape="\\"),
            func.lower(it.c.name).like(pattern, escape="\\"),
        )
        digits = "".join(ch for ch in match.item if ch in "0123456789")
        if len(digits) >= 4 and len(digits) == len(match.item.replace("-", "").replace(" ", "")):
            ip, p = t.item_product, t.product
            named = or_(
                named,
                exists().where(
                    ip.c.item_id == rc.c.item_id,
                    p.c.id == ip.c.product_id,
                    product_filter(match.item),
                ),
            )
        query = query.where(named)
    return query
