"""Demand over the protection interval: grid distributions against scipy and brute force."""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from rxsupply.analytics.leadtime import (
    IntervalDemand,
    choose_distribution,
    coverage,
    interval_demand,
    rolling_sums,
)

NAN = math.nan
ROUNDING = 1e-9  # sums of probabilities that differ only in the order of their terms
stats: Any = scipy_stats
Floats = np.ndarray[Any, np.dtype[np.float64]]
Ints = np.ndarray[Any, np.dtype[np.int64]]


def _ints(*values: int) -> Ints:
    return np.array(values, dtype=np.int64)


def _kinds(kind: str, n: int) -> np.ndarray[Any, np.dtype[np.str_]]:
    return np.full(n, kind, dtype="<U20")


def _pmf(interval: IntervalDemand, row: int) -> Floats:
    """The grid probabilities 0..K of one series."""
    for band in interval.bands:
        hit = np.flatnonzero(band.rows == row)
        if hit.size:
            return np.asarray(band.pmf[hit[0]], dtype=np.float64)
    raise AssertionError(f"series {row} is in no band")


def _loss(pmf: Floats, s: int) -> float:
    """E[(D - s)+] by summing over the grid."""
    k = np.arange(pmf.size)
    return float((np.maximum(k - s, 0) * pmf).sum())


def _cdf(pmf: Floats, y: int) -> float:
    return 1.0 if y >= pmf.size else float(pmf[: max(y, -1) + 1].sum())


def test_poisson_quantiles_match_scipy() -> None:
    mean = np.array([0.05, 0.3, 2.0, 7.5, 40.0, 180.0])
    days = _ints(1, 2, 3, 4, 5, 7)

    interval = interval_demand(
        daily_mean=mean, daily_variance=mean, days=days, distribution=_kinds("poisson", 6)
    )

    for p in (0.5, 0.8, 0.9, 0.95, 0.99, 0.999):
        got = interval.quantile(np.full(6, p))
        np.testing.assert_array_equal(got, stats.poisson.ppf(p, mean * days))
    np.testing.assert_allclose(interval.mean, mean * days)


def test_poisson_loss_matches_the_textbook_formula() -> None:
    # E[(D - s)+] = (lam - s)(1 - F(s)) + lam f(s) for a Poisson(lam)
    lam = 6.0
    interval = interval_demand(
        daily_mean=np.array([lam]),
        daily_variance=np.array([lam]),
        days=_ints(1),
        distribution=_kinds("poisson", 1),
    )

    for s in range(0, 15):
        expected = (lam - s) * stats.poisson.sf(s, lam) + lam * stats.poisson.pmf(s, lam)
        assert interval.loss(_ints(s))[0] == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(("mean", "variance"), [(0.4, 1.0), (3.0, 12.0), (25.0, 90.0)])
def test_negative_binomial_loss_matches_a_brute_force_sum(mean: float, variance: float) -> None:
    interval = interval_demand(
        daily_mean=np.array([mean]),
        daily_variance=np.array([variance]),
        days=_ints(2),
        distribution=_kinds("negative_binomial", 1),
    )
    m, v = 2 * mean, 2 * variance
    p = m / v
    r = m * p / (1 - p)
    k = np.arange(int(stats.nbinom.ppf(1 - 1e-13, r, p)) + 50)
    pmf = stats.nbinom.pmf(k, r, p)

    for s in range(0, int(m + 4 * math.sqrt(v)) + 1):
        expected = float((np.maximum(k - s, 0) * pmf).sum())
        assert interval.loss(_ints(s))[0] == pytest.approx(expected, abs=1e-5)
    grid = _pmf(interval, 0)
    ks = np.arange(grid.size)
    assert float((ks * grid).sum()) == pytest.approx(m, rel=1e-5)
    assert float(((ks - m) ** 2 * grid).sum()) == pytest.approx(v, rel=1e-4)


def test_a_negative_binomial_without_overdispersion_is_a_poisson() -> None:
    args: dict[str, Any] = {
        "daily_mean": np.array([2.0]),
        "daily_variance": np.array([1.5]),
        "days": _ints(3),
    }

    nb = interval_demand(distribution=_kinds("negative_binomial", 1), **args)
    poisson = interval_demand(distribution=_kinds("poisson", 1), **args)

    np.testing.assert_allclose(_pmf(nb, 0), _pmf(poisson, 0))


def test_normal_quantiles_and_loss_match_scipy() -> None:
    mu = np.array([100.0, 250.0])
    sd = np.array([20.0, 30.0])

    interval = interval_demand(
        daily_mean=mu, daily_variance=sd**2, days=_ints(1, 1), distribution=_kinds("normal", 2)
    )

    # the grid rounds the normal to whole units: P(D <= s) = Phi((s + 0.5 - mu) / sd)
    for p in (0.5, 0.8, 0.9, 0.95, 0.99):
        expected = np.ceil(stats.norm.ppf(p, mu, sd) - 0.5)
        np.testing.assert_array_equal(interval.quantile(np.full(2, p)), expected)
    for s in (60, 80, 100, 120, 140, 200):
        z = (s - mu) / sd
        continuous = sd * (stats.norm.pdf(z) - z * stats.norm.sf(z))
        np.testing.assert_allclose(interval.loss(_ints(s, s)), continuous, atol=2e-3)


def test_the_normal_grid_puts_negative_demand_at_zero() -> None:
    interval = interval_demand(
        daily_mean=np.array([1.0]),
        daily_variance=np.array([9.0]),
        days=_ints(1),
        distribution=_kinds("normal", 1),
    )

    pmf = _pmf(interval, 0)

    assert pmf[0] == pytest.approx(stats.norm.cdf(0.5, 1.0, 3.0))
    assert pmf.sum() == pytest.approx(1.0)


def test_an_empirical_distribution_is_the_share_of_each_past_sum() -> None:
    samples = [np.array([0.0, 2.0, 2.0, 5.0]), np.array([1.0])]

    interval = interval_demand(
        daily_mean=np.array([1.0, 1.0]),
        daily_variance=np.array([1.0, 1.0]),
        days=_ints(2, 2),
        distribution=_kinds("empirical", 2),
        samples=samples,
    )

    np.testing.assert_allclose(_pmf(interval, 0)[:6], [0.25, 0, 0.5, 0, 0, 0.25])
    np.testing.assert_array_equal(interval.quantile(np.array([0.5, 0.5])), [2, 1])
    np.testing.assert_array_equal(interval.quantile(np.array([0.76, 0.99])), [5, 1])


def test_without_samples_an_empirical_request_falls_back_to_the_negative_binomial() -> None:
    args: dict[str, Any] = {
        "daily_mean": np.array([2.0]),
        "daily_variance": np.array([6.0]),
        "days": _ints(1),
    }

    empirical = interval_demand(distribution=_kinds("empirical", 1), **args)
    nb = interval_demand(distribution=_kinds("negative_binomial", 1), **args)

    np.testing.assert_allclose(_pmf(empirical, 0), _pmf(nb, 0))


def test_a_series_without_demand_needs_nothing() -> None:
    interval = interval_demand(
        daily_mean=np.array([0.0]),
        daily_variance=np.array([0.0]),
        days=_ints(5),
        distribution=_kinds("poisson", 1),
    )

    assert interval.quantile(np.array([0.999]))[0] == 0
    assert interval.loss(_ints(0))[0] == 0.0
    assert interval.smallest_with_loss_at_most(np.array([0.0]))[0] == 0


def test_series_in_different_bands_give_what_each_gives_alone() -> None:
    rng = np.random.default_rng(5)
    mean = np.exp(rng.uniform(np.log(0.01), np.log(50.0), 40))
    variance = mean * rng.uniform(1.0, 4.0, 40)
    days = rng.integers(1, 9, 40)
    kinds = rng.choice(["poisson", "negative_binomial", "normal"], 40)
    target = rng.uniform(0.5, 0.999, 40)

    together = interval_demand(
        daily_mean=mean, daily_variance=variance, days=days, distribution=kinds
    )
    alone = [
        interval_demand(
            daily_mean=mean[i : i + 1],
            daily_variance=variance[i : i + 1],
            days=days[i : i + 1],
            distribution=kinds[i : i + 1],
        )
        for i in range(40)
    ]

    assert len(together.bands) > 1
    q = together.quantile(target)
    np.testing.assert_array_equal(
        q, [a.quantile(target[i : i + 1])[0] for i, a in enumerate(alone)]
    )
    np.testing.assert_allclose(
        together.loss(q), [a.loss(q[i : i + 1])[0] for i, a in enumerate(alone)]
    )


@st.composite
def small_intervals(draw: st.DrawFn) -> tuple[IntervalDemand, int]:
    n = draw(st.integers(1, 4))
    mean = np.array([draw(st.floats(0.01, 6.0)) for _ in range(n)])
    ratio = np.array([draw(st.floats(1.0, 5.0)) for _ in range(n)])
    days = np.array([draw(st.integers(1, 5)) for _ in range(n)], dtype=np.int64)
    kind = np.array(
        [draw(st.sampled_from(["poisson", "negative_binomial", "normal"])) for _ in range(n)]
    )
    interval = interval_demand(
        daily_mean=mean, daily_variance=mean * ratio, days=days, distribution=kind
    )
    return interval, n


@settings(max_examples=200, deadline=None)
@given(small_intervals(), st.floats(0.0, 3.0))
def test_smallest_with_loss_at_most_is_the_smallest_level_by_brute_force(
    case: tuple[IntervalDemand, int], limit: float
) -> None:
    interval, n = case

    got = interval.smallest_with_loss_at_most(np.full(n, limit))

    # the smallest level by brute force, up to rounding: it meets the limit, one less does not
    for i in range(n):
        pmf = _pmf(interval, i)
        s = int(got[i])
        assert _loss(pmf, s) <= limit + ROUNDING
        assert s == 0 or _loss(pmf, s - 1) > limit - ROUNDING


@settings(max_examples=300, deadline=None)
@given(
    small_intervals(),
    st.integers(1, 12),
    st.floats(0.5, 0.999),
    st.sampled_from(["fill-rate", "cycle"]),
)
def test_smallest_min_equals_a_brute_force_search_over_min(
    case: tuple[IntervalDemand, int], quantity: int, target: float, measure: str
) -> None:
    interval, n = case
    per_period = interval.mean / 2.0  # any positive per-period demand

    got = interval.smallest_min(
        target=np.full(n, target),
        order_quantity=np.full(n, quantity, dtype=np.int64),
        per_period=per_period,
        measure=measure,
    )

    # the smallest min by brute force, up to rounding: it meets the target, one less does not
    for i in range(n):
        pmf = _pmf(interval, i)
        allowed = (1 - target) * float(per_period[i])
        m = int(got[i])
        check = partial(
            _meets,
            pmf,
            quantity=quantity,
            measure=measure,
            target=target,
            per_period=float(per_period[i]),
        )
        assert check(m, allowed=allowed, slack=ROUNDING)
        assert m == 0 or not check(m - 1, allowed=allowed, slack=-ROUNDING)


def _meets(
    pmf: Floats,
    min_level: int,
    *,
    quantity: int,
    measure: str,
    target: float,
    allowed: float,
    slack: float,
    per_period: float,
) -> bool:
    """Whether ``min_level`` meets the target (give or take ``slack``) with the position at
    max (min + Q) a share per_period / Q of the time and on each of min + 1 .. min + Q equally
    often otherwise, by summing over the grid."""
    return bool(
        _averaged(pmf, min_level, quantity=quantity, per_period=per_period, measure=measure)
        >= target - slack
        if measure == "cycle"
        else _averaged(pmf, min_level, quantity=quantity, per_period=per_period, measure=measure)
        <= allowed + slack
    )


def _averaged(
    pmf: Floats, min_level: int, *, quantity: int, per_period: float, measure: str
) -> float:
    value = _cdf if measure == "cycle" else _loss
    positions = range(min_level + 1, min_level + 1 + quantity)
    ordering = min(1.0, max(0.0, per_period / quantity))
    spread = float(np.mean([value(pmf, y) for y in positions]))
    return ordering * value(pmf, min_level + quantity) + (1 - ordering) * spread


@settings(max_examples=100, deadline=None)
@given(small_intervals(), st.integers(1, 12), st.integers(-1, 30), st.floats(0.0, 20.0))
def test_expected_shortage_is_the_loss_averaged_over_the_positions(
    case: tuple[IntervalDemand, int], quantity: int, min_level: int, per_period: float
) -> None:
    interval, n = case

    got = interval.expected_shortage(
        min_level=np.full(n, min_level, dtype=np.int64),
        order_quantity=np.full(n, quantity, dtype=np.int64),
        per_period=np.full(n, per_period),
    )

    for i in range(n):
        pmf = _pmf(interval, i)
        expected = _averaged(
            pmf, min_level, quantity=quantity, per_period=per_period, measure="fill-rate"
        )
        assert got[i] == pytest.approx(expected, abs=1e-9)


def test_smallest_min_by_hand_for_a_two_point_demand() -> None:
    # demand 0 or 4 with probability 1/2 each over the interval; Q = 2: positions m+1, m+2
    interval = interval_demand(
        daily_mean=np.array([1.0]),
        daily_variance=np.array([1.0]),
        days=_ints(2),
        distribution=_kinds("empirical", 1),
        samples=[np.array([0.0, 4.0])],
    )
    args = {"order_quantity": _ints(2), "per_period": np.array([1.0])}

    # a review orders half the time (1 a period / Q = 2): the position is max = m + 2 half
    # the time and m + 1 or m + 2 evenly otherwise, so m + 1 a quarter and m + 2 three quarters
    # fill rate 0.8: allowed shortage 0.2 per period. E[(D - y)+] is 2 - y/2 up to 4, then 0.
    # m = 1: 1/4 x 1 + 3/4 x 0.5 = 0.625; m = 2: 1/4 x 0.5 + 3/4 x 0 = 0.125 -> 2
    fill = interval.smallest_min(target=np.array([0.8]), measure="fill-rate", **args)
    # cycle 0.8: P(D <= y) is 1/2 below 4, 1 from 4: m = 1: 1/4 x 1/2 + 3/4 x 1/2 = 0.5;
    # m = 2: 1/4 x 1/2 + 3/4 x 1 = 0.875 -> 2
    cycle = interval.smallest_min(target=np.array([0.8]), measure="cycle", **args)

    assert (fill[0], cycle[0]) == (2, 2)


def test_the_class_chooses_the_default_distribution() -> None:
    klass = np.array(["smooth", "smooth", "erratic", "intermittent", "lumpy", "lumpy"])
    mean = np.array([30.0, 5.0, 5.0, 0.5, 2.0, 2.0])
    variance = np.array([40.0, 5.2, 20.0, 0.5, 9.0, 9.0])
    samples = _ints(200, 200, 200, 200, 200, 30)

    chosen = choose_distribution(klass, mean, variance, samples)

    assert chosen.tolist() == [
        "normal",
        "poisson",
        "negative_binomial",
        "poisson",
        "empirical",
        "negative_binomial",
    ]


def test_rolling_sums_are_every_window_of_the_history() -> None:
    history = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 0.0, 1.0, 0.0]])

    sums = rolling_sums(history, _ints(2, 4))

    np.testing.assert_allclose(sums[0], [3, 5, 7])
    np.testing.assert_allclose(sums[1], [6])


def test_rolling_sums_fill_a_censored_day_with_the_series_own_mean() -> None:
    # a fast mover next to a slow one must not lend its mean to the slow one's censored day
    history = np.array([[100.0, 100.0, 100.0, 100.0], [1.0, NAN, 1.0, 1.0]])

    sums = rolling_sums(history, _ints(2, 2))

    np.testing.assert_allclose(sums[1], [2, 2, 2])


def test_a_window_longer_than_the_history_gives_the_whole_total() -> None:
    sums = rolling_sums(np.array([[1.0, 2.0, 3.0]]), _ints(10))

    np.testing.assert_allclose(sums[0], [6])


def test_coverage_is_the_share_of_past_sums_at_or_below_the_level() -> None:
    samples = [np.array([0.0, 1.0, 2.0, 3.0]), np.array([], dtype=np.float64)]

    got = coverage(_ints(2, 2), samples)

    assert got[0] == 0.75
    assert math.isnan(got[1])
