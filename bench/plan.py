"""Benchmark: planning at health-system scale, against statsforecast and stockpyl.

Builds N item-locations x 730 days of daily demand with the demo hospital's mix (most series
slow and intermittent, often lumpy; a few high runners with weekday and season patterns), then
measures in one run:

1. our Croston, SBA, TSB, ADIDA and IMAPA against statsforecast's models of the same names
   (``StatsForecast(..., n_jobs=1).forecast``): series per second and the ratio. statsforecast
   fits series one by one, so its time per series is constant and a sample of the series gives
   its throughput; ours is measured on all N (and, for reference, on the sample alone, where
   the fixed cost of each vectorised pass weighs more);
2. the full plan (classes, backtested method choice, tested distributions, levels) of all N;
3. the vectorised simulation against stockpyl's simulator (single-stage (s, S)) on a sample:
   series-days per second and the ratio;
4. peak memory (the process's maximum resident set);
5. with ``--big N`` (500,000 by default; 0 skips it), a health system's plan: N item-locations
   x 730 days held as 32-bit floats and planned in parts of 5,000 (``plan_in_parts``), its
   time and the process's peak memory.

The process keeps freed memory for reuse as every ``rxsupply`` command does
(:mod:`rxsupply.entrypoints.memory`).

    .venv/bin/python bench/plan.py [--series 10000 50000] [--sample 1000] [--big 500000]
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any, cast

import numpy as np

from rxsupply.analytics.demand import DemandMatrix
from rxsupply.analytics.forecasting import level
from rxsupply.analytics.planning import plan, plan_in_parts
from rxsupply.analytics.policy import Setting, Targets
from rxsupply.analytics.simulation import Policy, simulate
from rxsupply.entrypoints.memory import keep_freed_memory

DAYS = 730
METHODS = ("croston", "sba", "tsb", "adida", "imapa")
# the demo hospital's profiles: share of item-locations, units/day range
PROFILES = (
    ("high", 0.15, 0.12, 3.0, False),
    ("medium", 0.25, 0.03, 0.12, False),
    ("slow", 0.35, 0.005, 0.025, True),
    ("very-slow", 0.25, 0.001, 0.004, True),
)


def demand_like_the_demo(series: int, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.zeros((series, DAYS), dtype=np.float64)
    weekday = np.arange(DAYS) % 7
    season = 1.0 + 1.4 * np.clip(np.cos(2 * np.pi * (np.arange(DAYS) - 15) / 365.25), 0, None) ** 2
    start = 0
    for _name, share, lo, hi, lumpy in PROFILES:
        n = round(series * share) if _name != "very-slow" else series - start
        rate = np.exp(rng.uniform(np.log(lo), np.log(hi), size=n))[:, None]
        factor = np.where(weekday >= 5, 0.85, 1.0)[None, :]
        seasonal = rng.random(n)[:, None] < 0.2
        lam = rate * factor * np.where(seasonal, season[None, :], 1.0)
        if lumpy:
            events = rng.poisson(lam / 1.8)
            sizes = rng.geometric(1 / 1.8, size=events.shape)
            out[start : start + n] = events * sizes
        else:
            out[start : start + n] = rng.poisson(lam)
        start += n
    return out


def setting_for(series: int, seed: int = 3) -> Setting:
    rng = np.random.default_rng(seed)
    storeroom = rng.random(series) < 0.15
    return Setting(
        lead_time_days=np.where(storeroom, 2, 1).astype(np.int64),
        review_period_days=np.ones(series, dtype=np.int64),
        capacity=np.where(storeroom, 0, rng.choice([5, 10, 20, 40, 80], size=series)),
        vital=rng.random(series) < 0.08,
        unit_cost=np.exp(rng.uniform(np.log(0.05), np.log(400.0), size=series)),
        case_pack=np.where(storeroom, rng.choice([1, 10, 25, 100], size=series), 1),
        storeroom=storeroom,
    )


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = work()
    return time.perf_counter() - began, result


def best_of_two(work: Callable[[], Any]) -> tuple[float, Any]:
    """The faster of two runs (the first also pays for cold caches and page faults)."""
    first, _ = timed(work)
    second, result = timed(work)
    return min(first, second), result


def statsforecast_seconds(y: np.ndarray) -> dict[str, float]:
    """statsforecast's time per model on these series (one model per fit, n_jobs=1)."""
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import ADIDA, IMAPA, TSB, CrostonClassic, CrostonSBA

    n = y.shape[0]
    frame = pd.DataFrame(
        {
            "unique_id": np.repeat(np.arange(n), DAYS),
            "ds": np.tile(pd.date_range("2024-01-01", periods=DAYS, freq="D"), n),
            "y": y.ravel(),
        }
    )
    models: dict[str, Any] = {
        "croston": CrostonClassic(),
        "sba": CrostonSBA(),
        "tsb": TSB(alpha_d=0.1, alpha_p=0.1),
        "adida": ADIDA(),
        "imapa": IMAPA(),
    }
    out: dict[str, float] = {}
    for name, model in models.items():
        sf = StatsForecast(models=[model], freq="D", n_jobs=1)
        out[name], _ = timed(partial(sf.forecast, df=frame, h=28))
    return out


def stockpyl_seconds(y: np.ndarray, days: int) -> float:
    from stockpyl import sim, supply_chain_network

    network_of: Any = supply_chain_network.single_stage_system
    simulation: Any = sim.simulation
    began = time.perf_counter()
    for row in y:
        network = network_of(
            holding_cost=1,
            stockout_cost=1,
            demand_type="D",
            demand_list=[int(v) for v in row[:days]],
            policy_type="sS",
            reorder_point=3,
            order_up_to_level=10,
            shipment_lead_time=1,
            initial_inventory_level=10,
        )
        simulation(network, days, progress_bar=False, consistency_checks="N")
    return time.perf_counter() - began


def run(series: int, sample: int) -> None:
    y = demand_like_the_demo(series)
    pick = np.random.default_rng(1).choice(series, size=min(sample, series), replace=False)
    pick.sort()
    print(f"\n## {series:,} item-locations x {DAYS} days (statsforecast sample {pick.size:,})")
    theirs = statsforecast_seconds(y[pick])
    print(
        "| method | ours, all series/s | statsforecast series/s | ratio | ours on the sample "
        "alone, series/s |"
    )
    print("|---|---:|---:|---:|---:|")
    for m in METHODS:
        all_s, _ = best_of_two(partial(level, y, m))
        same_s, _ = best_of_two(partial(level, y[pick], m))
        their_rate = pick.size / theirs[m]
        print(
            f"| {m} | {series / all_s:,.0f} | {their_rate:,.0f} | "
            f"{(series / all_s) / their_rate:.1f}x | {pick.size / same_s:,.0f} |"
        )
    demand = DemandMatrix(
        series_ids=tuple(f"S{i}" for i in range(series)), start=date(2024, 1, 1), quantities=y
    )
    setting = setting_for(series)
    plan_s, result = timed(lambda: plan(demand, setting=setting, targets=Targets()))
    print(f"\nfull plan of {series:,} series: {plan_s:.1f} s")
    hold = 180
    policy = Policy(
        min_level=result.levels.min_level,
        max_level=result.levels.max_level,
        lead_time_days=setting.lead_time_days,
        review_period_days=setting.review_period_days,
        unit_cost=setting.unit_cost,
        shelf_life_days=np.full(series, 540, dtype=np.int64),
    )
    sim_s, _ = timed(lambda: simulate(y[:, -hold:], policy))
    few = y[pick[: max(1, min(20, pick.size))]]
    peer_s = stockpyl_seconds(few, hold)
    ours_rate = series * hold / sim_s
    peer_rate = few.shape[0] * hold / peer_s
    print(
        f"simulation: ours {ours_rate:,.0f} series-days/s ({series:,} x {hold} in {sim_s:.2f} s), "
        f"stockpyl {peer_rate:,.0f} series-days/s ({few.shape[0]} series), "
        f"ratio {ours_rate / peer_rate:,.0f}x"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory so far: {peak:,.0f} MB")


def big(series: int) -> None:
    """N item-locations planned in parts: the time and the peak memory."""
    y = np.empty((series, DAYS), dtype=np.float32)
    step = 50_000
    for start in range(0, series, step):
        stop = min(start + step, series)
        y[start:stop] = demand_like_the_demo(stop - start, seed=start)
    # held as 32-bit floats (whole units are exact in them): plan_in_parts copies each part
    # as 64-bit
    demand = DemandMatrix(
        series_ids=tuple(f"S{i}" for i in range(series)),
        start=date(2024, 1, 1),
        quantities=cast(Any, y),
    )
    setting = setting_for(series)
    held = y.nbytes / 2**20
    print(f"\n## {series:,} item-locations x {DAYS} days, planned in parts of 5,000")
    seconds, result = timed(lambda: plan_in_parts(demand, setting=setting, targets=Targets()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"full plan of {series:,} series: {seconds:.1f} s ({series / seconds:,.0f} series/s); "
        f"peak memory {peak:,.0f} MB (the demand held as 32-bit floats: {held:,.0f} MB); "
        f"{int((result.levels.max_level > 0).sum()):,} stocked"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--sample", type=int, default=1_000)
    parser.add_argument("--big", type=int, default=500_000)
    args = parser.parse_args()
    keep_freed_memory()  # as every rxsupply command runs (rxsupply.entrypoints.memory)
    for n in args.series:
        run(n, args.sample)
    if args.big:
        big(args.big)


if __name__ == "__main__":
    main()
