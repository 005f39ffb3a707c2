"""Mins calibrated by replaying each series' own history, by hand and by property."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.unit.analytics.hospital_series import HOSPITAL_SERIES

from rxsupply.analytics.calibration import (
    achieved_measures,
    along_level,
    at_forecast_level,
    below_forecast,
    calibrated_min,
    credible_target,
    expected_measures,
    skips_a_reorder,
)
from rxsupply.analytics.simulation import Policy, simulate


def _ones(n: int) -> np.ndarray:
    return np.ones(n, dtype=np.int64)


def _spikes(n: int = 1, days: int = 100) -> np.ndarray:
    y = np.zeros((n, days))
    y[:, 4::5] = 10.0  # ten units every fifth day
    return y


def test_a_spike_larger_than_the_order_quantity_is_met_only_by_a_min_under_it_by_hand() -> None:
    # ten every fifth day, refills of 5 arriving the next morning: the stock before a spike
    # is max = min + 5, so min 5 serves every spike, min 4 serves 9 of each 10 (fill 0.9),
    # min 3 serves 8 (0.8); every spike day with a shortage is an empty day (a fifth of them).
    # 20 days of demand: a target's allowed shortfall counts for 20 / 30 of itself, so the
    # replay must show 96.7 %, 93.3 % and 90 %
    y = _spikes(3)

    got = calibrated_min(
        y,
        start=np.zeros(3, dtype=np.int64),
        order_quantity=np.full(3, 5),
        lead_time_days=_ones(3),
        review_period_days=_ones(3),
        target=np.array([0.95, 0.9, 0.85]),
        measure="fill-rate",
    )

    assert got.tolist() == [5, 5, 4]
    np.testing.assert_allclose(
        credible_target(y, np.array([0.95, 0.9, 0.85])), [1 - 0.05 * 2 / 3, 1 - 0.1 * 2 / 3, 0.9]
    )
    days = achieved_measures(
        y[:1],
        min_level=np.array([4]),
        order_quantity=np.array([5]),
        lead_time_days=_ones(1),
        review_period_days=_ones(1),
    )["days"]
    assert days.tolist() == pytest.approx([0.8])


def test_the_stated_service_is_the_replay_with_its_shortfall_grown_by_hand() -> None:
    # the spikes above at min 4, refills of 5: the replay serves 9 of each 10 (fill 0.9) and
    # is short on a fifth of the days; 20 days of demand, so each shortfall is grown by
    # (20 + 10) / 20: an expected fill of 0.85 and empty days 0.3 of the time
    y = _spikes(1)

    def expected(rate: float) -> dict[str, np.ndarray]:
        return expected_measures(
            at_forecast_level(y, np.array([rate])),
            min_level=np.array([4]),
            order_quantity=np.array([5]),
            lead_time_days=_ones(1),
            review_period_days=_ones(1),
        )

    got = expected(2.0)  # the history's own mean: replayed as it is
    assert got["fill-rate"].tolist() == pytest.approx([0.85])
    assert got["days"].tolist() == pytest.approx([0.7])
    # a forecast of twice the history's rate replays spikes of 20: 9 served of each 20
    doubled = at_forecast_level(y, np.array([4.0]))
    np.testing.assert_allclose(doubled, 2 * y)
    assert expected(4.0)["fill-rate"].tolist() == pytest.approx([1 - 0.55 * 1.5])
    # never scaled down (a quiet forecast after a burst), never more than doubled
    np.testing.assert_allclose(at_forecast_level(y, np.array([0.5])), y)
    np.testing.assert_allclose(at_forecast_level(y, np.array([9.0])), 2 * y)
    # a series without demand is expected to be short of nothing
    quiet = expected_measures(
        np.zeros((1, 50)),
        min_level=np.zeros(1, dtype=np.int64),
        order_quantity=_ones(1),
        lead_time_days=_ones(1),
        review_period_days=_ones(1),
    )
    assert all(v.tolist() == [1.0] for v in quiet.values())


def test_levels_not_chosen_on_the_history_are_expected_to_do_what_its_replay_shows() -> None:
    # the spikes above at min 4: levels chosen on this replay are trusted for 20 / 30 of it
    # (fill 0.85, empty days 0.3); the levels in force were set some other way, so the same
    # replay is no sample they were fitted to, and says what it shows (fill 0.9, 0.2)
    judged: dict[str, Any] = {
        "min_level": np.array([4]),
        "order_quantity": np.array([5]),
        "lead_time_days": _ones(1),
        "review_period_days": _ones(1),
    }

    chosen = expected_measures(_spikes(1), **judged)
    set_otherwise = expected_measures(_spikes(1), chosen_on_it=False, **judged)

    assert chosen["fill-rate"].tolist() == pytest.approx([0.85])
    assert set_otherwise["fill-rate"].tolist() == pytest.approx([0.9])
    assert set_otherwise["days"].tolist() == pytest.approx([0.8])


def test_a_growing_series_is_replayed_along_its_trend_at_the_forecast() -> None:
    # use growing from 1 to 3 a day over 100 days, forecast at 3 a day: along the trend the
    # latest days are at the forecast already and stay, the first ones are raised (at most
    # doubled); scaled as a whole by forecast / mean (1.5), the latest would replay at 4.5
    days = 100
    t = np.arange(days)
    y = np.rint(1 + 2 * t / (days - 1))[None, :]

    got, trending = along_level(y, np.array([3.0]))

    assert trending.tolist() == [True]
    np.testing.assert_allclose(got[0, -10:], y[0, -10:], rtol=0.05)
    np.testing.assert_allclose(got[0, :5], 2 * y[0, :5])
    np.testing.assert_allclose(at_forecast_level(y, np.array([3.0]))[0, -10:], 1.5 * y[0, -10:])
    # the days before a pocket was set up (NaN) stay unknown and are left out of the line
    late = y.copy()
    late[0, :30] = np.nan
    scaled, trending = along_level(late, np.array([3.0]))
    assert trending.tolist() == [True] and np.isnan(scaled[0, :30]).all()
    np.testing.assert_allclose(scaled[0, -10:], y[0, -10:], rtol=0.05)


def test_a_slope_of_noise_is_no_trend() -> None:
    # lumpy use without a trend draws a slope too: within two standard errors of zero it is
    # no trend, and the history comes back as it is
    rng = np.random.default_rng(3)
    y = (rng.poisson(0.3, (5, 200)) * rng.integers(1, 10, (5, 200))).astype(float)

    got, trending = along_level(y, 1.5 * y.mean(axis=1))

    assert not trending.any()
    np.testing.assert_array_equal(got, y)


def test_a_growing_series_min_meets_the_target_along_its_trend_too() -> None:
    # a month's use growing from 100 to 200 over five years, reviewed monthly, a month's use
    # ordered at a time: scaled as a whole to the forecast (by 4 / 3), the latest months
    # replay above it, every month reorders in the replay and the min need only cover the
    # excess; along the trend a month's use is the order quantity, a month without a reorder
    # starts with what is left, and the min that meets the target is larger
    rng = np.random.default_rng(8)
    months = 60
    y = np.rint(np.linspace(100, 200, months) + rng.normal(0, 10, months))[None, :]
    forecast = np.array([200.0])
    q = np.array([200])

    def calibrated(history: np.ndarray) -> int:
        return int(
            calibrated_min(
                history,
                start=np.zeros(1, dtype=np.int64),
                order_quantity=q,
                lead_time_days=_ones(1),
                review_period_days=_ones(1),
                target=np.array([0.95]),
                measure="fill-rate",
            )[0]
        )

    whole = calibrated(at_forecast_level(y, forecast))
    along = calibrated(along_level(y, forecast)[0])

    assert along >= whole + 30  # 162 against 122


def _min_for(history: np.ndarray, quantity: int, target: float = 0.95) -> int:
    return int(
        calibrated_min(
            history,
            start=np.zeros(1, dtype=np.int64),
            order_quantity=np.array([quantity]),
            lead_time_days=_ones(1),
            review_period_days=_ones(1),
            target=np.array([target]),
            measure="fill-rate",
        )[0]
    )


def test_a_level_that_fell_for_a_stretch_and_came_back_is_replayed_along_it() -> None:
    # about 200 a month, then two years at 90 (a shortage, a protocol changed and changed
    # back), then 200 again; forecast 210, a month's use ordered at a time. Scaled as a
    # whole (by 210 / 160), the low years replay far below the forecast, where any min
    # serves, and a min a quarter of a month's use looks enough (the hospital series this
    # is drawn from was held out at 68 % fill on one). Along its level, the low years are
    # raised (at most doubled) and the latest stay near the forecast: the min covers a month
    rng = np.random.default_rng(8)
    y = np.concatenate(
        [200 + rng.normal(0, 10, 12), 90 + rng.normal(0, 8, 24), 200 + rng.normal(0, 10, 24)]
    )
    y = np.rint(y)[None, :]
    forecast = np.array([210.0])

    got, moved = along_level(y, forecast)

    assert moved.tolist() == [True]
    np.testing.assert_allclose(got[0, 18:30], 2 * y[0, 18:30])  # deep in the low years
    np.testing.assert_allclose(got[0, -6:], y[0, -6:], rtol=0.08)  # near the forecast
    whole = _min_for(at_forecast_level(y, forecast), 210)
    along = _min_for(got, 210)
    assert whole < 60 and along > 120  # 46 against 148


def test_a_season_and_a_flat_series_are_no_moved_level() -> None:
    # five years of a monthly season: each stretch is a year, so the season is in every one
    # and the level did not move; nor did a flat series' (its sums' rounding aside)
    rng = np.random.default_rng(8)
    t = np.arange(60)
    season = np.rint(150 + 40 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 10, 60))
    flat = np.full(60, 0.1)
    y = np.vstack([season, flat])

    got, moved = along_level(y, np.array([150.0, 0.1]))

    assert moved.tolist() == [False, False]
    np.testing.assert_array_equal(got, y)


def test_a_clean_step_is_a_moved_level_and_a_short_history_is_not_tested() -> None:
    # one a day for a month, three a day for the next: no noise within the stretches, so
    # the step alone is the level's move; ten days of a dip and back, which has no trend,
    # are too few to tell (four a stretch)
    step = np.concatenate([np.full(30, 1.0), np.full(30, 3.0)])
    short = np.concatenate([[3.0, 3.0], np.full(6, 1.0), [3.0, 3.0], np.full(50, np.nan)])

    got, moved = along_level(np.vstack([step, short]), np.array([3.0, 3.0]))

    assert moved.tolist() == [True, False]
    np.testing.assert_allclose(got[0, :24], 2.0)  # the first month at most doubled
    np.testing.assert_allclose(got[0, -24:], 3.0)  # the second at the forecast already
    assert np.isnan(got[1, 10:]).all()


def test_an_order_of_about_a_periods_use_can_skip_a_reorder() -> None:
    # an order of 224 against a forecast of 224 a month, a month's lead time, reviewed
    # monthly: 448 over a lead time and a review; 500 is more, unless the lead time is 3
    one = _ones(1)
    forecast = np.array([224.0])
    assert skips_a_reorder(np.array([224]), forecast, one, one).tolist() == [True]
    assert skips_a_reorder(np.array([500]), forecast, one, one).tolist() == [False]
    assert skips_a_reorder(np.array([500]), forecast, 3 * one, one).tolist() == [True]
    assert skips_a_reorder(np.array([1]), np.zeros(1), one, one).tolist() == [False]  # no use
    # an order of no more than a review's use a tenth lower is placed at every review still
    week = 7 * one
    assert skips_a_reorder(np.array([63, 64]), np.array([10.0, 10.0]), one, week).tolist() == [
        False,
        True,
    ]


def test_less_use_of_a_slow_mover_rounds_back_to_the_same_and_is_not_replayed() -> None:
    # a tenth less of 1 to 4 units a day is the same in whole units, as the replay counts
    # them: that replay would be the one at the forecast; 10 a day becomes 9; unknown days
    # stay unknown and do not count as a change
    slow = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 0.0])
    fast = np.array([10.0, 0.0, np.nan, 10.0, 10.0, 10.0])
    quiet = np.array([np.nan, np.nan, 0.0, 0.0, 1.0, 2.0])

    lower, changed = below_forecast(np.vstack([slow, fast, quiet]))

    assert changed.tolist() == [False, True, False]
    np.testing.assert_allclose(lower[1], [9.0, 0.0, np.nan, 9.0, 9.0, 9.0])


def test_a_min_that_can_skip_a_reorder_meets_the_target_on_less_use_too() -> None:
    # the hospital series ordering a month's use (224) a month ahead, target 90 % fill. At the
    # forecast every review reorders, and a min of about a fifth of a month's use serves
    # (along its moved level, about half). On use a tenth below the forecast, the position
    # after an order is above the min at the next review, the reorder is skipped and the
    # month after runs short: held out, that series' next year came in at 198 a month and
    # its min of 109 served 84 %. Its min on less use is larger, and the plan states the
    # less of the replays
    y = np.array([HOSPITAL_SERIES], dtype=float)
    forecast = np.array([224.0])
    whole = at_forecast_level(y, forecast)
    along = along_level(y, forecast)
    lower, changed = below_forecast(whole, along)

    mins = [_min_for(h, 224, target=0.90) for h in (whole, along[0], lower)]

    assert along[1].tolist() == [True] and changed.tolist() == [True]
    np.testing.assert_allclose(lower, 0.9 * along[0])
    assert mins[0] < mins[1] < mins[2]  # 47, 109 and 131
    assert mins[2] - mins[1] >= 15
    judged: dict[str, Any] = {
        "min_level": np.array([mins[1]]),
        "order_quantity": np.array([224]),
        "lead_time_days": _ones(1),
        "review_period_days": _ones(1),
    }
    once = expected_measures(whole, along=along, **judged)
    also = expected_measures(whole, along=along, below=np.array([True]), **judged)
    on_less = expected_measures(lower, **judged)
    for name in ("fill-rate", "cycle", "days"):
        np.testing.assert_allclose(also[name], np.minimum(once[name], on_less[name]))
    assert also["fill-rate"][0] < 0.90 <= once["fill-rate"][0]


@pytest.mark.parametrize("measure", ["fill-rate", "cycle", "days"])
def test_the_calibrated_min_meets_the_target_and_one_less_does_not(measure: str) -> None:
    rng = np.random.default_rng(5)
    n, days = 40, 300
    y = np.where(rng.random((n, days)) < 0.15, rng.geometric(0.2, (n, days)), 0).astype(float)
    q = rng.integers(1, 30, n)
    lead = rng.integers(1, 4, n)
    review = rng.integers(1, 3, n)
    target = np.full(n, 0.95)

    got = calibrated_min(
        y,
        start=np.zeros(n, dtype=np.int64),
        order_quantity=q,
        lead_time_days=lead,
        review_period_days=review,
        target=target,
        measure=measure,
    )

    def at(m: np.ndarray, judge: Any = achieved_measures) -> np.ndarray:
        return np.asarray(
            judge(
                y,
                min_level=m,
                order_quantity=q,
                lead_time_days=lead,
                review_period_days=review,
            )[measure]
        )

    wanted = credible_target(y, target)
    assert (wanted >= target).all()
    assert (at(got) >= wanted - 1e-9).all()
    lower = got > 0
    assert (at(np.maximum(got - 1, 0))[lower] < wanted[lower]).all()

    # what the plan states its levels achieve is the target exactly where the min is set
    assert (at(got, expected_measures) >= target - 1e-9).all()
    assert (at(np.maximum(got - 1, 0), expected_measures)[lower] < target[lower]).all()
    # the search does not depend on where it starts, nor on the other series
    again = calibrated_min(
        y[::-1],
        start=np.full(n, 50, dtype=np.int64),
        order_quantity=q[::-1],
        lead_time_days=lead[::-1],
        review_period_days=review[::-1],
        target=target,
        measure=measure,
    )
    assert again[::-1].tolist() == got.tolist()


def test_a_series_first_seen_late_is_replayed_from_its_first_day_only() -> None:
    # a pocket set up on day 600 of a 730-day window: the days before are unknown (NaN), and
    # its mins and measures are those of its own 130 days, not of 600 days of its mean
    rng = np.random.default_rng(5)
    own = rng.poisson(0.7, size=(4, 130)) * rng.integers(1, 5, size=(4, 130)).astype(float)
    late = np.full((4, 730), np.nan)
    late[:, 600:] = own
    padded = np.where(np.isnan(late), own.mean(axis=1, keepdims=True), late)

    def calibrated(history: np.ndarray) -> list[int]:
        got = calibrated_min(
            history,
            start=np.zeros(4, dtype=np.int64),
            order_quantity=np.full(4, 3),
            lead_time_days=_ones(4),
            review_period_days=_ones(4),
            target=np.full(4, 0.98),
            measure="fill-rate",
        )
        return [int(v) for v in got]

    def achieved(history: np.ndarray, low: list[int]) -> dict[str, np.ndarray]:
        return achieved_measures(
            history,
            min_level=np.array(low, dtype=np.int64),
            order_quantity=np.full(4, 3),
            lead_time_days=_ones(4),
            review_period_days=_ones(4),
        )

    mins = calibrated(own)
    assert calibrated(late) == mins
    assert all(a < b for a, b in zip(calibrated(padded), mins, strict=True))  # steadier
    for measure, got in achieved(late, mins).items():
        np.testing.assert_allclose(got, achieved(own, mins)[measure])


def test_the_replay_is_the_simulators_day_for_day() -> None:
    # the compiled replay and rxsupply.analytics.simulation.simulate on the same series and
    # levels (one phase, from day 0): the same units served, stock-out days and cycles
    rng = np.random.default_rng(11)
    n, days = 60, 200
    y = np.where(rng.random((n, days)) < 0.3, rng.geometric(0.3, (n, days)), 0).astype(float)
    low = rng.integers(0, 8, n)
    q = rng.integers(1, 15, n)
    lead = rng.integers(0, 4, n)
    review = rng.integers(1, 4, n)
    policy = Policy(
        min_level=low,
        max_level=low + q,
        lead_time_days=lead,
        review_period_days=review,
        unit_cost=np.ones(n),
        shelf_life_days=np.full(n, 100_000),
    )
    sim = simulate(y, policy)

    got = achieved_measures(
        y,
        min_level=low,
        order_quantity=q,
        lead_time_days=lead,
        review_period_days=review,
        phases=1,
    )

    np.testing.assert_allclose(got["fill-rate"], sim.fill_rate)
    np.testing.assert_allclose(got["cycle"], sim.cycle_service_level)
    np.testing.assert_allclose(got["days"], 1.0 - sim.stockout_days / days)
