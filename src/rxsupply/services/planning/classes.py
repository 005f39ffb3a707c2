"""The classes of every item-location: what ``rxsupply analyze`` shows, and what a planning run
stores in ``series_class`` (its view of every item-location, which the classes pages read)."""

from __future__ import annotations

from typing import Any

import numpy as np

from rxsupply.analytics import classification as cls
from rxsupply.analytics.demand import mean_daily
from rxsupply.analytics.planning import Plan
from rxsupply.services.planning.history import History, abc_of, annual_value


def analyse_classes(
    history: History, *, thresholds: cls.Thresholds | None = None
) -> list[dict[str, Any]]:
    """Classes of every item-location: ABC (per item, by annual value), XYZ, demand class,
    lifecycle, with the figures behind them."""
    q = history.demand.quantities
    info = history.info
    mean = mean_daily(q)
    value = annual_value(q, info)
    abc = abc_of(q, info, thresholds)
    xyz = cls.xyz(q, t=thresholds)
    shape = cls.demand_shape(q)
    klass = shape.classes()
    life = cls.lifecycle(q, t=thresholds)
    cv = cls.monthly_cv(q)
    return [
        {
            "item": info.item_code[i],
            "name": info.item_name[i],
            "location": info.location_code[i],
            "abc": str(abc[i]),
            "xyz": str(xyz[i]),
            "demand_class": str(klass[i]),
            "lifecycle": str(life[i]),
            "criticality": str(info.criticality[i]),
            "mean_daily_demand": round(float(mean[i]), 4),
            "annual_value": round(float(value[i]), 2),
            "adi": None if not np.isfinite(shape.adi[i]) else round(float(shape.adi[i]), 2),
            "cv2": round(float(shape.cv2[i]), 3),
            "monthly_cv": None if np.isnan(cv[i]) else round(float(cv[i]), 3),
            "censored_days": int(np.isnan(q[i]).sum()),
        }
        for i in range(history.demand.series)
    ]


def series_class_rows(result: Plan, history: History) -> list[dict[str, Any]]:
    """A run's view of every item-location, as stored in ``series_class``: the historical
    mean and annual value (what ABC ranks, as :func:`analyse_classes` shows them) and the
    forecast. ``result`` is the plan of ``history``."""
    lv = result.levels
    info = history.info
    mean = mean_daily(history.demand.quantities)
    value = annual_value(history.demand.quantities, info)
    return [
        {
            "location_id": int(info.location_id[i]),
            "item_id": int(info.item_id[i]),
            "abc": str(result.abc[i]),
            "xyz": str(result.xyz[i]),
            "demand_class": str(result.demand_class[i]),
            "lifecycle": str(result.lifecycle[i]),
            "mean_daily_demand": float(mean[i]),
            "forecast_daily": float(result.mean_daily_demand[i]),
            "sd_daily_demand": float(result.sd_daily_demand[i]),
            "annual_value": float(value[i]),
            "method": str(result.method[i]),
            "distribution": str(result.distribution[i]),
            "min_level": int(lv.min_level[i]),
            "max_level": int(lv.max_level[i]),
            "target": float(lv.target[i]),
        }
        for i in range(len(result.series_ids))
    ]
