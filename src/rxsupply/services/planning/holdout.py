"""Proof on the hospital's own history: plan on the days before the last ones, then replay
those held-out days of real demand under the current settings and under the recommendation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rxsupply.analytics.planning import Plan
from rxsupply.analytics.policy import Targets
from rxsupply.analytics.series import Ints, SeriesInfo
from rxsupply.analytics.simulation import Policy, SimulationResult, simulate
from rxsupply.services.planning.history import History
from rxsupply.services.planning.job import plan_history

SHELF_LIFE_DAYS = 540
"""Shelf life a replay gives the stock it receives (days)."""
HOLDOUT_DAYS = 180


def pocket_rows(info: SeriesInfo) -> Ints:
    """The ADC pockets (and other dispensing locations) that have settings: where PAR levels
    are decided. Storerooms are left out of replays: their demand is the pockets' refills,
    which a change of pocket levels would change."""
    return np.flatnonzero((info.current_min >= 0) & ~info.issuing())


def policy_of(
    min_level: np.ndarray, max_level: np.ndarray, info: SeriesInfo, *, initial: np.ndarray | None
) -> Policy:
    """The replenishment policy of these levels at these series."""
    return Policy(
        min_level=min_level.astype(np.int64),
        max_level=np.maximum(max_level, min_level).astype(np.int64),
        lead_time_days=np.maximum(info.lead_time_days, 1).astype(np.int64),
        review_period_days=np.maximum(info.review_period_days, 1).astype(np.int64),
        unit_cost=info.unit_cost,
        shelf_life_days=np.full(min_level.size, SHELF_LIFE_DAYS, dtype=np.int64),
        initial_on_hand=initial,
    )


def current_policy(info: SeriesInfo, rows: Ints) -> Policy:
    """The policy of the current settings of these series."""
    return policy_of(info.current_min[rows], info.current_max[rows], info.take(rows), initial=None)


@dataclass(frozen=True, slots=True)
class Comparison:
    """The same held-out demand replayed under the current and the recommended levels."""

    current: SimulationResult
    recommended: SimulationResult
    plan: Plan  # made on the history before the held-out days
    rows: Ints  # the pockets replayed (rows of the plan)


def compare_on_holdout(
    history: History, *, holdout_days: int = HOLDOUT_DAYS, targets: Targets | None = None
) -> Comparison:
    """Plan on the history before the last ``holdout_days`` days, then replay those days
    under the current settings and under the recommendation (both start full, at max)."""
    before, held_out = history.demand.split(holdout_days)
    info = history.info
    planned = plan_history(History(demand=before, info=info), targets=targets)
    rows = pocket_rows(info)
    recommended = policy_of(
        planned.levels.min_level[rows],
        planned.levels.max_level[rows],
        info.take(rows),
        initial=None,
    )
    q = held_out.quantities[rows]
    return Comparison(
        current=simulate(q, current_policy(info, rows)),
        recommended=simulate(q, recommended),
        plan=planned,
        rows=rows,
    )
