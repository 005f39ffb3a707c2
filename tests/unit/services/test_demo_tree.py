"""The demo hospital's pockets: how each item's demand profile becomes a pocket's daily use."""

from __future__ import annotations

import numpy as np

from rxsupply.adapters.demo_catalogue import demo_items
from rxsupply.services.demo.tree import PRICE_FACTOR, RATES, locations


def _rates_by_demand() -> dict[str, list[float]]:
    catalogue = demo_items()
    _, pockets = locations(catalogue, np.random.default_rng(7), 1)
    rates: dict[str, list[float]] = {}
    for _, idx, area, rate, _, _ in pockets:
        if not (area == "OR" and catalogue[idx].demand == "high"):
            rates.setdefault(catalogue[idx].demand, []).append(rate)
    return rates


def test_a_costly_drug_keeps_its_profiles_rate_without_a_price_factor() -> None:
    low, high = RATES["costly"]

    costly = _rates_by_demand()["costly"]

    assert len(costly) > 100
    assert all(low <= rate <= high for rate in costly)


def test_other_slow_drugs_are_scaled_down_by_their_price() -> None:
    low, high = RATES["slow"]

    slow = _rates_by_demand()["slow"]

    assert min(slow) < low  # a costly slow mover uses less than the profile's range
    assert min(slow) >= low * PRICE_FACTOR[0]
    assert max(slow) <= high * PRICE_FACTOR[1]
