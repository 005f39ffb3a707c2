"""The planning run end to end: :func:`plan` prepares every series (steps 1-3) and finishes it
at the service targets (step 4)."""

from __future__ import annotations

from rxsupply.analytics import classification as cls
from rxsupply.analytics.demand import DemandMatrix, Floats
from rxsupply.analytics.planning.finishing import finish
from rxsupply.analytics.planning.preparation import Evidence, prepare
from rxsupply.analytics.planning.result import Ints, Labels, Plan
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
        thresholds=thresholds,
    )
    return finish(ready, setting=setting, targets=targets, target=target, budget=budget)
