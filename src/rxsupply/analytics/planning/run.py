"""The planning run end to end: :func:`plan` prepares every series (steps 1-3) and finishes it
at the service targets (step 4)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

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
) -> Plan:
    """:func:`plan` of ``demand`` in parts of ``chunk`` series, the same plan as at once: the
    parts share the ABC of all the series and the evidence of all for the forecast's method
    choice. The working memory is that of one part (each part's history is copied as 64-bit
    floats: the whole may be held as 32-bit); ``progress`` is told the share done after each."""
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
    scores: list[Scores] = []
    evidence = None
    if not textbook:  # every part's backtests once: their evidence pooled, then the choice
        for rows in parts:
            chunk_demand = part(rows)
            klass = cls.demand_shape(chunk_demand.quantities).classes()
            scores.append(candidate_scores(chunk_demand.filled(), klass))
        evidence = Evidence.combine([s.evidence() for s in scores])
    planned: list[Plan] = []
    for k, rows in enumerate(parts):
        selection = None if textbook else choose(scores[k], evidence=evidence)
        planned.append(
            plan(
                part(rows),
                setting=setting.take(rows),
                targets=targets,
                criticality=crit[rows],
                abc=abc[rows],
                textbook=textbook,
                selection=selection,
                **extra,
            )
        )
        if progress is not None:
            progress((k + 1) / len(parts))
    return concat(planned)
