"""The one-line reason a recommendation gives: what it says sets the max matches the numbers."""

from __future__ import annotations

from typing import Any

from rxsupply.adapters.planning_queries import explain


def _storeroom(**extra: Any) -> dict[str, Any]:
    return {
        "abc": "C",
        "xyz": "Z",
        "demand_class": "intermittent",
        "lifecycle": "active",
        "mean_daily_demand": 0.12177,
        "sd_daily_demand": 0.55,
        "protection_days": 1,
        "lead_time_days": 1,
        "review_period_days": 1,
        "distribution": "negative_binomial",
        "target": 0.98,
        "service_measure": "fill-rate",
        "location_kind": "storeroom",
        "case_pack": 100,
        "ceiling_days": 60,
        **extra,
    }


def test_a_max_one_case_pack_over_the_ceiling_says_the_pack_set_it() -> None:
    # 0.12 a day in packs of 100: one pack is 821 days, the 60-day ceiling 7 units
    why = explain(_storeroom(min=8, max=108, max_ceiling=108, max_days_of_supply=886.9))

    assert "plus one case pack of 100" in why
    assert "longer than the 60-day ceiling" in why
    assert "held to" not in why


def test_a_max_at_the_ceiling_says_the_ceiling_held_it() -> None:
    # 12.4 a day: the 60-day ceiling is 744 units, many packs
    why = explain(
        _storeroom(
            mean_daily_demand=12.4, min=20, max=744, max_ceiling=744, max_days_of_supply=60.0
        )
    )

    assert "max held to the 60-day ceiling" in why
    assert "case pack" not in why


def test_a_pocket_the_capacity_holds_down_says_so() -> None:
    why = explain(_storeroom(location_kind="pocket", capped_by_capacity=True, min=4, max=40))

    assert "max capped by the pocket's capacity" in why
