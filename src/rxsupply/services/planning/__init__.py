"""Planning on the hospital's own data: the use cases every face calls, so the CLI, the API and
the web pages show the same numbers.

- :mod:`.history`: :func:`load_history` reads the demand history through the demand history
  port (``uow.demand``) into a :class:`History`.
- :mod:`.classes`: :func:`analyse_classes` (``rxsupply analyze``) and the classes a run stores.
- :mod:`.job`: :func:`plan_history`, :func:`propose_plan` and the planning job,
  :func:`run_planning` (plan, store the classes, propose the changed levels for review).
- :mod:`.holdout`: :func:`compare_on_holdout`, the held-out days replayed under the current
  and the recommended levels.
- :mod:`.curve`: :func:`service_curve`, fill rate against inventory value.
"""

from rxsupply.services.planning.classes import analyse_classes, series_class_rows
from rxsupply.services.planning.curve import BUDGET_SHARES, CURVE_LEVELS, service_curve
from rxsupply.services.planning.history import (
    PLANNING_HISTORY_DAYS,
    History,
    abc_of,
    load_history,
    setting_for,
    since_first_observed,
)
from rxsupply.services.planning.holdout import (
    HOLDOUT_DAYS,
    SHELF_LIFE_DAYS,
    Comparison,
    compare_on_holdout,
)
from rxsupply.services.planning.job import (
    PlanFunction,
    Progress,
    RunSummary,
    changed_levels,
    plan_history,
    plan_rows,
    propose_plan,
    run_planning,
)
from rxsupply.services.planning.jobs import STALE, job_status, run_job, start_job

__all__ = [
    "BUDGET_SHARES",
    "CURVE_LEVELS",
    "HOLDOUT_DAYS",
    "PLANNING_HISTORY_DAYS",
    "SHELF_LIFE_DAYS",
    "STALE",
    "Comparison",
    "History",
    "PlanFunction",
    "Progress",
    "RunSummary",
    "abc_of",
    "analyse_classes",
    "changed_levels",
    "compare_on_holdout",
    "job_status",
    "load_history",
    "plan_history",
    "plan_rows",
    "propose_plan",
    "run_job",
    "run_planning",
    "series_class_rows",
    "service_curve",
    "setting_for",
    "since_first_observed",
    "start_job",
]
