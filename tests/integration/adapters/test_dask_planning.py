"""Planning on a Dask cluster gives exactly what a local run gives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from distributed import LocalCluster

from rxsupply.adapters.dask_planning import plan_partitioned
from rxsupply.analytics.demand import DemandMatrix
from rxsupply.analytics.planning import plan
from rxsupply.analytics.policy import Setting, Targets
from rxsupply.entrypoints import cli


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    start: Any = LocalCluster
    with start(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as running:
        yield running


def _demand(series: int = 160, days: int = 260) -> DemandMatrix:
    rng = np.random.default_rng(21)
    rate = np.exp(rng.uniform(np.log(0.01), np.log(5.0), size=series))
    q = rng.poisson(rate[:, None], size=(series, days)).astype(np.float64)
    q[rng.random(size=q.shape) < 0.01] = np.nan  # a few censored days
    return DemandMatrix(
        series_ids=tuple(f"S{i:04d}" for i in range(series)), start=date(2025, 1, 1), quantities=q
    )


def _setting(n: int) -> Setting:
    rng = np.random.default_rng(5)
    return Setting(
        lead_time_days=rng.integers(1, 4, size=n),
        review_period_days=rng.integers(1, 3, size=n),
        capacity=np.where(rng.random(n) < 0.5, rng.integers(5, 60, size=n), 0),
        vital=rng.random(n) < 0.1,
        unit_cost=np.exp(rng.uniform(np.log(0.1), np.log(300.0), size=n)),
        case_pack=rng.integers(1, 25, size=n),
        storeroom=rng.random(n) < 0.2,
    )


def test_a_local_cluster_plans_exactly_like_a_local_run(cluster: LocalCluster) -> None:
    demand = _demand()
    setting = _setting(demand.series)
    crit = np.where(np.arange(demand.series) % 7 == 0, "vital", "essential")

    local = plan(demand, setting=setting, targets=Targets(), criticality=crit)
    spread = plan_partitioned(
        demand,
        scheduler=cluster.scheduler_address,
        partitions=5,
        setting=setting,
        targets=Targets(),
        criticality=crit,
    )

    assert spread.series_ids == local.series_ids
    assert spread.rows() == local.rows()


def test_plan_with_a_scheduler_writes_the_same_file_as_without(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    demand = _demand(series=60, days=200)
    rows = [
        {"series_id": sid, "date": d.isoformat(), "quantity": float(demand.quantities[i, k])}
        for i, sid in enumerate(demand.series_ids)
        for k, d in enumerate(demand.dates())
        if not np.isnan(demand.quantities[i, k]) and demand.quantities[i, k] > 0
    ]
    source = tmp_path / "demand.csv"
    pl.DataFrame(rows).write_csv(source)

    for name, extra in (("local", []), ("dask", ["--scheduler", cluster.scheduler_address])):
        with pytest.raises(SystemExit) as done:
            cli.main(
                ["plan", "--demand", str(source), "--out", str(tmp_path / f"{name}.csv"), *extra]
            )
        assert done.value.code in (0, None)

    assert (tmp_path / "local.csv").read_text() == (tmp_path / "dask.csv").read_text()
