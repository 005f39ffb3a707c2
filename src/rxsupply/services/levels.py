"""Use cases around replenishment settings: set them, propose new ones, decide proposals.

Every change is written with its audit entry in the same transaction. Deciding a proposal is
safe under concurrency: the stock level row is locked, and a proposal is decided only while it
is still pending, so two managers clicking at once never both apply it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace

from rxsupply.domain.clock import Clock
from rxsupply.domain.levels import Decision, Recommendation, StockLevel
from rxsupply.errors import AlreadyDecided, NotFound, StaleRecommendation
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
    now = clock.now()
    before = uow.stock_levels.get(level.location_id, level.item_id, lock=True)
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
    uow.commit()


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
        after={**(_levels(after) or {}), "recommendation": recommendation_id},
        now=now,
    )
    uow.commit()
    return replace(rec, status=status, decided_by=user)
