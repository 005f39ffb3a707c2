"""The planning run: demand matrix in, one explained recommendation per series out.

1. Classify each series (ABC by value, XYZ, Syntetos-Boylan class, lifecycle).
2. Choose its forecasting method by a rolling-origin backtest among the methods that suit its
   class (smooth and erratic: SES, moving average; intermittent and lumpy: Croston, SBA, TSB,
   ADIDA, IMAPA), the long-run mean and the combination of the methods, scored on the
   absolute error of each horizon's total scaled by the series' naive error, pooled with the
   errors of the series of its group of classes (so short histories choose well too).
3. Choose the distribution of demand over the protection interval by class, then test it on
   the series' own history: of the class default and the alternatives, keep the one whose
   quantile at the target covered the share of past interval sums closest to the target.
4. Compute the levels (:mod:`rxsupply.analytics.policy`).

The *textbook* plan (``textbook=True``) is the comparison everyone knows: SES forecast, normal
demand, ``z x sigma x sqrt(P)`` safety stock, for every series.

:func:`plan` (:mod:`.run`) is :func:`prepare` (steps 1-3, :mod:`.preparation`) then
:func:`finish` (step 4, :mod:`.finishing`), giving a :class:`Plan` (:mod:`.result`); every name
is re-exported here.
"""

from rxsupply.analytics.planning.finishing import (
    BUDGET_MENU,
    budget_targets,
    expected_value,
    finish,
)
from rxsupply.analytics.planning.preparation import (
    HORIZON,
    INTERMITTENT_CANDIDATES,
    ORIGINS,
    POOL_WEIGHT,
    SMOOTH_CANDIDATES,
    Evidence,
    Prepared,
    evidence_of,
    naive_scale,
    prepare,
    scaled_errors,
    select_methods,
)
from rxsupply.analytics.planning.result import Ints, Labels, Plan, concat
from rxsupply.analytics.planning.run import plan, plan_in_parts

__all__ = [
    "BUDGET_MENU",
    "HORIZON",
    "INTERMITTENT_CANDIDATES",
    "ORIGINS",
    "POOL_WEIGHT",
    "SMOOTH_CANDIDATES",
    "Evidence",
    "Ints",
    "Labels",
    "Plan",
    "Prepared",
    "budget_targets",
    "concat",
    "evidence_of",
    "expected_value",
    "finish",
    "naive_scale",
    "plan",
    "plan_in_parts",
    "prepare",
    "scaled_errors",
    "select_methods",
]
