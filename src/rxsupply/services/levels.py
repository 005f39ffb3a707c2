"""Use cases around replenishment settings: set them, propose new ones, decide proposals.

Every change is written with its audit entry in the same transaction. Deciding a proposal is
safe under concurrency: the stock level row is locked, and a proposal is decided only while it
is still pending, so two managers clicking at once never both apply it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, astuple, dataclass, replace
from datetime import datetime
from typing import Any

from rxsupply.domain.clock import Clock
from rxsupply.domain.levels import Decision, ProposalFilter, Recommendation, StockLevel
from rxsupply.errors import AlreadyDecided, NotFound, StaleBatch, StaleRecommendation
from rxsupply.services.audit import record
from rxsupply.services.ports import UnitOfWork


def _levels(level: StockLevel | None) -> dict[str, int] | None:
    if level is None:
        return None
    out = asdict(level)
    out.pop("location_id")
    out.pop("item_id")
    return out


def set_stock_level(uow: UnitOfWork, *, level: StockLevel, user: str, clock: Clock) -> None:
    """Set (or change) min and max of an item at a location."""
    before = uow.stock_levels.get(level.location_id, level.item_id, lock=True)
    save_stock_level(uow, level=level, before=before, user=user, clock=clock)
    uow.commit()


def save_stock_level(
    uow: UnitOfWork, *, level: StockLevel, before: StockLevel | None, user: str, clock: Clock
) -> None:
    """Write levels with their audit entry in the caller's transaction (no commit); ``before``
    is what the caller read, locked."""
    now = clock.now()
    uow.stock_levels.save(level, now=now, user=user)
    record(
        uow,
        user=user,
        action="set-levels",
        entity="stock_level",
        key=f"{level.location_id}:{level.item_id}",
        before=_levels(before),
        after=_levels(level),
        now=now,
    )


def propose(
    uow: UnitOfWork,
    *,
    recommendations: Sequence[Recommendation],
    classes: Sequence[Mapping[str, object]] = (),
    user: str,
    clock: Clock,
) -> int:
    """Store a planning run: its view of every item-location (``classes``) replaces the last
    run's, and its recommendations wait for review; older pending ones for the same
    item-locations are superseded."""
    now = clock.now()
    uow.recommendations.lock_for_run()
    if classes:
        uow.series_classes.replace_all(classes, now=now)
    # every item-location this run looked at: an older proposal it no longer makes (the
    # current levels are right now) must not stay acceptable
    looked_at = {(int(str(c["location_id"])), int(str(c["item_id"]))) for c in classes}
    superseded = uow.recommendations.supersede_pending(
        looked_at | {(r.location_id, r.item_id) for r in recommendations}, now=now
    )
    added = uow.recommendations.add_many(recommendations, now=now)
    record(
        uow,
        user=user,
        action="propose-levels",
        entity="recommendation",
        after={"proposed": added, "superseded": superseded, "series": len(classes)},
        now=now,
    )
    uow.commit()
    return added


def decide(
    uow: UnitOfWork, *, recommendation_id: int, accept: bool, user: str, clock: Clock
) -> Recommendation:
    """Accept (the levels change) or reject a pending recommendation."""
    now = clock.now()
    rec = uow.recommendations.get(recommendation_id, lock=True)
    if rec is None:
        raise NotFound("recommendation", recommendation_id)
    decided = _decide(uow, rec, accept=accept, user=user, now=now)
    uow.commit()
    return decided


def _decide(
    uow: UnitOfWork,
    rec: Recommendation,
    *,
    accept: bool,
    user: str,
    now: datetime,
    batch: str | None = None,
) -> Recommendation:
    """Decide one recommendation inside the caller's transaction, with its audit entry."""
    recommendation_id = int(rec.id or 0)
    if rec.status != Decision.PENDING:
        raise AlreadyDecided(recommendation_id, rec.status.value)
    status = Decision.ACCEPTED if accept else Decision.REJECTED
    before = uow.stock_levels.get(rec.location_id, rec.item_id, lock=accept)
    now_levels = (before.min_level, before.max_level) if before else (None, None)
    if accept and now_levels != (rec.current_min, rec.current_max):
        raise StaleRecommendation(recommendation_id)
    if not uow.recommendations.decide(recommendation_id, status, user=user, now=now):
        raise AlreadyDecided(recommendation_id, "decided")
    after = before
    if accept:
        timing = json.loads(rec.explanation)
        after = StockLevel(
            location_id=rec.location_id,
            item_id=rec.item_id,
            min_level=rec.min_level,
            max_level=rec.max_level,
            lead_time_days=int(
                timing.get("lead_time_days", before.lead_time_days if before else 1)
            ),
            review_period_days=int(
                timing.get("review_period_days", before.review_period_days if before else 1)
            ),
        )
        uow.stock_levels.save(after, now=now, user=user)
    record(
        uow,
        user=user,
        action="accept-levels" if accept else "reject-levels",
        entity="stock_level",
        key=f"{rec.location_id}:{rec.item_id}",
        before=_levels(before),
        after={
            **(_levels(after) or {}),
            "recommendation": recommendation_id,
            **({"batch": batch} if batch else {}),
        },
        now=now,
    )
    return replace(rec, status=status, decided_by=user)


# --- batches -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """What a set of proposals changes, summed, by the plan's own estimates: average stock
    value (money), refills or orders a year, and expected stock-out days a year, under the
    levels in force (``*_now``) and under the proposals (``*_new``)."""

    proposals: int = 0
    value_now: float = 0.0
    value_new: float = 0.0
    trips_now: float = 0.0
    trips_new: float = 0.0
    stockout_days_now: float = 0.0
    stockout_days_new: float = 0.0

    def __add__(self, other: Change) -> Change:
        return Change(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    def as_dict(self) -> dict[str, float]:
        out: dict[str, float] = {k: round(v, 2) for k, v in asdict(self).items()}
        out["value_change"] = round(self.value_new - self.value_now, 2)
        out["trips_change"] = round(self.trips_new - self.trips_now, 2)
        out["stockout_days_change"] = round(self.stockout_days_new - self.stockout_days_now, 2)
        return out


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """A batch's change in total and by location kind, ABC class and cabinet."""

    total: Change
    by_kind: dict[str, Change]
    by_class: dict[str, Change]
    by_cabinet: dict[str, Change]

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total.as_dict(),
            "by_kind": {k: v.as_dict() for k, v in sorted(self.by_kind.items())},
            "by_class": {k: v.as_dict() for k, v in sorted(self.by_class.items())},
            "by_cabinet": {k: v.as_dict() for k, v in sorted(self.by_cabinet.items())},
        }


def change_of(rec: Recommendation, e: Mapping[str, Any]) -> Change:
    """One proposal's change, from its explanation ``e``: average stock ``(min + 1 + max) / 2``
    less the demand of the protection interval (never below zero) times the unit cost; a
    refill or order every ``max - min`` units of demand; the replayed chance of an empty day
    (current levels) or the plan's (proposed ones) times 365."""
    mean = float(e.get("mean_daily_demand") or 0.0)
    cover = mean * float(e.get("protection_days") or 1)
    cost = float(e.get("unit_cost") or 0.0)

    def stock(low: int | None, high: int | None) -> tuple[float, float]:
        if low is None or high is None or high <= 0:
            return 0.0, 0.0
        value = max(0.0, (low + 1 + high) / 2.0 - cover) * cost
        trips = 365.0 * mean / max(high - low, 1)
        return value, trips

    value_now, trips_now = stock(rec.current_min, rec.current_max)
    value_new, trips_new = stock(rec.min_level, rec.max_level)
    empty_now = float(e.get("current_empty_day_chance") or 0.0) if rec.current_max else 0.0
    empty_new = 0.0 if rec.max_level == 0 else float(e.get("empty_day_chance") or 0.0)
    return Change(
        proposals=1,
        value_now=value_now,
        value_new=value_new,
        trips_now=trips_now,
        trips_new=trips_new,
        stockout_days_now=365.0 * empty_now,
        stockout_days_new=365.0 * empty_new,
    )


def summarize(recs: Sequence[Recommendation]) -> BatchSummary:
    """What accepting ``recs`` would change, in total and by kind, class and cabinet."""
    total = Change()
    groups: dict[str, dict[str, Change]] = {"kind": {}, "abc": {}, "cabinet": {}}
    for rec in recs:
        e = json.loads(rec.explanation)
        change = change_of(rec, e)
        total = total + change
        for field, by in groups.items():
            key = str(e.get(field if field != "kind" else "location_kind") or "?")
            by[key] = by.get(key, Change()) + change
    return BatchSummary(
        total=total,
        by_kind=groups["kind"],
        by_class=groups["abc"],
        by_cabinet=groups["cabinet"],
    )


@dataclass(frozen=True, slots=True)
class BatchResult:
    """A batch decided: how many, which were left (decided meanwhile, or levels changed
    since the run), and the summary of those decided."""

    decided: int
    skipped: int
    summary: BatchSummary


def review_batch(uow: UnitOfWork, *, match: ProposalFilter) -> BatchSummary:
    """The summary of the pending proposals that match (reads only)."""
    return summarize(uow.recommendations.pending(match))


def decide_batch(
    uow: UnitOfWork,
    *,
    match: ProposalFilter,
    accept: bool,
    expected: int | None,
    user: str,
    clock: Clock,
) -> BatchResult:
    """Accept or reject every pending proposal that matches, in one transaction, with one
    audit entry holding the filter and the batch's summary (and one per level changed).

    ``expected`` is how many the user reviewed: when another number matches now (a new run,
    another manager), nothing is decided. A proposal decided meanwhile, or whose levels
    changed since the run, is left out and counted in ``skipped``."""
    now = clock.now()
    recs = uow.recommendations.pending(match)
    if expected is not None and len(recs) != expected:
        raise StaleBatch(expected, len(recs))
    batch = f"{'accept' if accept else 'reject'} {now.isoformat()} {user}"
    done: list[Recommendation] = []
    skipped = 0
    for rec in recs:
        locked = uow.recommendations.get(int(rec.id or 0), lock=True)
        if locked is None:
            skipped += 1
            continue
        try:
            _decide(uow, locked, accept=accept, user=user, now=now, batch=batch)
        except AlreadyDecided:  # decided meanwhile, or its levels changed (StaleRecommendation)
            skipped += 1
            continue
        done.append(locked)
    summary = summarize(done)
    record(
        uow,
        user=user,
        action="accept-levels-batch" if accept else "reject-levels-batch",
        entity="recommendation",
        key=batch,
        after={
            "filter": match.as_dict(),
            "decided": len(done),
            "skipped": skipped,
            "summary": summary.as_dict(),
        },
        now=now,
    )
    uow.commit()
    return BatchResult(decided=len(done), skipped=skipped, summary=summary)
