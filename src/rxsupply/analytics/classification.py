"""ABC, XYZ, Syntetos-Boylan demand classes and lifecycle, for many series at once.

- **ABC** ranks by annual consumption value (units x unit cost): A are the items making up the
  first 80 % of the value, B the next 15 %, C the rest (thresholds configurable). An item is in
  the class where its value *starts* on the cumulative curve, so the item that crosses 80 % is A.
  With ``groups`` the ranking is per item (summed over its locations) and every series gets its
  item's class.
- **XYZ** by the coefficient of variation of monthly (30-day) demand: X up to 0.5, Y up to 1.0,
  Z above or with no demand.
- **Demand class** (Syntetos, Boylan & Croston 2005): ADI, the average interval between demand
  days, and CV², the squared coefficient of variation of the non-zero demand sizes, split at
  ADI 1.32 and CV² 0.49 into smooth, erratic, intermittent and lumpy; ``none`` without demand.
- **Lifecycle**: ``new`` (first demand in the last ``new_days``), ``dead`` (no use in the last
  ``dead_days``: a do-not-stock candidate; a history shorter than that cannot show it),
  ``sporadic`` (fewer than ``sporadic_days`` demand days in the last year), else ``active``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rxsupply.analytics.demand import Floats, buckets, first_observed

Labels = NDArray[np.str_]

ADI_CUT = 1.32
CV2_CUT = 0.49


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Class boundaries; the defaults are the textbook ones."""

    a_share: float = 0.80
    b_share: float = 0.15
    x_cv: float = 0.5
    y_cv: float = 1.0
    new_days: int = 90
    dead_days: int = 180
    sporadic_days: int = 6

    def __post_init__(self) -> None:
        if not (0 < self.a_share < 1 and 0 <= self.b_share < 1 - self.a_share + 1e-12):
            raise ValueError("ABC shares must satisfy 0 < A < 1 and A + B <= 1")
        if not 0 <= self.x_cv <= self.y_cv:
            raise ValueError("XYZ thresholds must satisfy 0 <= X <= Y")


def abc(
    annual_value: Floats, *, groups: NDArray[np.int64] | None = None, t: Thresholds | None = None
) -> Labels:
    """A, B or C per series by the share of annual consumption value."""
    t = t or Thresholds()
    if groups is None:
        return _abc(annual_value, t)
    labels, inverse = np.unique(groups, return_inverse=True)
    per_group = np.asarray(
        np.bincount(inverse, weights=annual_value, minlength=labels.size), dtype=np.float64
    )
    return _abc(per_group, t)[inverse]


def _abc(value: Floats, t: Thresholds) -> Labels:
    out = np.full(value.shape, "C", dtype="<U1")
    total = float(value.sum())
    if total <= 0:
        return out
    order = np.argsort(-value, kind="stable")
    before = (np.cumsum(value[order]) - value[order]) / total
    ranked = np.where(before < t.a_share, "A", np.where(before < t.a_share + t.b_share, "B", "C"))
    ranked = np.where(value[order] > 0, ranked, "C")
    out[order] = ranked
    return out


def monthly_cv(demand: Floats, month_days: int = 30) -> Floats:
    """Coefficient of variation of 30-day demand (NaN without demand)."""
    months = buckets(demand, month_days)
    mean = months.mean(axis=1) if months.shape[1] else np.zeros(demand.shape[0])
    std = months.std(axis=1) if months.shape[1] else np.zeros(demand.shape[0])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mean > 0, std / np.where(mean > 0, mean, 1.0), np.nan)


def xyz(demand: Floats, *, t: Thresholds | None = None) -> Labels:
    t = t or Thresholds()
    cv = monthly_cv(demand)
    return np.where(
        np.isnan(cv), "Z", np.where(cv <= t.x_cv, "X", np.where(cv <= t.y_cv, "Y", "Z"))
    )


@dataclass(frozen=True, slots=True)
class DemandShape:
    """Per series: ADI (observed days per demand day), CV² of the non-zero sizes, demand days."""

    adi: Floats
    cv2: Floats
    demand_days: NDArray[np.int64]

    def classes(self) -> Labels:
        high_adi = self.adi >= ADI_CUT
        high_cv2 = self.cv2 >= CV2_CUT
        out = np.where(
            high_adi,
            np.where(high_cv2, "lumpy", "intermittent"),
            np.where(high_cv2, "erratic", "smooth"),
        )
        return np.where(self.demand_days > 0, out, "none")


def demand_shape(demand: Floats) -> DemandShape:
    """ADI and CV² on observed days (censored days are neither demand nor zero)."""
    observed = ~np.isnan(demand)
    q = np.where(observed, demand, 0.0)
    positive = q > 0
    count = positive.sum(axis=1)
    days = observed.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        adi = np.where(count > 0, days / np.maximum(count, 1), np.inf)
        size_mean = np.where(count > 0, q.sum(axis=1) / np.maximum(count, 1), 0.0)
        sq = np.where(positive, (q - size_mean[:, None]) ** 2, 0.0).sum(axis=1)
        var = np.where(count > 0, sq / np.maximum(count, 1), 0.0)
        cv2 = np.where(size_mean > 0, var / np.where(size_mean > 0, size_mean, 1.0) ** 2, 0.0)
    return DemandShape(adi=adi, cv2=cv2, demand_days=count.astype(np.int64))


def lifecycle(demand: Floats, *, t: Thresholds | None = None) -> Labels:
    t = t or Thresholds()
    q = np.nan_to_num(demand, nan=0.0)
    days = q.shape[1]
    positive = q > 0
    has = positive.any(axis=1)
    first = np.where(has, np.argmax(positive, axis=1), days)
    last = np.where(has, days - 1 - np.argmax(positive[:, ::-1], axis=1), -1)
    # without use: the days since the series was first observed (the whole window for one
    # never observed), so a pocket set up last month is not dead for the months before it
    since_last = np.where(has, days - 1 - last, days - first_observed(demand))
    year = positive[:, max(0, days - 365) :].sum(axis=1)
    out = np.where(year < t.sporadic_days, "sporadic", "active")
    out = np.where(has & (first >= days - t.new_days), "new", out)
    # no use for dead_days: a history shorter than that (a ledger begun months ago, a pocket
    # set up since) cannot say a series without use is dead, only that it is sporadic so far
    return np.where(since_last >= t.dead_days, "dead", out)
