"""Usable stock: picking never hands out expired, blocked or quarantine-shelf stock.

The world: a storeroom with a quarantine shelf under it, a cabinet with a pocket, one product
with an expired lot, a quarantined lot and a good lot.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rxsupply.domain.movement import MovementKind
from rxsupply.domain.status import StatusNote, StockStatus, is_expired, why_unusable
from rxsupply.domain.stock import StockBook
from rxsupply.errors import InsufficientStock

AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)
STORE, SHELF, ADC, POCKET = 1, 2, 10, 11
HALOPERIDOL = 100
EXPIRED, QUARANTINED, GOOD = 1000, 1001, 1002
EXPIRY = {
    EXPIRED: date(2026, 10, 31),
    QUARANTINED: date(2027, 1, 31),
    GOOD: date(2027, 6, 30),
}


def book(on_hand: dict[tuple[int, int, int], int]) -> StockBook:
    return StockBook(
        on_hand=dict(on_hand),
        lot_expiry=dict(EXPIRY),
        subtree={STORE: (STORE, SHELF), ADC: (ADC, POCKET)},
        lot_status={QUARANTINED: StatusNote(StockStatus.QUARANTINED, "particles seen", "tech")},
        unpickable=frozenset({SHELF}),
        names={STORE: "STORE", SHELF: "QUAR", ADC: "ADC", POCKET: "ADC-P1"},
    )


def issue(b: StockBook, location: int, quantity: int, **kw: object) -> list[tuple[int, int]]:
    moved = b.issue(
        kind=MovementKind.DISPENSE,
        location_id=location,
        product_ids=[HALOPERIDOL],
        quantity=quantity,
        occurred_at=AT,
        on=TODAY,
        **kw,  # type: ignore[arg-type]
    )
    return [(m.lot_id, m.quantity) for m in moved]


def test_a_lot_is_usable_through_its_expiry_date_and_expired_the_day_after() -> None:
    assert not is_expired(date(2026, 11, 20), date(2026, 11, 20))
    assert is_expired(date(2026, 11, 20), date(2026, 11, 21))
    assert not is_expired(None, date(2099, 1, 1))


def test_picking_skips_the_expired_lot_although_it_expires_first() -> None:
    b = book({(POCKET, HALOPERIDOL, EXPIRED): 5, (POCKET, HALOPERIDOL, GOOD): 5})

    taken = issue(b, ADC, 3)

    assert taken == [(GOOD, 3)]
    assert b.quantity((POCKET, HALOPERIDOL, EXPIRED)) == 5


def test_picking_skips_a_quarantined_lot() -> None:
    b = book({(STORE, HALOPERIDOL, QUARANTINED): 9, (STORE, HALOPERIDOL, GOOD): 2})

    assert issue(b, STORE, 2) == [(GOOD, 2)]


def test_a_pick_larger_than_the_usable_stock_is_short_and_says_what_is_unusable() -> None:
    b = book({(STORE, HALOPERIDOL, EXPIRED): 4, (STORE, HALOPERIDOL, GOOD): 2})

    with pytest.raises(InsufficientStock, match=r"only 2 on hand usable \(4 more are expired"):
        issue(b, STORE, 3)

    assert b.deltas == {}


def test_stock_on_a_quarantine_shelf_is_never_usable_even_from_the_shelf_itself() -> None:
    b = book({(SHELF, HALOPERIDOL, GOOD): 10})

    assert b.available(STORE, [HALOPERIDOL], on=TODAY) == 0
    assert b.lines_for(STORE, [HALOPERIDOL]) == []
    assert b.available(SHELF, [HALOPERIDOL], on=TODAY) == 0
    assert b.unusable(SHELF, [HALOPERIDOL], on=TODAY) == 10


def test_units_held_in_blocked_sealed_packages_are_not_usable() -> None:
    b = book({(STORE, HALOPERIDOL, GOOD): 30})
    b.held = {(STORE, HALOPERIDOL, GOOD): 10}

    assert b.usable((STORE, HALOPERIDOL, GOOD), TODAY) == 20
    with pytest.raises(InsufficientStock):
        issue(b, STORE, 21)


def test_taking_unusable_stock_is_possible_only_when_the_caller_allows_it() -> None:
    b = book({(STORE, HALOPERIDOL, EXPIRED): 4})

    taken = issue(b, STORE, 4, lot_ids={EXPIRED}, take_unusable=True)

    assert taken == [(EXPIRED, 4)]


def test_a_patient_return_goes_to_a_usable_lot_rather_than_an_expired_one() -> None:
    b = book({(POCKET, HALOPERIDOL, EXPIRED): 1, (POCKET, HALOPERIDOL, GOOD): 1})

    m = b.put_back(
        kind=MovementKind.PATIENT_RETURN,
        location_id=POCKET,
        product_ids=[HALOPERIDOL],
        quantity=1,
        occurred_at=AT,
        on=TODAY,
    )

    assert m.lot_id == GOOD


def test_why_unusable_names_the_status_with_who_and_why_before_the_expiry() -> None:
    note = StatusNote(StockStatus.RECALLED, "FDA class I recall", "manager", AT)

    assert why_unusable(expiry=date(2020, 1, 1), on=TODAY, note=note, lot="lot H1") == (
        "lot H1 is recalled by manager since 2026-11-20: FDA class I recall"
    )
    assert why_unusable(expiry=date(2026, 10, 31), on=TODAY, note=None, lot="lot H2") == (
        "lot H2 expired on 2026-10-31"
    )
    assert why_unusable(expiry=date(2026, 11, 20), on=TODAY, note=None) is None
