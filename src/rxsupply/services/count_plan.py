"""The count plan: which item-locations are due for a count, from the clock's today.

Each item-location with stock (and each pocket assigned an item) is counted every
``CountRules.interval`` days for its ABC class, or every ``controlled_days`` when one of its
products is a controlled substance. Its class comes from the latest planning run
(``series_class``); an item-location the run did not classify is ranked by its usage value
over the last 365 days (dispenses, wastes and issues out of it, at package cost): the plan says
which source each class came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from rxsupply.domain.clock import Clock
from rxsupply.domain.counting import CountRules, abc_by_value, due_date
from rxsupply.services.ports import UnitOfWork

PLANNING_RUN = "planning run"
USAGE_VALUE = "usage value (no planning run)"


def count_plan(
    uow: UnitOfWork,
    *,
    rules: CountRules,
    clock: Clock,
    location_ids: Iterable[int] | None = None,
    only_due: bool = True,
) -> list[dict[str, Any]]:
    """The plan's item-locations (only those due today or overdue, by default), most overdue
    first: class and where it came from, interval, last counted, due date, days overdue."""
    today = clock.today()
    start = datetime.combine(today - timedelta(days=365), time(), tzinfo=clock.zone)
    rows = uow.counts.plan_rows(usage_since=start)
    fallback = abc_by_value({(r.location_id, r.item_id): r.usage_value for r in rows})
    wanted = None if location_ids is None else set(location_ids)
    out: list[dict[str, Any]] = []
    for r in rows:
        if wanted is not None and r.location_id not in wanted:
            continue
        abc = r.abc or fallback[(r.location_id, r.item_id)]
        interval = rules.interval(abc, controlled=r.controlled)
        due = due_date(r.last_counted, interval, today)
        if only_due and due > today:
            continue
        out.append(
            {
                "location": r.location,
                "item": r.item,
                "name": r.item_name,
                "abc": abc,
                "class_from": PLANNING_RUN if r.abc else USAGE_VALUE,
                "controlled": r.controlled,
                "interval_days": interval,
                "last_counted": r.last_counted.isoformat() if r.last_counted else None,
                "due": due.isoformat(),
                "days_overdue": (today - due).days,
                "location_id": r.location_id,
                "item_id": r.item_id,
            }
        )
    out.sort(key=lambda d: (d["due"], d["location"], d["item"]))
    return out


def due_pairs(
    uow: UnitOfWork, *, rules: CountRules, clock: Clock, location_ids: Iterable[int]
) -> set[tuple[int, int | None]]:
    """(location id, item id) of the item-locations due today among ``location_ids``."""
    return {
        (int(r["location_id"]), int(r["item_id"]))
        for r in count_plan(uow, rules=rules, clock=clock, location_ids=location_ids)
    }
