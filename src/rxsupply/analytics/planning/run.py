"""The planning run end to end: :func:`plan` prepares every series (steps 1-3) and finishes it
at the service targets (step 4)."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

from rxsupply.analytics import classification as cls
from rxsupply.analytics.demand import DemandMatrix, Floats, mean_daily
from rxsupply.analytics.planning.finishing import finish
from rxsupply.analytics.planning.preparation import (
    Evidence,
    Scores,
    candidate_scores,
    choose,
    prepare,
)
from rxsupply.analytics.planning.result import Ints, Labels, Plan, concat
from rxsupply.analytics.policy import Setting, Targets


def plan(
    demand: DemandMatrix,
    *,
    setting: Setting,
    targets: Targets,
    criticality: Labels | None = None,
    item_groups: Ints | None = None,
    abc: Labels | None = None,
    target: Floats | None = None,
    textbook: bool = False,
    evidence: Evidence | None = None,
    selection: tuple[NDArray[np.str_], Floats] | None = None,
    demand_class: Labels | None = None,
    budget: float | None = None,
    thresholds: cls.Thresholds | None = None,
) -> Plan:
    """Recommend levels for every series of ``demand`` (history only: hold out before).

    Every step is per series except ABC, which ranks all series together: pass ``abc`` when
    planning a part of the series (a Dask partition) so every part ranks alike.

    With ``budget`` (money of average inventory), each series' target is chosen from
    :data:`BUDGET_MENU` by marginal allocation so that the expected average inventory value
    fits the budget and the expected units filled are the most."""
    ready = prepare(
        demand,
        setting=setting,
        targets=targets,
        criticality=criticality,
        item_groups=item_groups,
        abc=abc,
        textbook=textbook,
        evidence=evidence,
        selection=selection,
        demand_class=demand_class,
        thresholds=thresholds,
    )
    return finish(ready, setting=setting, targets=targets, target=target, budget=budget)


def plan_in_parts(
    demand: DemandMatrix,
    *,
    setting: Setting,
    targets: Targets,
    criticality: Labels | None = None,
    abc: Labels | None = None,
    textbook: bool = False,
    thresholds: cls.Thresholds | None = None,
    chunk: int = 5_000,
    progress: Callable[[float], None] | None = None,
    workers: int | None = None,
) -> Plan:
    """:func:`plan` of ``demand`` in parts of ``chunk`` series, the same plan as at once: the
    parts share the ABC of all the series and the evidence of all for the forecast's method
    choice. The working memory is that of one part (each part's history is copied as 64-bit
    floats: the whole may be held as 32-bit); ``progress`` is told the share done after each.

    ``workers`` parts (one per core by default) are worked on at once, in threads: the
    compiled kernels and numpy's large operations release the interpreter's lock, so the
    numpy steps, single-threaded within a part, use every core across parts. The plan is the
    same for any number of workers (each part's result is its own; they are joined in
    order)."""
    n = demand.series
    crit = criticality if criticality is not None else np.full(n, "essential")
    parts = [np.arange(start, min(start + chunk, n)) for start in range(0, n, chunk)]

    def part(rows: Ints) -> DemandMatrix:
        picked = demand.select(rows)
        return replace(picked, quantities=np.asarray(picked.quantities, dtype=np.float64))

    if abc is None:
        means = np.concatenate([mean_daily(part(rows).quantities) for rows in parts])
        abc = cls.abc(means * 365.0 * setting.unit_cost, t=thresholds)
    extra: dict[str, Any] = {} if thresholds is None else {"thresholds": thresholds}
    count = max(1, workers if workers is not None else (os.cpu_count() or 1))
    threads = max(1, numba.get_num_threads() // count)  # the cores shared out, not oversubscribed
    with ThreadPoolExecutor(
        max_workers=count, initializer=numba.set_num_threads, initargs=(threads,)
    ) as pool:
        evidence: Evidence | None = None
        scores: list[Scores] = []
        classes: list[Labels | None] = [None] * len(parts)
        if not textbook:  # every part's backtests once: their evidence pooled, then the choice

            def scored(k: int) -> Scores:
                chunk_demand = part(parts[k])
                klass = cls.demand_shape(chunk_demand.quantities).classes()
                classes[k] = klass
                return candidate_scores(chunk_demand.filled(), klass)

            scores = list(pool.map(scored, range(len(parts))))
            evidence = Evidence.combine([s.evidence() for s in scores])

        def planned_part(k: int) -> Plan:
            rows = parts[k]
            selection = None if textbook else choose(scores[k], evidence=evidence)
            return plan(
                part(rows),
                setting=setting.take(rows),
                targets=targets,
                criticality=crit[rows],
                abc=abc[rows],
                textbook=textbook,
                selection=selection,
                demand_class=classes[k],
                **extra,
            )

        planned: list[Plan] = []
        for k, done in enumerate(pool.map(planned_part, range(len(parts)))):
            planned.append(done)
            if progress is not None:
                progress((k + 1) / len(parts))
    return concat(planned)
