"""The planning run: method selection, the explained plan, budgets, and calibration against a
simulation of held-out demand."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pytest

from rxsupply.analytics.demand import DemandMatrix
from rxsupply.analytics.planning import (
    INTERMITTENT_CANDIDATES,
    POOL_WEIGHT,
    SMOOTH_CANDIDATES,
    Evidence,
    Plan,
    Prepared,
    concat,
    evidence_of,
    expected_value,
    finish,
    plan,
    plan_in_parts,
    prepare,
    scaled_errors,
    select_methods,
)
from rxsupply.analytics.policy import Levels, Setting, Targets
from rxsupply.analytics.simulation import Policy, SimulationResult, simulate

START = date(2024, 1, 1)
Floats = np.ndarray[Any, np.dtype[np.float64]]
Ints = np.ndarray[Any, np.dtype[np.int64]]


def _synthetic(seed: int, series: int, days: int) -> tuple[DemandMatrix, Floats]:
    """Demo-like demand: half Poisson, half lumpy compound Poisson (occurrences at the rate,
    geometric sizes of mean 2 to 10), rates log-uniform 0.005..3 a day; unit costs
    log-uniform $0.10..$500."""
    rng = np.random.default_rng(seed)
    rate = np.exp(rng.uniform(math.log(0.005), math.log(3.0), series))
    lumpy = rng.random(series) < 0.5
    occurrences = rng.poisson(rate[:, None], (series, days))
    p = rng.uniform(0.1, 0.5, series)[:, None]
    # the sum of k geometric sizes on {1, 2, ...} is k plus a negative binomial(k, p)
    sizes = occurrences + rng.negative_binomial(np.maximum(occurrences, 1), p)
    y = np.where(lumpy[:, None], np.where(occurrences > 0, sizes, 0), occurrences)
    cost = np.exp(rng.uniform(math.log(0.1), math.log(500.0), series))
    ids = tuple(f"S{i:04d}" for i in range(series))
    return DemandMatrix(series_ids=ids, start=START, quantities=y.astype(np.float64)), cost


def _daily_pockets(cost: Floats) -> Setting:
    """Daily review, next-morning refills, no capacity limit, nothing vital."""
    n = cost.size
    return Setting(
        lead_time_days=np.ones(n, dtype=np.int64),
        review_period_days=np.ones(n, dtype=np.int64),
        capacity=np.zeros(n, dtype=np.int64),
        vital=np.zeros(n, dtype=bool),
        unit_cost=cost,
        case_pack=np.ones(n, dtype=np.int64),
        storeroom=np.zeros(n, dtype=bool),
    )


def _simulate(levels: Levels, holdout: DemandMatrix, cost: Floats) -> SimulationResult:
    n = cost.size
    policy = Policy(
        min_level=levels.min_level,
        max_level=levels.max_level,
        lead_time_days=np.ones(n, dtype=np.int64),
        review_period_days=np.ones(n, dtype=np.int64),
        unit_cost=cost,
        shelf_life_days=np.full(n, 10_000, dtype=np.int64),
    )
    return simulate(holdout.quantities, policy)


def _fill_rate(result: SimulationResult, rows: Any = slice(None)) -> float:
    return float(result.served[rows].sum() / result.demand[rows].sum())


# --- method selection ----------------------------------------------------------------------


def test_the_scaled_error_of_the_long_run_mean_by_hand() -> None:
    # 40 days at one a day, then 40 at two: the horizon is 80 // 8 = 10 days, origins at days
    # 40, 50, 60 and 70. The mean up to each origin is 1, 1.2, 4/3 and 1.4286 against an
    # actual 2 a day; the naive error (mean absolute day-to-day change) is 1/79
    y = np.concatenate([np.ones(40), np.full(40, 2.0)])[None, :]

    names, errors, levels_now = scaled_errors(y, ("ses", "moving_average"))

    assert names == ["ses", "moving_average", "mean", "combination"]
    expected = [1.0, 0.8, 2.0 / 3.0, 4.0 / 7.0]
    np.testing.assert_allclose(errors[2, 0], np.array(expected) * 79.0)
    np.testing.assert_allclose(levels_now[2], [1.5])
    np.testing.assert_allclose(levels_now[3], (levels_now[0] + levels_now[1]) / 2.0)


def test_each_series_gets_the_candidate_with_the_least_error_pooled_with_its_class() -> None:
    demand, _ = _synthetic(seed=3, series=24, days=180)
    y = demand.quantities
    y[0] = 0.0  # no demand
    klass = np.array(["smooth", "erratic", "intermittent", "lumpy"] * 6)
    klass[0] = "none"

    method, mean = select_methods(y, klass)

    assert (method[0], mean[0]) == ("none", 0.0)
    for rows, candidates in (
        (np.flatnonzero(np.isin(klass, ("smooth", "erratic"))), SMOOTH_CANDIDATES),
        (np.flatnonzero(np.isin(klass, ("intermittent", "lumpy"))), INTERMITTENT_CANDIDATES),
    ):
        names, errors, levels_now = scaled_errors(y[rows], candidates)
        total = errors.sum(axis=2)
        own = errors.shape[2]
        pooled = total.mean(axis=1, keepdims=True) / own
        score = (total + POOL_WEIGHT * pooled) / (own + POOL_WEIGHT)
        best = np.argmin(score, axis=0)
        assert method[rows].tolist() == np.asarray(names)[best].tolist()
        np.testing.assert_allclose(mean[rows], levels_now[best, np.arange(rows.size)])
        # the pooled evidence counts: some series do not take their own best
        assert set(method[rows].tolist()) <= {*names}


def test_a_series_without_evidence_of_its_own_takes_its_class_best_method() -> None:
    # a flat series is forecast exactly by every method: its own errors all tie at zero,
    # so the pooled errors of its class decide, not the order of the candidates
    demand, _ = _synthetic(seed=5, series=12, days=200)
    y = demand.quantities.copy()
    y[0] = 1.0
    klass = np.full(12, "lumpy")

    method, _ = select_methods(y, klass)

    names, errors, _ = scaled_errors(y, INTERMITTENT_CANDIDATES)
    class_best = names[int(np.argmin(errors.sum(axis=2).mean(axis=1)))]
    assert method[0] == class_best


# --- the plan --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Small:
    demand: DemandMatrix
    setting: Setting
    plan: Plan
    ready: Prepared


@pytest.fixture(scope="module")
def small() -> Small:
    demand, cost = _synthetic(seed=7, series=30, days=200)
    q = demand.quantities
    q[0] = 0.0  # a series without demand
    q[1, 100:130] = np.nan  # a stock-out: censored days
    setting = _daily_pockets(cost)
    return Small(
        demand=demand,
        setting=setting,
        plan=plan(demand, setting=setting, targets=Targets()),
        ready=prepare(demand, setting=setting, targets=Targets()),
    )


def test_a_plan_explains_every_recommendation(small: Small) -> None:
    rows = small.plan.rows()

    assert [r["series_id"] for r in rows] == list(small.demand.series_ids)
    first = rows[0]
    assert (first["demand_class"], first["method"], first["min"], first["lifecycle"]) == (
        "none",
        "none",
        0,
        "dead",
    )
    for r in rows:
        assert 0 <= int(str(r["min"])) <= int(str(r["max"]))
        assert r["protection_days"] == 1
        assert r["service_measure"] == "fill-rate"
        assert r["target"] == {"A": 0.95, "B": 0.97, "C": 0.98}[str(r["abc"])]
        assert r["distribution"] in ("poisson", "negative_binomial", "normal", "empirical")


def test_plan_is_prepare_then_finish(small: Small) -> None:
    finished = finish(small.ready, setting=small.setting, targets=Targets())

    assert finished.rows() == small.plan.rows()


def test_the_plan_of_parts_joined_is_the_plan_of_the_whole(small: Small) -> None:
    # each part chooses its methods on the evidence of all the series, as the whole does
    halves = np.array_split(np.arange(small.demand.series, dtype=np.int64), 2)
    evidence = Evidence.combine([evidence_of(small.demand.select(rows)) for rows in halves])

    joined = concat(
        [
            plan(
                small.demand.select(rows),
                setting=small.setting.take(rows),
                targets=Targets(),
                abc=small.plan.abc[rows],
                evidence=evidence,
            )
            for rows in halves
        ]
    )

    assert joined.rows() == small.plan.rows()


@pytest.mark.parametrize("workers", [1, 3])
def test_a_plan_made_in_parts_by_several_workers_is_the_plan_of_the_whole(
    small: Small, workers: int
) -> None:
    told: list[float] = []

    parted = plan_in_parts(
        small.demand,
        setting=small.setting,
        targets=Targets(),
        chunk=7,
        workers=workers,
        progress=told.append,
    )

    assert parted.rows() == small.plan.rows()
    assert told == pytest.approx([k / 5 for k in range(1, 6)])  # 30 series, parts of 7


def test_a_target_per_series_overrides_the_class_targets(small: Small) -> None:
    low = np.full(small.demand.series, 0.6)

    lowered = finish(small.ready, setting=small.setting, targets=Targets(), target=low)

    np.testing.assert_allclose(lowered.levels.target, 0.6)
    assert (lowered.levels.min_level <= small.plan.levels.min_level).all()
    assert (lowered.levels.min_level < small.plan.levels.min_level).any()


def test_a_cycle_service_target_keeps_its_measure(small: Small) -> None:
    targets = Targets.single(0.9, measure="cycle")

    result = finish(small.ready, setting=small.setting, targets=targets)

    assert {str(r["service_measure"]) for r in result.rows()} == {"cycle"}
    np.testing.assert_allclose(result.levels.target, 0.9)


def test_the_textbook_plan_is_ses_and_normal_for_every_series(small: Small) -> None:
    textbook = plan(small.demand, setting=small.setting, targets=Targets(), textbook=True)

    assert set(textbook.method.tolist()) == {"ses"}
    assert set(textbook.distribution.tolist()) == {"normal"}


def test_the_expected_value_of_levels_by_hand() -> None:
    # no demand: on hand stays at the position, spread over min + 1 .. max = 3 .. 6 -> 4.5
    setting = _daily_pockets(np.array([2.0]))
    ready = prepare(
        DemandMatrix(series_ids=("x",), start=START, quantities=np.zeros((1, 60))),
        setting=setting,
        targets=Targets(),
    )
    lv = Levels(
        min_level=np.array([2]),
        max_level=np.array([6]),
        reorder_point=np.array([2]),
        order_up_to=np.array([6]),
        order_quantity=np.array([4]),
        safety_stock=np.array([3.0]),
        target=np.array([0.95]),
        capped=np.array([False]),
        do_not_stock=np.array([False]),
    )

    value, filled = expected_value(lv, mean=ready.mean, interval=ready.interval, setting=setting)

    assert (value.tolist(), filled.tolist()) == ([4.5 * 2.0], [0.0])


def _dead_and_alive() -> tuple[DemandMatrix, Setting]:
    # four series over 400 days: used every day; last used 200 days ago (dead), twice, the
    # second vital; never used (dead)
    y = np.zeros((4, 400))
    y[0] = 2.0
    y[1, :200] = 1.0
    y[2, :200] = 1.0
    demand = DemandMatrix(series_ids=("A", "D", "DV", "N"), start=START, quantities=y)
    setting = _daily_pockets(np.array([1.0, 50.0, 50.0, 80.0]))
    vital = np.array([False, False, True, False])
    return demand, Setting(**{**_fields(setting), "vital": vital})


def _fields(setting: Setting) -> dict[str, Any]:
    return {name: getattr(setting, name) for name in Setting.__slots__}


def test_dead_series_that_are_not_vital_are_taken_out_of_stock() -> None:
    demand, setting = _dead_and_alive()

    result = plan(demand, setting=setting, targets=Targets())

    lv = result.levels
    assert result.lifecycle.tolist() == ["active", "dead", "dead", "dead"]
    assert lv.do_not_stock.tolist() == [False, True, False, True]
    assert (lv.min_level[[1, 3]].tolist(), lv.max_level[[1, 3]].tolist()) == ([0, 0], [0, 0])
    assert lv.min_level[2] >= 1  # vital: never below one
    assert lv.max_level[0] >= 2  # used every day: stocked
    assert [r["do_not_stock"] for r in result.rows()] == [False, True, False, True]


def test_stock_dead_keeps_every_series_stocked_and_the_textbook_never_takes_any_out() -> None:
    demand, setting = _dead_and_alive()

    kept = plan(demand, setting=setting, targets=Targets(stock_dead=True))
    book = plan(demand, setting=setting, targets=Targets(), textbook=True)

    for result in (kept, book):
        assert not result.levels.do_not_stock.any()
        assert (result.levels.max_level >= 1).all()


def test_a_budget_spends_nothing_on_series_taken_out_of_stock() -> None:
    demand, setting = _dead_and_alive()
    ready = prepare(demand, setting=setting, targets=Targets())
    lean = finish(ready, setting=setting, targets=Targets.single(0.5))
    floor = _model_value(lean, ready)

    result = finish(ready, setting=setting, targets=Targets(), budget=floor + 5.0)

    value, filled = expected_value(
        result.levels, mean=ready.mean, interval=ready.interval, setting=setting
    )
    assert value[[1, 3]].tolist() == [0.0, 0.0]
    assert filled[[1, 3]].tolist() == [0.0, 0.0]
    assert float(value.sum()) <= floor + 5.0


def test_a_budget_plan_keeps_the_models_expected_value_within_the_budget(small: Small) -> None:
    ready, setting = small.ready, small.setting
    # the model's values, on which a budget is spent (no calibration by replay)
    floor = _model_value(
        finish(ready, setting=setting, targets=Targets.single(0.5), calibrate=False), ready
    )
    top = _model_value(
        finish(ready, setting=setting, targets=Targets.single(0.995), calibrate=False), ready
    )

    fills = []
    for budget in np.linspace(floor, top, 6).tolist():
        result = finish(ready, setting=setting, targets=Targets(), budget=budget)
        value, fill = expected_value(
            result.levels, mean=ready.mean, interval=ready.interval, setting=setting
        )
        assert float(value.sum()) <= budget + 1e-6
        fills.append(float(fill.sum()))

    assert fills == sorted(fills)


def _model_value(result: Plan, ready: Prepared) -> float:
    value, _ = expected_value(
        result.levels, mean=ready.mean, interval=ready.interval, setting=result.setting
    )
    return float(value.sum())


# --- calibration on held-out demand ---------------------------------------------------------


@dataclass(frozen=True)
class Demo:
    history: DemandMatrix
    holdout: DemandMatrix
    cost: Floats
    setting: Setting
    ready: Prepared
    textbook: Prepared


@pytest.fixture(scope="module")
def demo() -> Demo:
    """600 demo-like series: 550 days of history to plan on, 180 held out to simulate."""
    demand, cost = _synthetic(seed=20261120, series=600, days=730)
    history, holdout = demand.split(180)
    setting = _daily_pockets(cost)
    targets = Targets()
    return Demo(
        history=history,
        holdout=holdout,
        cost=cost,
        setting=setting,
        ready=prepare(history, setting=setting, targets=targets),
        textbook=prepare(history, setting=setting, targets=targets, textbook=True),
    )


def test_class_targets_are_met_within_two_points_on_held_out_demand(demo: Demo) -> None:
    result = finish(demo.ready, setting=demo.setting, targets=Targets())

    simulated = _simulate(result.levels, demo.holdout, demo.cost)

    for klass in ("A", "B"):
        rows = result.abc == klass
        target = float(result.levels.target[rows].mean())
        achieved = _fill_rate(simulated, rows)
        assert abs(achieved - target) <= 0.02, (klass, target, achieved)


def test_a_budget_plan_needs_no_more_stock_than_the_textbook_for_the_same_fill_rate(
    demo: Demo,
) -> None:
    n = demo.cost.size
    textbook = []
    for level in (0.8, 0.9, 0.95, 0.98, 0.995):
        result = finish(
            demo.textbook, setting=demo.setting, targets=Targets(), target=np.full(n, level)
        )
        sim = _simulate(result.levels, demo.holdout, demo.cost)
        textbook.append((_fill_rate(sim), float(sim.average_value.sum())))
    floor = _model_value(
        finish(demo.ready, setting=demo.setting, targets=Targets.single(0.5)), demo.ready
    )

    budgeted = []
    for factor in (1.1, 1.25, 1.4, 1.6, 1.8):
        budget = floor * factor
        result = finish(demo.ready, setting=demo.setting, targets=Targets(), budget=budget)
        assert _model_value(result, demo.ready) <= budget + 1e-6
        sim = _simulate(result.levels, demo.holdout, demo.cost)
        budgeted.append((_fill_rate(sim), float(sim.average_value.sum())))

    tb_fill, tb_value = np.array(textbook).T
    assert (np.diff(tb_fill) > 0).all()
    compared = [(f, v) for f, v in budgeted if tb_fill[0] <= f <= tb_fill[-1]]
    assert len(compared) >= 3, (textbook, budgeted)
    for fill, value in compared:
        assert value <= float(np.interp(fill, tb_fill, tb_value)), (fill, value, textbook)
