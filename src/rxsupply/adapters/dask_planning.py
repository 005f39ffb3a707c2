"""Planning on a Dask cluster: the same :func:`~rxsupply.analytics.planning.plan`, run on
partitions of the series by the cluster's workers, then joined.

Everything in a plan is per series except the ABC ranking, which needs every series: it is
computed here once, before partitioning, and handed to each partition, so the joined result is
the one a local run gives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from rxsupply.analytics import classification as cls
from rxsupply.analytics.demand import DemandMatrix, mean_daily
from rxsupply.analytics.planning import Evidence, Plan, concat, evidence_of, plan
from rxsupply.analytics.policy import Setting, Targets
from rxsupply.errors import ConfigurationError, InvalidValue


def plan_partitioned(
    demand: DemandMatrix,
    *,
    scheduler: str,
    partitions: int,
    setting: Setting,
    targets: Targets,
    criticality: NDArray[np.str_] | None = None,
    item_groups: NDArray[np.int64] | None = None,
    abc: NDArray[np.str_] | None = None,
    textbook: bool = False,
    thresholds: cls.Thresholds | None = None,
) -> Plan:
    """Plan ``demand`` in ``partitions`` parts on the Dask scheduler at ``scheduler``."""
    from distributed import Client

    n = demand.series
    if abc is None:
        value = mean_daily(demand.quantities) * 365.0 * setting.unit_cost
        abc = cls.abc(value, groups=item_groups, t=thresholds)
    crit = criticality if criticality is not None else np.full(n, "essential")
    parts = [p for p in np.array_split(np.arange(n, dtype=np.int64), partitions) if p.size]
    try:
        client = cast(Any, Client)(scheduler, timeout=30)
    except (OSError, TimeoutError) as exc:
        raise ConfigurationError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    with client:
        # the forecast's method choice pools evidence across all series: gather it first
        evidence = None
        if not textbook:
            found = client.gather(
                [client.submit(evidence_of, demand.select(rows), pure=False) for rows in parts]
            )
            evidence = Evidence.combine(found)
        futures = [
            client.submit(
                plan,
                demand.select(rows),
                setting=setting.take(rows),
                targets=targets,
                criticality=crit[rows],
                abc=abc[rows],
                textbook=textbook,
                evidence=evidence,
                thresholds=thresholds,
                pure=False,
            )
            for rows in parts
        ]
        results: list[Plan] = client.gather(futures)
    return concat(results)


def distributed_planner(scheduler: str, *, partitions: int = 8) -> Callable[..., Plan]:
    """A drop-in for :func:`plan` that runs on the cluster (a
    ``rxsupply.services.planning.PlanFunction``)."""

    def run(demand: DemandMatrix, **kwargs: Any) -> Plan:
        if kwargs.get("budget") is not None:
            raise InvalidValue(
                "--budget", "allocates across every series at once: plan it without --scheduler"
            )
        return plan_partitioned(demand, scheduler=scheduler, partitions=partitions, **kwargs)

    return run
