"""The reallocation plan's rules on hand-built pockets: a source keeps its floor; a place that
does not use the item receives nothing; days of supply are evened out, never reversed; a
destination takes no more than its room; the units come from the earliest-expiring lot first;
moves that would leave a source below its floor are refused naming cabinet, item and floor."""

from __future__ import annotations

from datetime import date

import pytest

from rxsupply.domain.reallocation import (
    PocketLot,
    PocketStock,
    ReallocationPlan,
    build_moves,
    check_floors,
    plan_moves,
)
from rxsupply.errors import ConservationRefused


def pocket(
    name: str, usable: int, use: float, *, floor: int = 0, capacity: int | None = None
) -> PocketStock:
    return PocketStock(
        pocket=f"{name}-P1",
        cabinet=name,
        usable=usable,
        on_hand=usable,
        daily_use=use,
        floor=floor,
        capacity=capacity,
        lots=(
            PocketLot("EARLY", date(2027, 1, 31), usable // 2),
            PocketLot("LATE", None, usable - usable // 2),
        ),
    )


def test_a_source_keeps_its_floor_and_an_unused_place_receives_nothing() -> None:
    places = [pocket("ED", 45, 0.0, floor=10), pocket("ICU", 9, 0.25), pocket("OR", 5, 0.0)]

    assert plan_moves(places) == [(0, 1, 35), (2, 1, 5)]  # OR gives its all, receives nothing


def test_days_of_supply_are_evened_out_never_reversed() -> None:
    places = [pocket("A", 100, 1.0), pocket("B", 10, 1.0)]  # 100 and 10 days

    ((s, d, units),) = plan_moves(places)

    assert (s, d, units) == (0, 1, 45)  # 55 days each


def test_a_destination_takes_no_more_than_its_room() -> None:
    places = [pocket("A", 100, 0.0), pocket("B", 10, 1.0, capacity=30)]

    assert plan_moves(places) == [(0, 1, 20)]


def test_nothing_moves_when_the_low_use_place_has_nothing_above_its_floor() -> None:
    assert plan_moves([pocket("A", 10, 0.0, floor=10), pocket("B", 1, 2.0)]) == []


def test_the_units_come_from_the_earliest_expiring_lot_first() -> None:
    moves = build_moves([pocket("A", 40, 0.0), pocket("B", 0, 1.0, capacity=30)])

    assert [(m.lot, m.units) for m in moves] == [("EARLY", 20), ("LATE", 10)]
    assert (moves[0].to_days_before, moves[0].to_days_after) == (0.0, 30.0)


def test_moves_below_a_floor_are_refused_naming_cabinet_item_floor_and_units() -> None:
    places = [pocket("A", 40, 0.0, floor=5), pocket("B", 0, 1.0)]
    moves = build_moves([pocket("A", 40, 0.0), pocket("B", 0, 1.0)])

    with pytest.raises(ConservationRefused) as refused:
        check_floors(moves, places, item="ONDA4INJ")

    said = "moving 40 units of ONDA4INJ out of cabinet A (pocket A-P1) would leave 0, below"
    assert f"{said} its floor of 5" in str(refused.value)


def test_the_same_plan_on_the_same_stock_has_the_same_id_and_a_stock_change_a_new_one() -> None:
    def plan(usable: int) -> ReallocationPlan:
        places = [pocket("A", usable, 0.0), pocket("B", 0, 1.0)]
        return ReallocationPlan(
            shortage_id=1,
            item="X",
            item_name="x",
            on=date(2026, 11, 20),
            floor=None,
            history_days=84,
            places=places,
            moves=build_moves(places),
        )

    assert plan(40).plan_id == plan(40).plan_id != plan(39).plan_id
