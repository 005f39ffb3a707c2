"""The demand history a planning run works on, read through the demand history port
(``uow.demand``), and what planning derives from what it says about each series: the
settings the policy needs, the annual consumption value and ABC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np

from rxsupply.analytics import classification as cls
from rxsupply.analytics.demand import DemandMatrix, mean_daily
from rxsupply.analytics.policy import Setting, WardCosts
from rxsupply.analytics.series import Ints, SeriesInfo
from rxsupply.domain.clock import Clock
from rxsupply.services.ports import UnitOfWork

PLANNING_HISTORY_DAYS = 730
"""Days of demand a planning run looks back over: two years, so every season twice."""


@dataclass(frozen=True, slots=True)
class History:
    """The daily demand of every series and what planning knows about each (aligned rows)."""

    demand: DemandMatrix
    info: SeriesInfo

    def take(self, rows: Ints) -> History:
        """Some series only, in the order of ``rows``."""
        return History(demand=self.demand.select(rows), info=self.info.take(rows))


def load_history(uow: UnitOfWork, *, clock: Clock, days: int = PLANNING_HISTORY_DAYS) -> History:
    """The last ``days`` local days of demand up to yesterday (the clock's day before today,
    in the facility's zone), from the first day the ledger knows anything of: the days before
    it are unknown for every series (no stock, no demand: censored), and a history padded with
    them would be planned on months of made-up, even demand (:meth:`DemandMatrix.filled`)."""
    today = clock.today()
    demand, info = uow.demand.daily(
        start=today - timedelta(days=days), end=today - timedelta(days=1), zone=clock.zone
    )
    return History(demand=since_first_observed(demand), info=info)


def since_first_observed(demand: DemandMatrix) -> DemandMatrix:
    """``demand`` from its first day on which any series was observed (unchanged when none
    was, or the first day was)."""
    observed = np.flatnonzero(demand.observed().any(axis=0))
    first = int(observed[0]) if observed.size else 0
    return demand.window(first, demand.days) if first > 0 else demand


def setting_for(info: SeriesInfo, *, abc: Any = None, costs: WardCosts | None = None) -> Setting:
    """What the policy needs to know about each series besides its demand: where and how it
    is replenished, what a stock-out day costs there (:class:`WardCosts`), the expected shelf
    life of what it receives, that a stocked pocket's min is at least one and, with the
    series' ``abc`` classes, the storeroom's days-of-supply ceilings."""
    costs = costs or WardCosts()
    storeroom = info.issuing()
    vital = info.criticality == "vital"
    return Setting(
        lead_time_days=info.lead_time_days.astype(np.int64),
        review_period_days=info.review_period_days.astype(np.int64),
        capacity=info.capacity,
        vital=vital,
        unit_cost=info.unit_cost,
        case_pack=info.case_pack,
        storeroom=storeroom,
        stockout_cost=costs.stockout_cost(
            storeroom=storeroom, vital=vital, controlled=info.controlled
        ),
        shelf_life_days=info.shelf_life_days.astype(np.int64),
        ceiling_days=None if abc is None else costs.ceilings(np.asarray(abc), storeroom),
        least_min=np.where(storeroom, 0, 1).astype(np.int64),
    )


def annual_value(quantities: np.ndarray, info: SeriesInfo) -> np.ndarray:
    """Annual consumption value per item-location (historical mean x 365 x unit cost), the
    basis of ABC. A storeroom's or satellite's demand is what it issues to the locations that
    dispense, so for an item that has dispensing locations its value there is not counted again:
    an item's value does not grow with the tiers it passes through."""
    value = mean_daily(quantities) * 365.0 * info.unit_cost
    stocking = info.issuing()
    dispensed = np.unique(info.item_id[~stocking])
    return np.asarray(
        np.where(stocking & np.isin(info.item_id, dispensed), 0.0, value), dtype=np.float64
    )


def abc_of(quantities: np.ndarray, info: SeriesInfo, thresholds: cls.Thresholds | None) -> Any:
    """ABC per item (all its locations together, valued by :func:`annual_value`)."""
    return cls.abc(annual_value(quantities, info), groups=info.item_id, t=thresholds)
