"""Proof on the hospital's own history: plan on the days before the last ones, then replay
those held-out days of real demand under the current settings and under the recommendation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rxsupply.analytics.planning import Plan
from rxsupply.analytics.policy import Targets, WardCosts
from rxsupply.analytics.series import Floats, Ints, SeriesInfo
from rxsupply.analytics.simulation import Policy, SimulationResult, simulate
from rxsupply.services.planning.history import History
from rxsupply.services.planning.job import plan_history

SHELF_LIFE_DAYS = 540
"""Shelf life a replay gives the stock it receives (days) when the item's receipts do not say."""
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
        shelf_life_days=np.where(info.shelf_life_days > 0, info.shelf_life_days, SHELF_LIFE_DAYS),
        initial_on_hand=initial,
    )


def current_policy(info: SeriesInfo, rows: Ints) -> Policy:
    """The policy of the current settings of these series."""
    return policy_of(info.current_min[rows], info.current_max[rows], info.take(rows), initial=None)


def storeroom_rows(info: SeriesInfo) -> Ints:
    """The storeroom and satellite lines that have settings: what refills the pockets."""
    return np.flatnonzero((info.current_min >= 0) & info.issuing())


def storeroom_demand(
    history: Floats,
    info: SeriesInfo,
    *,
    pockets: Ints,
    stores: Ints,
    refills: Ints,
    refills_now: Ints,
) -> Floats:
    """What the storeroom lines ``stores`` would have issued under other pocket levels: their
    own history of issues, changed by what the pockets ``pockets`` order (``refills``, units a
    day) beyond what they order under the current levels (``refills_now``); an item's pockets
    draw on the storeroom lines of that item (shared evenly when there are several).

    The change is netted over the days (:func:`netted`): a refill the other levels do not make
    on a day the history issued nothing lowers the next days' issues. Cut off at zero day by
    day instead, every refill the replayed current levels make on another day than the
    history did would be dropped while every added one counted: on the demo that added a
    third to the storeroom's use of its class A lines."""
    change = (refills - refills_now).astype(np.float64)
    drawn = np.zeros((stores.size, history.shape[1]))
    for k, row in enumerate(stores.tolist()):
        item = info.item_id[row]
        same = stores[info.item_id[stores] == item]
        mine = info.item_id[pockets] == item
        if mine.any():
            drawn[k] = change[mine].sum(axis=0) / same.size
    return netted(history[stores], drawn)


def netted(base: Floats, change: Floats) -> Floats:
    """``base + change`` day by day, never below zero: what a day cannot take off (the change
    below what the day holds) is taken off the following days, so the total is kept (but for
    what is still owed at the end). A censored (NaN) day stays unknown and its change is lost,
    as the day's use is."""
    out = np.empty_like(base)
    owed = np.zeros(base.shape[0])
    for day in range(base.shape[1]):
        known = ~np.isnan(base[:, day])
        level = np.where(known, base[:, day] + change[:, day] - owed, np.nan)
        out[:, day] = np.where(known, np.maximum(level, 0.0), np.nan)
        owed = np.where(known, np.maximum(-level, 0.0), owed)
    return out


@dataclass(frozen=True, slots=True)
class Replay:
    """One policy's held-out days: the pockets, and the storeroom lines that refill them."""

    pockets: SimulationResult
    storerooms: SimulationResult | None

    def totals(self) -> dict[str, float]:
        """The pockets' totals (as :meth:`SimulationResult.totals`), with the stock-out days
        and average value of both tiers together and each tier's apart."""
        out = self.pockets.totals()
        pocket_days, pocket_value = out["stockout_days"], out["average_value"]
        store = self.storerooms.totals() if self.storerooms is not None else None
        store_days = store["stockout_days"] if store else 0.0
        store_value = store["average_value"] if store else 0.0
        out.update(
            {
                "stockout_days": pocket_days + store_days,
                "average_value": pocket_value + store_value,
                "pocket_stockout_days": pocket_days,
                "pocket_average_value": pocket_value,
                "storeroom_stockout_days": store_days,
                "storeroom_average_value": store_value,
                "storeroom_fill_rate": store["fill_rate"] if store else 1.0,
                "storeroom_orders": store["refill_trips"] if store else 0.0,
            }
        )
        return out


@dataclass(frozen=True, slots=True)
class Comparison:
    """The same held-out demand replayed under the current and the recommended levels."""

    current: Replay
    recommended: Replay
    plan: Plan  # made on the history before the held-out days
    rows: Ints  # the pockets replayed (rows of the plan)
    storerooms: Ints  # the storeroom lines replayed (rows of the plan)


def compare_on_holdout(
    history: History,
    *,
    holdout_days: int = HOLDOUT_DAYS,
    targets: Targets | None = None,
    costs: WardCosts | None = None,
) -> Comparison:
    """Plan on the history before the last ``holdout_days`` days, then replay those days
    under the current settings and under the recommendation (both start full, at max).

    Pockets replay their own demand. Storeroom lines replay what they issued, changed by how
    much more or less the pockets' refills would draw under the recommended pocket levels
    (:func:`storeroom_demand`): a storeroom's demand is what the pockets and satellites draw."""
    before, held_out = history.demand.split(holdout_days)
    info = history.info
    planned = plan_history(History(demand=before, info=info), targets=targets, costs=costs)
    rows = pocket_rows(info)
    stores = storeroom_rows(info)
    lv = planned.levels
    q = held_out.quantities
    now = simulate(q[rows], current_policy(info, rows), keep_orders=True)
    new = simulate(
        q[rows],
        policy_of(lv.min_level[rows], lv.max_level[rows], info.take(rows), initial=None),
        keep_orders=True,
    )
    assert now.orders is not None and new.orders is not None
    store_now = store_new = None
    if stores.size:
        store_now = simulate(q[stores], current_policy(info, stores))
        drawn = storeroom_demand(
            q, info, pockets=rows, stores=stores, refills=new.orders, refills_now=now.orders
        )
        store_new = simulate(
            drawn,
            policy_of(lv.min_level[stores], lv.max_level[stores], info.take(stores), initial=None),
        )
    return Comparison(
        current=Replay(pockets=now, storerooms=store_now),
        recommended=Replay(pockets=new, storerooms=store_new),
        plan=planned,
        rows=rows,
        storerooms=stores,
    )
