"""A planning run's results on the example hospital, written without running the planning job.

The API and web tests need classes (``series_class``) and pending recommendations to show and
decide; :func:`propose_examples` stores them through ``services.levels.propose`` (what a run
stores), in a fraction of a second. The figures are made up but consistent: each
recommendation's explanation has every key a real run writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from tests.conftest import NOW

from rxsupply.adapters.planning_queries import recommendation_rows
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.levels import Recommendation, StockLevel
from rxsupply.services import levels

ONDANSETRON_ICU = ("ONDA4INJ", "ICU-ADC1-P01")
"""Has levels (5 / 25) before the run; the run proposes 6 / 30."""
MORPHINE_ICU = ("MORPH2INJ", "ICU-ADC1-P02")
"""No levels yet; the run proposes 2 / 10."""
APAP_ED = ("APAP325TAB", "ED-ADC1-P02")
"""No levels yet; the run proposes 40 / 200."""
CURRENT = {ONDANSETRON_ICU: (5, 25)}
UNIT_COST = {"ONDA4INJ": 0.5, "MORPH2INJ": 2.0, "APAP325TAB": 0.05}
NAMES = {"ONDA4INJ": "ondansetron", "MORPH2INJ": "morphine", "APAP325TAB": "acetaminophen"}
EMPTY_DAY_CHANCE = {
    ONDANSETRON_ICU: (0.01, 0.002),
    MORPHINE_ICU: (0.0, 0.004),
    APAP_ED: (0.0, 0.01),
}
"""The chance of an empty day under the levels in force (replayed) and under the proposal."""
PROPOSED = {ONDANSETRON_ICU: (6, 30), MORPHINE_ICU: (2, 10), APAP_ED: (40, 200)}

COLUMNS = (
    "abc", "xyz", "demand_class", "lifecycle", "mean_daily_demand", "sd_daily_demand",
    "annual_value", "method", "distribution", "min_level", "max_level", "target",
)  # fmt: skip
ROWS: list[tuple[tuple[str, str], tuple[Any, ...]]] = [
    (ONDANSETRON_ICU,
     ("A", "X", "smooth", "active", 3.2, 1.6, 876.0, "ses", "poisson", 6, 30, 0.95)),
    (("ONDA4INJ", "ED-ADC1-P01"),
     ("A", "Y", "smooth", "active", 1.5, 1.1, 410.6, "ses", "poisson", 3, 20, 0.95)),
    (MORPHINE_ICU,
     ("A", "Z", "intermittent", "new", 0.6, 0.9, 683.3, "sba", "negative_binomial", 2, 10, 0.995)),
    (APAP_ED, ("C", "X", "smooth", "active", 24.0, 6.0, 359.2, "ses", "normal", 40, 200, 0.9)),
    (("APAP325TAB", "ICU-ADC1-P03"),
     ("C", "Z", "lumpy", "sporadic", 2.0, 5.5, 29.9, "tsb", "empirical", 10, 60, 0.9)),
]  # fmt: skip
CLASSES = {
    key: {**dict(zip(COLUMNS, values, strict=True)), "forecast_daily": values[4]}
    for key, values in ROWS
}
"""The run's classes of five pockets (what ``series_class`` holds)."""


def explanation(item: str, location: str) -> str:
    """The explanation a run stores with a recommendation (planning's ``Plan.rows()``)."""
    c = CLASSES[(item, location)]
    low, high = PROPOSED[(item, location)]
    return json.dumps(
        {
            "series_id": f"{item}@{location}",
            "min": low,
            "max": high,
            "reorder_point": low,
            "order_up_to": high,
            "order_quantity": high - low,
            "safety_stock": round(max(low - c["mean_daily_demand"] * 2, 0.0), 2),
            "mean_daily_demand": c["mean_daily_demand"],
            "sd_daily_demand": c["sd_daily_demand"],
            "method": c["method"],
            "distribution": c["distribution"],
            "lead_time_days": 1,
            "review_period_days": 1,
            "protection_days": 2,
            "service_measure": "fill-rate",
            "target": c["target"],
            "abc": c["abc"],
            "xyz": c["xyz"],
            "demand_class": c["demand_class"],
            "lifecycle": c["lifecycle"],
            "capped_by_capacity": high >= 200,
            "do_not_stock": False,
            "min_days_of_supply": round(low / c["mean_daily_demand"], 1),
            "max_days_of_supply": round(high / c["mean_daily_demand"], 1),
            "case_pack": 1,
            "min_packages": float(low),
            "max_packages": float(high),
            "ceiling_days": None,
            "max_ceiling": None,
            "shelf_life_at_receipt_days": 540,
            "stockout_cost": 100.0 if item == "MORPH2INJ" else 50.0,
            "expected_fill_rate": 0.995,
            "expected_cycle_service_level": 0.99,
            "empty_day_chance": EMPTY_DAY_CHANCE[(item, location)][1],
            "item_name": NAMES[item],
            "location": location,
            "location_kind": "pocket",
            "cabinet": location.rsplit("-", 1)[0],
            "controlled": item == "MORPH2INJ",
            "unit_cost": UNIT_COST[item],
            "current_min": CURRENT.get((item, location), (None, None))[0],
            "current_max": CURRENT.get((item, location), (None, None))[1],
            "current_fill_rate": 0.99 if (item, location) in CURRENT else None,
            "current_cycle_service_level": 0.98 if (item, location) in CURRENT else None,
            "current_empty_day_chance": EMPTY_DAY_CHANCE[(item, location)][0]
            if (item, location) in CURRENT
            else None,
        },
        sort_keys=True,
    )


@dataclass(frozen=True, slots=True)
class Ids:
    items: dict[str, int]
    locations: dict[str, int]

    def key(self, item: str, location: str) -> tuple[int, int]:
        return self.locations[location], self.items[item]


def ids_of(engine: Engine) -> Ids:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return Ids(uow.items.ids_by_code(), uow.locations.ids_by_code())


def pending(engine: Engine) -> dict[tuple[str, str], int]:
    """The pending recommendations' ids by (item, location)."""
    with engine.connect() as conn:
        rows = recommendation_rows(conn, status="pending", limit=10_000)
    return {(r["item"], r["location"]): int(r["id"]) for r in rows}


def propose_examples(
    engine: Engine,
    *,
    only: tuple[tuple[str, str], ...] | None = None,
    now: datetime = NOW,
) -> dict[tuple[str, str], int]:
    """Store the classes of five pockets and recommendations for three of them, with
    ondansetron at ICU-ADC1-P01 set to 5 / 25 first; or, with ``only``, just recommendations
    for those item-locations. Older pending ones of the same item-locations are superseded.
    The new recommendations' ids by (item, location)."""
    ids = ids_of(engine)
    keys = only or tuple(PROPOSED)
    for item, location in CURRENT if only is None else ():
        low, high = CURRENT[(item, location)]
        loc_id, item_id = ids.key(item, location)
        with SqlUnitOfWork(engine) as uow:
            levels.set_stock_level(
                uow,
                level=StockLevel(
                    location_id=loc_id, item_id=item_id, min_level=low, max_level=high
                ),
                user="tests",
                clock=FixedClock(now),
            )
    recommendations = []
    for item, location in keys:
        loc_id, item_id = ids.key(item, location)
        with SqlUnitOfWork(engine, readonly=True) as uow:  # what a run sees: the levels now
            now_set = uow.stock_levels.get(loc_id, item_id)
        current = (now_set.min_level, now_set.max_level) if now_set else None
        low, high = PROPOSED[(item, location)]
        recommendations.append(
            Recommendation(
                location_id=loc_id,
                item_id=item_id,
                min_level=low,
                max_level=high,
                current_min=current[0] if current else None,
                current_max=current[1] if current else None,
                explanation=explanation(item, location),
            )
        )
    classes = (
        [
            {
                "location_id": ids.locations[location],
                "item_id": ids.items[item],
                **values,
            }
            for (item, location), values in CLASSES.items()
        ]
        if only is None
        else []
    )
    with SqlUnitOfWork(engine) as uow:
        levels.propose(
            uow,
            recommendations=recommendations,
            classes=classes,
            user="tests",
            clock=FixedClock(now),
        )
    found = pending(engine)
    return {key: found[key] for key in keys}


def fresh_recommendation(engine: Engine, key: tuple[str, str] = MORPHINE_ICU) -> int:
    """A new pending recommendation for one item-location (no classes written); its id."""
    return propose_examples(engine, only=(key,))[key]
