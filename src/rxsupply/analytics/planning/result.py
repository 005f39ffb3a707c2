"""The result of a planning run: :class:`Plan`, one explained recommendation per series, its
rows, and :func:`concat` to join the plans of consecutive parts of the series."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from rxsupply.analytics.demand import Floats
from rxsupply.analytics.policy import Levels, Setting

Ints = NDArray[np.int64]
Labels = NDArray[np.str_]


@dataclass(frozen=True, slots=True)
class Plan:
    """Recommendations and their explanation, one entry per series."""

    series_ids: tuple[str, ...]
    abc: Labels
    xyz: Labels
    demand_class: Labels
    lifecycle: Labels
    method: Labels
    distribution: Labels
    mean_daily_demand: Floats
    sd_daily_demand: Floats
    protection_days: Ints
    levels: Levels
    setting: Setting
    measure: str

    def rows(self) -> list[dict[str, object]]:
        """One dictionary per series: the recommendation with its explanation."""
        lv = self.levels
        st = self.setting
        mean = self.mean_daily_demand
        pack = np.where(st.storeroom, np.maximum(st.case_pack, 1), 1)
        ceiling_days = st.ceilings_days()
        ceiling = lv.ceiling if lv.ceiling is not None else np.zeros(mean.size, dtype=np.int64)
        costs = st.stockout_costs()
        shelf = st.shelf_lives()
        n = mean.size
        ones = np.ones(n)
        fill = lv.fill_rate if lv.fill_rate is not None else ones
        csl = lv.cycle_service if lv.cycle_service is not None else ones
        empty = lv.empty_day_chance if lv.empty_day_chance is not None else 1.0 - ones

        def days(units: int, i: int) -> float | None:
            return round(units / float(mean[i]), 1) if mean[i] > 0 else None

        out: list[dict[str, object]] = []
        for i, sid in enumerate(self.series_ids):
            low, high, per = int(lv.min_level[i]), int(lv.max_level[i]), int(pack[i])
            out.append(
                {
                    "series_id": sid,
                    "min": int(lv.min_level[i]),
                    "max": int(lv.max_level[i]),
                    "reorder_point": int(lv.reorder_point[i]),
                    "order_up_to": int(lv.order_up_to[i]),
                    "order_quantity": int(lv.order_quantity[i]),
                    "safety_stock": round(float(lv.safety_stock[i]), 3),
                    "mean_daily_demand": round(float(self.mean_daily_demand[i]), 5),
                    "sd_daily_demand": round(float(self.sd_daily_demand[i]), 5),
                    "method": str(self.method[i]),
                    "distribution": str(self.distribution[i]),
                    "lead_time_days": int(self.setting.lead_time_days[i]),
                    "review_period_days": int(self.setting.review_period_days[i]),
                    "protection_days": int(self.protection_days[i]),
                    "service_measure": self.measure,
                    "target": round(float(lv.target[i]), 4),
                    "abc": str(self.abc[i]),
                    "xyz": str(self.xyz[i]),
                    "demand_class": str(self.demand_class[i]),
                    "lifecycle": str(self.lifecycle[i]),
                    "capped_by_capacity": bool(lv.capped[i]),
                    "do_not_stock": bool(lv.do_not_stock[i]),
                    "min_days_of_supply": days(low, i),
                    "max_days_of_supply": days(high, i),
                    "case_pack": per,
                    "min_packages": round(low / per, 2),
                    "max_packages": round(high / per, 2),
                    "ceiling_days": int(ceiling_days[i]) or None,
                    "max_ceiling": int(ceiling[i]) or None,
                    "shelf_life_at_receipt_days": int(shelf[i]) or None,
                    "stockout_cost": round(float(costs[i]), 2),
                    "expected_fill_rate": round(float(fill[i]), 4),
                    "expected_cycle_service_level": round(float(csl[i]), 4),
                    "empty_day_chance": round(float(empty[i]), 4),
                }
            )
        return out


def concat(parts: list[Plan]) -> Plan:
    """Plans of consecutive parts of the series as one plan."""
    first = parts[0]

    def joined(name: str) -> NDArray[Any]:
        return np.concatenate([getattr(p, name) for p in parts])

    return Plan(
        series_ids=tuple(s for p in parts for s in p.series_ids),
        abc=joined("abc"),
        xyz=joined("xyz"),
        demand_class=joined("demand_class"),
        lifecycle=joined("lifecycle"),
        method=joined("method"),
        distribution=joined("distribution"),
        mean_daily_demand=joined("mean_daily_demand"),
        sd_daily_demand=joined("sd_daily_demand"),
        protection_days=joined("protection_days"),
        levels=Levels.concat([p.levels for p in parts]),
        setting=Setting.concat([p.setting for p in parts]),
        measure=first.measure,
    )
