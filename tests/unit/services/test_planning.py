"""Planning's use cases over a fake demand history port: no database, fixed dates.

The fake hands out a demand matrix made here, so what planning does with it (the window it
asks for, the classes, the proposals, the transaction it stores them in) is checked on its
own."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, tzinfo
from types import TracebackType
from typing import Any, cast
from zoneinfo import ZoneInfo

import numpy as np

from rxsupply.analytics.demand import DemandMatrix
from rxsupply.analytics.series import SeriesInfo
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.levels import Recommendation
from rxsupply.services import planning
from rxsupply.services.planning.job import current_service
from rxsupply.services.ports import AuditEntry, UnitOfWork

EASTERN = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # 10:00 in New York on 20 November
CLOCK = FixedClock(NOW, zone=EASTERN)
DAYS = 400
UNIT_COST = 2.0


def _info(**overrides: Any) -> SeriesInfo:
    """Three series: a pocket with settings (item 1), a pocket without (item 2), and the
    storeroom that refills item 1's pocket."""
    values: dict[str, Any] = {
        "location_id": np.array([10, 11, 1], dtype=np.int64),
        "item_id": np.array([1, 2, 1], dtype=np.int64),
        "location_code": ("ICU-P01", "ICU-P02", "MAIN-STORE"),
        "item_code": ("ONDA4INJ", "MORPH2INJ", "ONDA4INJ"),
        "item_name": ("ondansetron", "morphine", "ondansetron"),
        "location_kind": np.array(["pocket", "pocket", "storeroom"]),
        "cabinet": ("ICU-ADC", "ICU-ADC", "MAIN-STORE"),
        "capacity": np.array([40, 40, 0], dtype=np.int64),
        "unit_cost": np.full(3, UNIT_COST),
        "case_pack": np.array([1, 1, 10], dtype=np.int64),
        "criticality": np.array(["essential", "essential", "essential"]),
        "current_min": np.array([2, -1, -1], dtype=np.int64),
        "current_max": np.array([6, -1, -1], dtype=np.int64),
        "lead_time_days": np.ones(3, dtype=np.int64),
        "review_period_days": np.ones(3, dtype=np.int64),
        "on_hand": np.array([4, 0, 100], dtype=np.int64),
        "controlled": np.array([False, True, False]),
        "shelf_life_days": np.array([365, 0, 365], dtype=np.int64),
    }
    return SeriesInfo(**(values | overrides))


def _demand(start: date) -> DemandMatrix:
    rng = np.random.default_rng(4)
    q = np.zeros((3, DAYS))
    q[0] = 5.0  # five a day, every day
    q[1] = rng.poisson(0.05, size=DAYS)  # now and then
    q[1, :10] = np.nan  # ten days with nothing on the shelf
    q[2] = np.where(np.arange(DAYS) % 7 == 0, 35.0, 0.0)  # the weekly refill of the pocket
    return DemandMatrix(
        series_ids=("ONDA4INJ@ICU-P01", "MORPH2INJ@ICU-P02", "ONDA4INJ@MAIN-STORE"),
        start=start,
        quantities=q,
    )


@dataclass
class FakeDemandHistory:
    """The demand history port, answering with :func:`_demand` from the day asked for."""

    uow: FakeUnitOfWork
    asked: list[tuple[date, date, tzinfo, bool]] = field(default_factory=list)

    def daily(self, *, start: date, end: date, zone: tzinfo) -> tuple[DemandMatrix, SeriesInfo]:
        self.asked.append((start, end, zone, self.uow.entered))
        assert (end - start).days + 1 >= DAYS
        demand = _demand(start)
        return demand.window(demand.days - DAYS, demand.days), _info()


@dataclass
class FakeRecommendations:
    added: list[Recommendation] = field(default_factory=list)
    superseded: set[tuple[int, int]] = field(default_factory=set)

    def lock_for_run(self) -> None:
        pass

    def add_many(self, recommendations: Sequence[Recommendation], *, now: datetime) -> int:
        self.added.extend(recommendations)
        return len(recommendations)

    def supersede_pending(self, keys: Iterable[tuple[int, int]], *, now: datetime) -> int:
        self.superseded |= set(keys)
        return 0


@dataclass
class FakeSeriesClasses:
    rows: list[Mapping[str, object]] = field(default_factory=list)

    def replace_all(self, rows: Sequence[Mapping[str, object]], *, now: datetime) -> int:
        self.rows = list(rows)
        return len(rows)


@dataclass
class FakeAudit:
    entries: list[AuditEntry] = field(default_factory=list)

    def add(self, entry: AuditEntry) -> None:
        self.entries.append(entry)


class FakeUnitOfWork:
    """What planning touches of a unit of work: the demand history port, the planning
    run's repositories, the audit trail, and the transaction."""

    def __init__(self) -> None:
        self.entered = False
        self.transactions = 0
        self.commits = 0
        self.demand = FakeDemandHistory(self)
        self.recommendations = FakeRecommendations()
        self.series_classes = FakeSeriesClasses()
        self.audit = FakeAudit()

    def __enter__(self) -> FakeUnitOfWork:
        self.entered = True
        self.transactions += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.entered = False

    def commit(self) -> None:
        assert self.entered, "committed outside a transaction"
        self.commits += 1

    def rollback(self) -> None:
        pass


def _uow(fake: FakeUnitOfWork) -> UnitOfWork:
    return cast(UnitOfWork, fake)


def test_the_history_is_the_last_two_years_up_to_yesterday_in_the_facilitys_zone() -> None:
    fake = FakeUnitOfWork()

    history = planning.load_history(_uow(fake), clock=CLOCK)

    assert fake.demand.asked == [(date(2024, 11, 20), date(2026, 11, 19), EASTERN, False)]
    assert history.demand.series_ids[0] == "ONDA4INJ@ICU-P01"


def test_the_history_starts_on_the_first_day_the_ledger_knows_anything_of() -> None:
    demand = _demand(date(2026, 1, 1))
    q = demand.quantities.copy()
    q[:, :30] = np.nan  # before the hospital went live: nothing known of any series
    q[1, 30:40] = np.nan  # one series' own censored days stay
    padded = replace(demand, quantities=q)

    trimmed = planning.since_first_observed(padded)

    assert (trimmed.start, trimmed.days) == (date(2026, 1, 31), demand.days - 30)
    np.testing.assert_array_equal(trimmed.quantities, q[:, 30:])
    assert planning.since_first_observed(demand) is demand


def test_the_levels_in_force_are_judged_on_a_late_pocket_s_own_days_as_the_plan_is() -> None:
    demand = _demand(date(2024, 1, 1))
    q = demand.quantities.copy()
    rng = np.random.default_rng(1)
    q[0, : DAYS - 60] = np.nan  # the ICU pocket set up 60 days ago
    q[0, DAYS - 60 :] = rng.poisson(1.0, 60) * rng.integers(1, 6, 60)  # lumpy use since
    history = planning.History(demand=replace(demand, quantities=q), info=_info())

    rate = np.nanmean(q, axis=1)
    now = current_service(history, rate)

    recent = replace(demand.window(DAYS - 60, DAYS), quantities=q[:, DAYS - 60 :])
    own = planning.History(demand=recent, info=_info())
    assert now["fill_rate"][0] == current_service(own, rate)["fill_rate"][0]
    assert now["fill_rate"][0] < 0.9  # on months of its mean it looked better than 0.95


def test_the_classes_show_the_ports_demand_and_count_a_storerooms_value_once() -> None:
    history = planning.load_history(_uow(FakeUnitOfWork()), clock=CLOCK)

    rows = {r["location"]: r for r in planning.analyse_classes(history)}

    pocket, rare, store = rows["ICU-P01"], rows["ICU-P02"], rows["MAIN-STORE"]
    assert (pocket["mean_daily_demand"], pocket["annual_value"]) == (5.0, 5.0 * 365 * UNIT_COST)
    assert (pocket["abc"], pocket["xyz"], pocket["demand_class"]) == ("A", "X", "smooth")
    assert rare["censored_days"] == 10
    assert store["annual_value"] == 0.0  # its ondansetron is the pocket's, valued there


def test_a_planning_run_stores_every_series_and_proposes_only_what_changes() -> None:
    fake = FakeUnitOfWork()

    summary = planning.run_planning(_uow(fake), user="manager", clock=CLOCK)

    assert (summary.series, summary.proposed) == (3, len(fake.recommendations.added))
    assert [(c["location_id"], c["item_id"]) for c in fake.series_classes.rows] == [
        (10, 1),
        (11, 2),
        (1, 1),
    ]
    pocket = next(r for r in fake.recommendations.added if r.location_id == 10)
    assert (pocket.current_min, pocket.current_max) == (2, 6)
    assert (pocket.min_level, pocket.max_level) != (2, 6)
    explained = json.loads(pocket.explanation)  # the plan's row of the pocket
    assert (explained["min"], explained["max"]) == (pocket.min_level, pocket.max_level)
    (entry,) = fake.audit.entries
    assert (entry.user, entry.action, entry.at) == ("manager", "propose-levels", NOW)


def test_a_planning_run_reads_before_it_opens_its_one_transaction() -> None:
    fake = FakeUnitOfWork()

    planning.run_planning(_uow(fake), user="manager", clock=CLOCK)

    assert [entered for *_, entered in fake.demand.asked] == [False]
    assert (fake.transactions, fake.commits) == (1, 1)


def test_a_holdout_replays_only_the_pockets_that_have_settings() -> None:
    history = planning.load_history(_uow(FakeUnitOfWork()), clock=CLOCK)

    compared = planning.compare_on_holdout(history, holdout_days=60)

    assert compared.rows.tolist() == [0]
    now, new = compared.current.pockets, compared.recommended.pockets
    assert now.demand.tolist() == new.demand.tolist() == [300.0]
    assert new.fill_rate[0] >= now.fill_rate[0]


def test_levels_that_stay_or_a_series_that_stays_unstocked_are_not_proposed() -> None:
    history = planning.load_history(_uow(FakeUnitOfWork()), clock=CLOCK)
    result = planning.plan_history(history)
    kept = replace(
        history.info,
        current_min=np.array([result.levels.min_level[0], -1, -1], dtype=np.int64),
        current_max=np.array([result.levels.max_level[0], -1, -1], dtype=np.int64),
    )
    morphine_out = replace(result, levels=result.levels.taken_out(np.array([False, True, False])))

    proposals = planning.changed_levels(morphine_out, replace(history, info=kept))

    assert [(r.location_id, r.item_id) for r in proposals] == [(1, 1)]  # the storeroom only


def test_a_plan_made_in_parts_is_the_plan_made_at_once_and_tells_its_progress() -> None:
    history = planning.load_history(_uow(FakeUnitOfWork()), clock=CLOCK)
    told: list[tuple[str, float]] = []

    whole = planning.plan_history(history)
    parts = planning.plan_history(
        history, chunk=1, progress=lambda stage, done: told.append((stage, done))
    )

    assert parts.rows() == whole.rows()
    assert told == [("planning", 1 / 3), ("planning", 2 / 3), ("planning", 1.0)]
