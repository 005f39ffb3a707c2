"""Proof on demand the plan has never seen: rolling-origin backtests on every public demand set
and on the demo hospital.

For each set, at each origin the plan is made on the history before it and the next
``horizon`` periods are replayed (``rxsupply.analytics.simulation``: lost sales, reviewed every
period, lead time one period), each series starting with the stock its levels leave after the
last ``horizon`` periods before the origin (a warm-up, not counted):

1. **Calibration.** At targets of 90, 95 and 99 % for each service measure (fill rate, cycle
   service level, share of days without a stock-out), the achieved measure over all origins
   against the target, and whether it is within 2 points; and what the plan stated its levels
   would achieve (each series' ``expected_*`` measure, pooled the same way) against what they
   did. Ward costs are off here (the targets alone decide the mins).
2. **Value against the textbook.** At each fill-rate target, our plan's average stock value
   against the textbook plan's (SES mean, normal safety stock) at the same achieved fill rate
   (its target searched by bisection until two targets a twentieth of a point of fill apart
   bracket ours) with the same order quantities as ours; and what the difference buys, at
   the same fill: the series each plan starves (served more than 5 points below the target)
   and the share of each plan's value in the costliest tenth of the series (by unit cost; not
   for sets of one price).
3. **Forecast accuracy.** The mean absolute error of the plan's ``mean_daily_demand`` over the
   held-out periods, scaled by each series' in-sample naive error (MASE), against each single
   method's and the historical mean's, averaged over series and origins.

Sets (from ``../shared/data``; a set whose files are missing is skipped with the reason):

- ``pbs``: ``demand/pbs_scripts_monthly.csv``, one lumpy series, 204 months (a month a period;
  origins in its first ten years: it has almost no demand after);
- ``hospital``: ``demand/expsmooth_hospital_monthly.csv``, 767 series, 84 months;
- ``mimic``: ``mimic-iii-demo/PRESCRIPTIONS.csv`` replayed on 730 days from 2024-01-01 (item at
  ICU or ward, :mod:`rxsupply.adapters.mimic`), daily;
- ``demo``: the demo hospital's item-locations with settings (``--db``), daily from the
  ledger's first day (as planning reads it), with their own lead times, review periods,
  capacities and prices (the stocked pocket's least min of one, a safety rule, off: it is not
  a service target).

    .venv/bin/python bench/holdout.py [--data ../shared/data] [--db demo.db] [--sets ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl

from rxsupply.adapters.database import make_engine
from rxsupply.adapters.demand_files import read_demand
from rxsupply.adapters.mimic import read_mimic_prescriptions
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.analytics.demand import DemandMatrix, Floats
from rxsupply.analytics.forecasting import LEVELS
from rxsupply.analytics.planning import Plan, plan
from rxsupply.analytics.policy import Levels, Setting, Targets
from rxsupply.analytics.simulation import Policy, SimulationResult, simulate
from rxsupply.domain.clock import Clock, FixedClock
from rxsupply.entrypoints import clock
from rxsupply.services import planning

TARGETS = (0.90, 0.95, 0.99)
MEASURES = ("fill-rate", "cycle", "days")
TEXTBOOK_RANGE = (0.5, 0.9999)
"""The textbook targets searched for the one that achieves our fill."""
FILL_TOLERANCE = 0.0005
"""How close (in fill) the two textbook plans that bracket ours must come."""
SINGLE_METHODS = ("ses", "moving_average", "croston", "sba", "tsb", "adida", "imapa", "mean")
MIMIC_START = date(2024, 1, 1)
NEVER_EXPIRES = 1_000_000
STARVED = 0.05
"""A series served more than this below the fill-rate target is counted as starved."""
COSTLY = 0.9
"""The series at or above this quantile of unit cost are the costly tenth."""


@dataclass(frozen=True)
class Dataset:
    """Series (rows of ``y``) with their settings, and the origins to plan from."""

    name: str
    y: Floats
    setting: Setting
    horizon: int
    origins: tuple[int, ...]


def _flat_setting(n: int, *, supply: int = 90) -> Setting:
    """Analysts' series: reviewed every period, lead time one period, a unit cost of 1, an
    order bringing at most ``supply`` periods of demand."""
    return Setting(
        lead_time_days=np.ones(n, dtype=np.int64),
        review_period_days=np.ones(n, dtype=np.int64),
        capacity=np.zeros(n, dtype=np.int64),
        vital=np.zeros(n, dtype=bool),
        unit_cost=np.ones(n),
        case_pack=np.ones(n, dtype=np.int64),
        storeroom=np.zeros(n, dtype=bool),
        max_days_of_supply=supply,
    )


def _monthly(name: str, path: Path, *, horizon: int, origins: tuple[int, ...]) -> Dataset:
    frame = pl.read_csv(path)
    values = frame.drop(frame.columns[0]).to_numpy().T.astype(np.float64)
    y = np.nan_to_num(values, nan=0.0)
    # a month's order brings a month's use: the EOQ of unit prices of 1 would buy years
    return Dataset(name, y, _flat_setting(y.shape[0], supply=1), horizon, origins)


def _mimic(directory: Path) -> Dataset:
    frame, _ = read_mimic_prescriptions(directory, start=MIMIC_START, days=730)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mimic.csv"
        frame.write_csv(path)
        demand = read_demand(path, start=MIMIC_START.isoformat(), end="2025-12-30")
    y = demand.quantities
    return Dataset("mimic", y, _flat_setting(y.shape[0]), 90, (460, 550, 640))


def _demo(db: str, today: str | None) -> Dataset:
    engine = make_engine(f"sqlite:///{db}" if "://" not in db else db)
    facility: Clock = clock.current()
    if today:
        day = date.fromisoformat(today)
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=facility.zone)
        facility = FixedClock(noon, zone=facility.zone)
    with SqlUnitOfWork(engine, readonly=True) as uow:
        history = planning.load_history(uow, clock=facility)
    engine.dispose()
    rows = np.flatnonzero(history.info.current_min >= 0)
    sub = history.take(rows)
    abc = planning.abc_of(sub.demand.quantities, sub.info, None)
    setting = replace(planning.setting_for(sub.info, abc=abc), stockout_cost=None, least_min=None)
    y = np.nan_to_num(sub.demand.quantities, nan=0.0)  # from the ledger's first day on
    days = y.shape[1]
    if days < 270:
        raise ValueError(
            f"{db} holds {days} days of history: two origins of 90 need 270 (180 replayed "
            "after at least 90 to plan on)"
        )
    return Dataset("demo", y, setting, 90, (days - 180, days - 90))


def _plan(data: Dataset, train: Floats, targets: Targets, *, textbook: bool = False) -> Plan:
    demand = DemandMatrix(
        series_ids=tuple(f"s{i}" for i in range(train.shape[0])),
        start=date(2000, 1, 1),
        quantities=train,
    )
    return plan(demand, setting=data.setting, targets=targets.keeping(True), textbook=textbook)


def _replay(
    data: Dataset, train: Floats, held: Floats, low: np.ndarray, high: np.ndarray
) -> SimulationResult:
    """The held-out periods replayed at these levels after a warm-up on the last ``horizon``
    periods before the origin (started full, a quantity of many periods would cover a short
    held-out window on its own): the warm-up alone and the warm-up with the held-out window
    are replayed from the same start, so the window's figures are the difference (the
    replay is deterministic; every set reviews every period, so every day ends a cycle)."""
    n = held.shape[0]
    assert (data.setting.review_period_days == 1).all(), "the difference needs daily cycles"
    policy = Policy(
        min_level=low.astype(np.int64),
        max_level=np.maximum(high, low).astype(np.int64),
        lead_time_days=np.maximum(data.setting.lead_time_days, 1),
        review_period_days=np.ones(n, dtype=np.int64),
        unit_cost=data.setting.unit_cost,
        shelf_life_days=np.full(n, NEVER_EXPIRES, dtype=np.int64),
    )
    warm = np.nan_to_num(train[:, -data.horizon :], nan=0.0)
    days = (warm.shape[1], held.shape[1])
    first = simulate(warm, policy, lots=1)
    both = simulate(np.concatenate([warm, np.nan_to_num(held, nan=0.0)], axis=1), policy, lots=1)
    demand = both.demand - first.demand
    served = both.served - first.served
    good = both.cycle_service_level * sum(days) - first.cycle_service_level * days[0]
    value = (both.average_value * sum(days) - first.average_value * days[0]) / days[1]
    on_hand = (both.average_on_hand * sum(days) - first.average_on_hand * days[0]) / days[1]
    zeros = np.zeros(n, dtype=np.int64)
    return SimulationResult(
        demand=demand,
        served=served,
        fill_rate=np.where(demand > 0, served / np.maximum(demand, 1e-12), 1.0),
        cycle_service_level=np.clip(good / days[1], 0.0, 1.0),
        stockout_days=both.stockout_days - first.stockout_days,
        average_on_hand=on_hand,
        average_value=value,
        refill_trips=both.refill_trips - first.refill_trips,
        vend_fill_ratio=np.full(n, np.nan),
        expired_units=zeros,
        censored_days=zeros,
        received_units=both.received_units - first.received_units,
    )


@dataclass
class Tally:
    """Achieved service and value summed over origins."""

    served: float = 0.0
    demanded: float = 0.0
    cycles: float = 0.0
    series: int = 0
    empty: float = 0.0
    days: float = 0.0
    value: float = 0.0
    costly_value: float = 0.0
    fills: list[Floats] = field(default_factory=list)
    stated_served: float = 0.0
    stated_cycles: float = 0.0
    stated_empty: float = 0.0

    def add(
        self,
        r: SimulationResult,
        horizon: int,
        known: np.ndarray,
        costly: np.ndarray | None = None,
        levels: Levels | None = None,
    ) -> None:
        """Add a replay's series that had use before the origin (``known``): a series first
        used after it had nothing to plan from. ``fills`` keeps each used series' fill rate,
        ``costly_value`` the value of the ``costly`` ones; with the plan's ``levels``, what
        it stated they would achieve, pooled the same way."""
        used = (r.demand > 0) & known
        if levels is not None:
            assert levels.fill_rate is not None and levels.cycle_service is not None
            assert levels.empty_day_chance is not None
            self.stated_served += float((levels.fill_rate * r.demand)[known].sum())
            self.stated_cycles += float(levels.cycle_service[used].sum())
            self.stated_empty += float(levels.empty_day_chance[used].sum()) * horizon
        self.fills.append(r.served[used] / r.demand[used])
        if costly is not None:
            self.costly_value += float(r.average_value[known & costly].sum())
        self.served += float(r.served[known].sum())
        self.demanded += float(r.demand[known].sum())
        self.cycles += float(r.cycle_service_level[used].sum())
        self.series += int(used.sum())
        self.empty += float(r.stockout_days[used].sum())
        self.days += float(used.sum() * horizon)
        self.value += float(r.average_value[known].sum())

    def starved(self, target: float) -> int:
        """The series served more than :data:`STARVED` below ``target``."""
        fills = np.concatenate(self.fills) if self.fills else np.zeros(0)
        return int((fills < target - STARVED).sum())

    def _pooled(self, name: str, served: float, cycles: float, empty: float) -> float:
        if name == "fill-rate":
            return served / self.demanded if self.demanded else 1.0
        if name == "cycle":
            return cycles / self.series if self.series else 1.0
        return 1.0 - empty / self.days if self.days else 1.0

    def measure(self, name: str) -> float:
        return self._pooled(name, self.served, self.cycles, self.empty)

    def stated(self, name: str) -> float:
        """What the plans stated the measure would be, pooled as :meth:`measure` is."""
        return self._pooled(name, self.stated_served, self.stated_cycles, self.stated_empty)


@dataclass(frozen=True)
class Row:
    """One calibration cell: the achieved measure over all series, over the series where the
    target sets the min, and the tally behind the first (with what the plan stated)."""

    measure: str
    target: float
    achieved: float
    binding: float
    tally: Tally

    @property
    def stated(self) -> float:
        return self.tally.stated(self.measure)


def _costly(data: Dataset) -> np.ndarray | None:
    """The costliest tenth of the series by unit cost (None when every unit costs the same)."""
    cost = data.setting.unit_cost
    if cost.size == 0 or cost.max() <= cost.min():
        return None
    return np.asarray(cost >= np.quantile(cost, COSTLY))


def calibration(data: Dataset) -> list[Row]:
    """Every measure and target: the achieved measure, and the achieved measure where the
    target sets the min. Where an order quantity alone over-serves the target (min 0 does),
    no min can bring the achieved service down to it: the second figure leaves those out."""
    out = []
    costly = _costly(data)
    for measure in MEASURES:
        for target in TARGETS:
            tally, binding = Tally(), Tally()
            for origin in data.origins:
                train, held = data.y[:, :origin], data.y[:, origin : origin + data.horizon]
                p = _plan(data, train, Targets.single(target, measure))
                r = _replay(data, train, held, p.levels.min_level, p.levels.max_level)
                used = train.sum(axis=1) > 0
                tally.add(r, held.shape[1], used, costly, p.levels)
                binding.add(r, held.shape[1], used & (p.levels.min_level > 0))
            out.append(
                Row(measure, target, tally.measure(measure), binding.measure(measure), tally)
            )
    return out


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole > 0 else "-"


def _textbook(data: Dataset, level: float, quantity: dict[int, np.ndarray]) -> Tally:
    """The textbook plan at target ``level`` with our order quantities, replayed."""
    tally = Tally()
    for origin in data.origins:
        train, held = data.y[:, :origin], data.y[:, origin : origin + data.horizon]
        low = _plan(data, train, Targets.single(level), textbook=True).levels.min_level
        replayed = _replay(data, train, held, low, low + quantity[origin])
        tally.add(replayed, held.shape[1], train.sum(axis=1) > 0, _costly(data))
    return tally


def _nines(level: float) -> float:
    return float(-np.log10(1.0 - level))


def textbook_at(
    data: Dataset, fill: float, quantity: dict[int, np.ndarray]
) -> tuple[Tally, Tally, float] | tuple[float, float]:
    """The textbook plan (our order quantities) at our pooled achieved ``fill``: its target
    searched by bisection (on the nines of the target, 0.5 to 0.9999) until two targets a
    thousandth of a nine apart, or replaying within :data:`FILL_TOLERANCE` of each other,
    bracket the fill; the two with the weight of the upper one. A fill outside what the
    textbook reaches gives its range instead."""
    lo, hi = _nines(TEXTBOOK_RANGE[0]), _nines(TEXTBOOK_RANGE[1])
    low, high = (_textbook(data, 1.0 - 10.0**-u, quantity) for u in (lo, hi))
    f_low, f_high = low.measure("fill-rate"), high.measure("fill-rate")
    if not f_low <= fill <= f_high:
        return f_low, f_high
    while hi - lo > 1e-3 and f_high - f_low > FILL_TOLERANCE:
        mid = (lo + hi) / 2
        middle = _textbook(data, 1.0 - 10.0**-mid, quantity)
        f_mid = middle.measure("fill-rate")
        if f_mid < fill:
            lo, low, f_low = mid, middle, f_mid
        else:
            hi, high, f_high = mid, middle, f_mid
    weight = (fill - f_low) / (f_high - f_low) if f_high > f_low else 0.0
    return low, high, weight


def against_textbook(data: Dataset, ours: list[Row]) -> None:
    """Our value at each fill-rate target against the textbook's at the same pooled achieved
    fill and the same order quantities (:func:`textbook_at`); then what the difference buys:
    the series each plan starves (served more than :data:`STARVED` below the target on their
    held-out demand) and the share of each plan's value held in the costliest tenth of the
    series, the textbook's at the same fill."""
    print(
        f"\n| {data.name}: fill-rate target | achieved fill | our value | textbook value "
        "at that fill (same Q) | ours / textbook | series starved (fill more than 5 "
        "points below the target): ours / textbook | costliest tenth's share of value: "
        "ours / textbook |"
    )
    print("|---:|---:|---:|---:|---:|---|---|")
    costly = _costly(data)
    for row in ours:
        if row.measure != "fill-rate":
            continue
        target, fill, mine_tally = row.target, row.achieved, row.tally
        value = mine_tally.value
        quantity = {}
        for origin in data.origins:
            mine = _plan(data, data.y[:, :origin], Targets.single(target))
            quantity[origin] = np.maximum(mine.levels.max_level - mine.levels.min_level, 1)
        mine_costly = _share(mine_tally.costly_value, value) if costly is not None else "-"
        found = textbook_at(data, fill, quantity)
        if len(found) == 2:
            print(
                f"| {target:.2f} | {fill:.4f} | {value:,.0f} | outside the textbook's "
                f"{found[0]:.4f}-{found[1]:.4f} | | {mine_tally.starved(target):,} / - | "
                f"{mine_costly} / - |"
            )
            continue
        low, high, w = found

        def at(a: float, b: float, w: float = w) -> float:
            return (1.0 - w) * a + w * b

        theirs = at(low.value, high.value)
        starved = at(low.starved(target), high.starved(target))
        book_costly = "-"
        if costly is not None:
            shares = [t.costly_value / max(t.value, 1e-12) for t in (low, high)]
            book_costly = f"{at(*shares):.0%}"
        print(
            f"| {target:.2f} | {fill:.4f} | {value:,.0f} | {theirs:,.0f} | "
            f"{value / theirs:.3f} | {mine_tally.starved(target):,} / {starved:,.0f} | "
            f"{mine_costly} / {book_costly} |"
        )


def accuracy(data: Dataset) -> dict[str, float]:
    """MASE of the plan's demand rate and of each single method, over series and origins
    (the series whose in-sample naive error is not zero: MASE is undefined for the others)."""
    errors: dict[str, list[Floats]] = {m: [] for m in ("plan", *SINGLE_METHODS)}
    for origin in data.origins:
        train, held = data.y[:, :origin], data.y[:, origin : origin + data.horizon]
        scale = np.abs(np.diff(train, axis=1)).mean(axis=1)
        rows = scale > 0
        p = _plan(data, train, Targets())
        forecasts = {"plan": p.mean_daily_demand}
        forecasts.update({m: LEVELS[m](train) for m in SINGLE_METHODS})
        for name, f in forecasts.items():
            error = np.abs(held - f[:, None]).mean(axis=1) / np.where(rows, scale, 1.0)
            errors[name].append(error[rows])
    return {name: float(np.concatenate(e).mean()) for name, e in errors.items()}


def report(data: Dataset) -> None:
    began = time.perf_counter()
    print(
        f"\n## {data.name}: {data.y.shape[0]:,} series x {data.y.shape[1]:,} periods, "
        f"origins {', '.join(map(str, data.origins))}, {data.horizon} periods replayed each"
    )
    ours = calibration(data)
    print(
        f"\n| {data.name}: measure | target | achieved | within 2 points | achieved where "
        "the target sets the min (min > 0) | within 2 points | stated by the plan | "
        "achieved within 2 points of stated |"
    )
    print("|---|---:|---:|---|---:|---|---:|---|")

    def near(a: float, b: float) -> str:
        return "yes" if abs(a - b) <= 0.02 else "no"

    for row in ours:
        print(
            f"| {row.measure} | {row.target:.2f} | {row.achieved:.4f} | "
            f"{near(row.achieved, row.target)} | {row.binding:.4f} | "
            f"{near(row.binding, row.target)} | {row.stated:.4f} | "
            f"{near(row.achieved, row.stated)} |"
        )
    against_textbook(data, ours)
    scores = accuracy(data)
    best = min(v for k, v in scores.items() if k != "plan")
    print(f"\n| {data.name}: forecast | MASE | against the best single |")
    print("|---|---:|---:|")
    for name, value in sorted(scores.items(), key=lambda kv: kv[1]):
        print(f"| {name} | {value:.4f} | {value / best:.3f} |")
    verdict = "lowest or within 2 %" if scores["plan"] <= best * 1.02 else "NOT within 2 %"
    print(
        f"\nplan's demand rate: {verdict} of the best single method "
        f"({time.perf_counter() - began:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--db", default="demo.db")
    parser.add_argument("--today", default=None, help="The day after the demo's history.")
    parser.add_argument("--sets", default="pbs,hospital,mimic,demo")
    args = parser.parse_args()
    data = Path(args.data)
    wanted = args.sets.split(",")
    loaders = {
        "pbs": lambda: _monthly(
            "pbs",
            data / "demand/pbs_scripts_monthly.csv",
            horizon=12,
            origins=(48, 60, 72, 84, 96, 108, 120),
        ),
        "hospital": lambda: _monthly(
            "hospital",
            data / "demand/expsmooth_hospital_monthly.csv",
            horizon=12,
            origins=(60, 72),
        ),
        "mimic": lambda: _mimic(data / "mimic-iii-demo"),
        "demo": lambda: _demo(args.db, args.today),
    }
    for name in wanted:
        try:
            dataset = loaders[name]()
        except (FileNotFoundError, OSError, ValueError) as exc:
            print(f"\n## {name}: skipped ({exc})", file=sys.stderr)
            continue
        report(dataset)


if __name__ == "__main__":
    main()
