"""Preparing a plan (steps 1-3): :class:`Prepared` and :func:`prepare` (classes, forecast and
demand distribution of every series, whatever the service target), the choice of forecasting
method by rolling-origin backtest (:func:`select_methods`, :func:`backtest_error`), and the
distribution tested on each series' own history."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rxsupply.analytics import classification as cls
from rxsupply.analytics.demand import DemandMatrix, Floats, mean_daily, std_daily
from rxsupply.analytics.forecasting import LEVELS, planning_levels
from rxsupply.analytics.leadtime import (
    EMPIRICAL_MIN_SAMPLES,
    IntervalDemand,
    choose_distribution,
    coverage,
    interval_demand,
    rolling_sums,
)
from rxsupply.analytics.planning.result import Ints, Labels
from rxsupply.analytics.policy import Setting, Targets

NO_USE = 1e-6
"""A forecast below this many units a day is taken as zero."""
HORIZON = 28
"""The longest backtest horizon (days); shorter histories use an eighth of their length."""
ORIGINS = 4
POOL_WEIGHT = 4.0
"""How many origins' worth of weight a demand class's mean error has in each series' score."""
SMOOTH_CANDIDATES = ("ses", "moving_average")
INTERMITTENT_CANDIDATES = ("sba", "croston", "tsb", "adida", "imapa")


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything about the series that does not depend on the service target."""

    demand: DemandMatrix
    abc: Labels
    xyz: Labels
    demand_class: Labels
    lifecycle: Labels
    criticality: Labels
    method: NDArray[np.str_]
    distribution: NDArray[np.str_]
    mean: Floats
    sd: Floats
    interval: IntervalDemand
    textbook: bool


def prepare(
    demand: DemandMatrix,
    *,
    setting: Setting,
    targets: Targets,
    criticality: Labels | None = None,
    item_groups: Ints | None = None,
    abc: Labels | None = None,
    textbook: bool = False,
    thresholds: cls.Thresholds | None = None,
    evidence: Evidence | None = None,
    selection: tuple[NDArray[np.str_], Floats] | None = None,
    demand_class: Labels | None = None,
) -> Prepared:
    """Classes, forecast and demand distribution of every series (steps 1-3); ``demand_class``
    is the series' :func:`rxsupply.analytics.classification.demand_shape` class when the
    caller has it already."""
    n = demand.series
    history = demand.quantities
    crit = criticality if criticality is not None else np.full(n, "essential")
    mean_hist = mean_daily(history)
    if abc is None:
        abc = cls.abc(mean_hist * 365.0 * setting.unit_cost, groups=item_groups, t=thresholds)
    klass = demand_class if demand_class is not None else cls.demand_shape(history).classes()
    filled = demand.filled()
    if textbook:
        method = np.full(n, "ses", dtype="<U16")
        mean = LEVELS["ses"](filled)
    else:
        method, mean = (
            selection if selection is not None else select_methods(filled, klass, evidence=evidence)
        )
    # a level that has decayed below one use in thousands of years is no use at all
    mean = np.where(mean < NO_USE, 0.0, mean)
    sd_hist = std_daily(history)
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = np.where(mean_hist > 0, sd_hist / np.where(mean_hist > 0, mean_hist, 1.0), 0.0)
    sd = cv * mean
    protection = setting.protection_days()
    if textbook:
        distribution = np.full(n, "normal", dtype="<U20")
        interval = interval_demand(
            daily_mean=mean, daily_variance=sd**2, days=protection, distribution=distribution
        )
    else:
        goal = targets.for_series(abc, crit)
        distribution, interval = _tested_distribution(history, klass, mean, sd**2, protection, goal)
    return Prepared(
        demand=demand,
        abc=abc,
        xyz=cls.xyz(history, t=thresholds),
        demand_class=klass,
        lifecycle=cls.lifecycle(history, t=thresholds),
        criticality=crit,
        method=method,
        distribution=distribution,
        mean=mean,
        sd=sd,
        interval=interval,
        textbook=textbook,
    )


GROUPS = {"smooth": ("smooth", "erratic"), "sparse": ("intermittent", "lumpy")}
"""The demand classes whose series pool their evidence, and the candidates of each."""
CANDIDATES = {"smooth": SMOOTH_CANDIDATES, "sparse": INTERMITTENT_CANDIDATES}


@dataclass(frozen=True, slots=True)
class Evidence:
    """Per group of demand classes (:data:`GROUPS`): the sum over its series of each
    candidate's mean scaled error (the names of :func:`scaled_errors`), and how many series.

    Parts of the series (Dask partitions) each gather theirs; :meth:`combine` adds them, so a
    plan made in parts pools exactly as one made at once."""

    sums: dict[str, Floats]
    counts: dict[str, int]

    def mean(self, group: str) -> Floats | None:
        count = self.counts.get(group, 0)
        return self.sums[group] / count if count else None

    @staticmethod
    def combine(parts: list[Evidence]) -> Evidence:
        sums: dict[str, Floats] = {}
        counts: dict[str, int] = {}
        for part in parts:
            for group, total in part.sums.items():
                sums[group] = sums[group] + total if group in sums else total.copy()
                counts[group] = counts.get(group, 0) + part.counts[group]
        return Evidence(sums=sums, counts=counts)


def _groups(demand_class: Labels) -> list[tuple[str, Ints]]:
    return [
        (group, np.flatnonzero(np.isin(demand_class, classes))) for group, classes in GROUPS.items()
    ]


@dataclass(frozen=True, slots=True)
class Scores:
    """Per group of demand classes: its series (rows), the candidates' names, their scaled
    backtest errors (candidate, series, origin) and their levels on the whole history
    (candidate, series; empty when not asked for)."""

    series: int
    groups: dict[str, tuple[Ints, list[str], Floats, Floats]]

    def evidence(self) -> Evidence:
        """What these series tell the pooled choice."""
        return Evidence(
            sums={
                g: _per_origin(errors).sum(axis=1) for g, (_, _, errors, _) in self.groups.items()
            },
            counts={g: int(rows.size) for g, (rows, _, _, _) in self.groups.items()},
        )


def candidate_scores(filled: Floats, demand_class: Labels, *, levels: bool = True) -> Scores:
    """Every candidate's errors (and levels) for the series of each group."""
    groups: dict[str, tuple[Ints, list[str], Floats, Floats]] = {}
    for group, rows in _groups(demand_class):
        if rows.size:
            names, errors, now = scaled_errors(filled[rows], CANDIDATES[group], levels=levels)
            groups[group] = (rows, names, errors, now)
    return Scores(series=filled.shape[0], groups=groups)


def _per_origin(errors: Floats) -> Floats:
    """Each candidate's mean error per origin for each series (zero with no origin)."""
    if errors.shape[2] == 0:
        return np.zeros(errors.shape[:2])
    return np.asarray(errors.mean(axis=2), dtype=np.float64)


def evidence_of(demand: DemandMatrix) -> Evidence:
    """The evidence a demand matrix's series give for the pooled choice of
    :func:`select_methods`, its series classed as :func:`prepare` classes them."""
    klass = cls.demand_shape(demand.quantities).classes()
    return candidate_scores(demand.filled(), klass, levels=False).evidence()


def select_methods(
    filled: Floats, demand_class: Labels, *, evidence: Evidence | None = None
) -> tuple[NDArray[np.str_], Floats]:
    """Per series, the method whose rolling-origin error, pooled with that of the series of
    its group of demand classes, is least, and its forecast level.

    The candidates are the group's methods (:data:`CANDIDATES`), the long-run mean and their
    combination (the mean of the methods' levels). Each series' error is scaled by its
    in-sample naive error (:func:`scaled_errors`) so series of any volume weigh alike, then
    shrunk towards its group's mean error (``evidence``; by default that of these series)
    with the weight of :data:`POOL_WEIGHT` origins: a short history (few or no origins of its
    own, or origins that cannot tell the methods apart) takes the method that does best on
    similar series instead of a fixed fallback."""
    return choose(candidate_scores(filled, demand_class), evidence=evidence)


def choose(scores: Scores, *, evidence: Evidence | None = None) -> tuple[NDArray[np.str_], Floats]:
    """:func:`select_methods`'s choice from scores already computed."""
    pool = evidence if evidence is not None else scores.evidence()
    method = np.full(scores.series, "none", dtype="<U16")
    mean = np.zeros(scores.series)
    for group, (rows, names, errors, levels_now) in scores.groups.items():
        own = errors.shape[2]
        total = errors.sum(axis=2)
        pooled = pool.mean(group)
        if pooled is None:
            pooled = _per_origin(errors).mean(axis=1)
        score = (total + POOL_WEIGHT * pooled[:, None]) / (own + POOL_WEIGHT)
        best = np.argmin(score, axis=0)
        method[rows] = np.asarray(names)[best]
        mean[rows] = levels_now[best, np.arange(rows.size)]
    return method, mean


def scaled_errors(
    y: Floats, candidates: tuple[str, ...], *, levels: bool = True
) -> tuple[list[str], Floats, Floats]:
    """For the candidates, the long-run mean and their combination: the names, the scaled
    errors (candidate, series, origin) and the levels on the whole history (candidate,
    series; empty unless ``levels``).

    The horizon is an eighth of the history up to :data:`HORIZON` days; each of up to
    :data:`ORIGINS` origins forecasts the next horizon's total from the days before it (at
    least a horizon of them); the error is the absolute difference per day, divided by the
    series' mean absolute day-to-day change (its in-sample naive error)."""
    days = y.shape[1]
    horizon = int(np.clip(days // 8, 1, HORIZON))
    origins = [days - k * horizon for k in range(ORIGINS, 0, -1) if days - k * horizon >= horizon]
    names = [*candidates, "mean", "combination"]

    def forecasts(history: Floats) -> Floats:
        levels = planning_levels(history, (*candidates, "mean"))
        return np.vstack([levels, levels[:-1].mean(axis=0)[None]])

    scale = naive_scale(y)
    errors = np.zeros((len(names), y.shape[0], len(origins)))
    for j, origin in enumerate(origins):
        actual = y[:, origin : origin + horizon].sum(axis=1) / horizon
        errors[:, :, j] = np.abs(forecasts(y[:, :origin]) - actual[None, :]) / scale[None, :]
    return names, errors, forecasts(y) if levels else np.empty((len(names), 0))


def naive_scale(y: Floats) -> Floats:
    """The mean absolute day-to-day change of each series (the naive method's in-sample
    error; its mean for a series that never changes, so no scale is zero)."""
    if y.shape[1] < 2:
        return np.maximum(mean_daily(y), 1e-9)
    change = np.abs(np.diff(y, axis=1)).mean(axis=1)
    return np.where(change > 0, change, np.maximum(mean_daily(y), 1e-9))


def _tested_distribution(
    history: Floats,
    klass: Labels,
    mean: Floats,
    variance: Floats,
    protection: Ints,
    target: Floats,
) -> tuple[NDArray[np.str_], IntervalDemand]:
    samples = rolling_sums(history, protection)
    counts = np.array([s.size for s in samples], dtype=np.int64)
    default = choose_distribution(klass, mean * protection, variance * protection, counts)
    candidates = ["poisson", "negative_binomial", "normal", "empirical"]
    best = default.astype("<U20")
    score = np.full(mean.size, np.inf)
    for kind in candidates:
        chosen = np.full(mean.size, kind, dtype="<U20")
        interval = interval_demand(
            daily_mean=mean,
            daily_variance=variance,
            days=protection,
            distribution=chosen,
            samples=samples,
        )
        q = interval.quantile(target)
        cov = coverage(q, samples)
        miss = np.abs(np.nan_to_num(cov, nan=1.0) - target)
        # the class default wins ties; the empirical one needs enough history
        allowed = (kind != "empirical") | (counts >= EMPIRICAL_MIN_SAMPLES)
        bonus = np.where(default == kind, -1e-9, 0.0)
        better = allowed & (miss + bonus < score)
        best = np.where(better, kind, best)
        score = np.where(better, miss + bonus, score)
    final = interval_demand(
        daily_mean=mean,
        daily_variance=variance,
        days=protection,
        distribution=best,
        samples=samples,
    )
    return best, final
