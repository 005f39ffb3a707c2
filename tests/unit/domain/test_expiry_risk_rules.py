"""The expiry-risk rules: where an at-risk lot is sent, how much, and the PAR reductions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from rxsupply.domain.expiry_risk import (
    LotRisk,
    PocketUse,
    Taker,
    par_reductions,
    plan_transfers,
    value_by_week,
)

TODAY = date(2026, 11, 20)
LAST = date(2027, 11, 19)
IN_30_DAYS = date(2026, 12, 19)  # usable today and the 29 days after: 30 days of use


def at_risk(
    *, units: int = 30, location: str = "P1", kind: str = "pocket", cost: str = "2.00"
) -> LotRisk:
    return LotRisk(
        location=location,
        location_kind=kind,
        facility="MAIN",
        item="ONDA",
        item_name="ondansetron",
        ndc="98765-401-02",
        lot="A1",
        expiry=IN_30_DAYS,
        on_hand=units,
        daily_use=0.0,
        demand_source="no use",
        projected_use=0,
        expired_units=units,
        unit_cost=Decimal(cost),
    )


def taker(
    location: str = "P2",
    *,
    daily: float = 1.0,
    room: int | None = 100,
    own: list[tuple[date, int]] | None = None,
    facility: str = "MAIN",
    kind: str = "pocket",
) -> Taker:
    return Taker(
        location=location,
        kind=kind,
        facility=facility,
        item="ONDA",
        daily_use=daily,
        demand_source="forecast",
        room=room,
        own=own or [],
    )


def test_a_lot_goes_where_it_is_used_before_expiry_net_of_that_places_earlier_stock() -> None:
    # P2 uses 1 a day: 30 units through the lot's expiry, 12 of them from its own lot that
    # expires on 1 December; it can use 18 of the 30 at risk: 18 x $2 saved
    place = taker(own=[(date(2026, 12, 1), 12)])

    moves = plan_transfers([at_risk()], [place], today=TODAY, last=LAST)

    assert [(m.from_location, m.to_location, m.units, m.value_saved) for m in moves] == [
        ("P1", "P2", 18, Decimal("36.00"))
    ]
    assert "12 of them from its own stock that expires first" in moves[0].why
    assert place.own[-1] == (IN_30_DAYS, 18)


def test_a_move_may_not_make_the_receiving_places_later_stock_expire_instead() -> None:
    # P2 will use 40 of a lot that expires on 8 January (50 days of use from today): only 10
    # more units fit before then, whatever the 30 days to the at-risk lot's expiry allow
    place = taker(own=[(date(2027, 1, 8), 40)])

    moves = plan_transfers([at_risk()], [place], today=TODAY, last=LAST)

    assert [m.units for m in moves] == [10]


def test_a_pocket_takes_no_more_than_its_room_and_the_rest_goes_to_the_next_place() -> None:
    small, large = taker("P2", room=5), taker("P3", daily=0.5, room=None)

    moves = plan_transfers([at_risk()], [small, large], today=TODAY, last=LAST)

    # P2 could use 30 but has room for 5; P3 uses 15 in the 30 days and is served first (the
    # most it can take); 10 units still expire
    assert [(m.to_location, m.units) for m in moves] == [("P3", 15), ("P2", 5)]


def test_nothing_goes_to_a_place_without_use_another_facility_or_for_less_than_a_dollar() -> None:
    idle, elsewhere = taker("P2", daily=0.0), taker("P3", facility="OTHER")

    assert plan_transfers([at_risk()], [idle, elsewhere], today=TODAY, last=LAST) == []
    assert plan_transfers([at_risk(cost="0.03")], [taker()], today=TODAY, last=LAST) == []


def test_a_storeroom_sends_only_to_other_facilities_whose_cabinets_it_does_not_fill() -> None:
    store = at_risk(location="STORE", kind="storeroom")
    own_pocket, other = taker("P2"), taker("F2-P1", facility="F2")

    moves = plan_transfers([store], [own_pocket, other], today=TODAY, last=LAST)

    assert [m.to_location for m in moves] == ["F2-P1"]


def test_a_pocket_never_sends_to_its_own_facilitys_storeroom_whose_use_is_its_refills() -> None:
    # the storeroom's use is the refills of these same pockets: sending there counts it twice
    own_store = taker("STORE", kind="storeroom", room=None, daily=5.0)
    satellite = taker("SAT", kind="satellite", room=10)

    moves = plan_transfers([at_risk()], [own_store, satellite], today=TODAY, last=LAST)

    assert [(m.to_location, m.units) for m in moves] == [("SAT", 10)]
    assert "the satellite has room for 10" in moves[0].why
    assert "pocket" not in moves[0].why.split(";")[1]


def pocket(daily: float, *, low: int = 3, high: int = 20) -> PocketUse:
    return PocketUse(
        location="P1",
        item="ONDA",
        daily_use=daily,
        demand_source="forecast",
        min_level=low,
        max_level=high,
        refill_expiry=date(2027, 1, 18),  # 60 days of use from today
        unit_cost=Decimal("2.50"),
    )


def test_a_pocket_max_comes_down_to_what_it_uses_before_a_refills_stock_expires() -> None:
    # 0.1 a day over 60 days is 6 units: a max of 20 leaves 14 to expire ($35 held less)
    (found,) = par_reductions([pocket(0.1)], today=TODAY)

    assert (found.max_level, found.proposed_max, found.value_held_less) == (20, 6, Decimal("35.00"))


def test_a_reduced_max_stays_at_the_min_level_and_none_is_proposed_when_max_is_used() -> None:
    (kept,) = par_reductions([pocket(0.02)], today=TODAY)  # 1.2 units in 60 days

    assert kept.proposed_max == 3
    assert par_reductions([pocket(0.5)], today=TODAY) == []  # 30 units in 60 days


def test_value_at_risk_by_week_counts_each_lot_in_its_expiry_week_and_adds_up() -> None:
    lots = [at_risk(), at_risk(units=5)]  # both expire on day 29, in week 4 (days 28-34)

    weeks = value_by_week(lots, today=TODAY, weeks=6)

    assert [w["value"] for w in weeks] == ["0.00", "0.00", "0.00", "0.00", "70.00", "0.00"]
    assert weeks[5]["cumulative_value"] == "70.00"


def test_a_lot_counts_in_the_week_of_the_day_after_its_expiry_when_its_units_are_lost() -> None:
    # expiring on day 6 (26 November), its units are lost on day 7: the second week
    # expiring today, they are lost tomorrow: the first week
    day_6 = replace(at_risk(units=10), expiry=date(2026, 11, 26))
    today = replace(at_risk(units=1), expiry=TODAY)

    weeks = value_by_week([day_6, today], today=TODAY, weeks=3)

    assert [w["units"] for w in weeks] == [1, 10, 0]
