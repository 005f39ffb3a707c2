"""StockBook: FEFO allocation, the never-below-zero rule and the ledger invariants.

The fixed world: a storeroom, a satellite, an ADC with two pockets, and one item (ondansetron
4 mg/2 mL vial) stocked from two products with lots of known and unknown expiry.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from rxsupply.domain.movement import Movement, MovementKind
from rxsupply.domain.stock import StockBook, StockKey, ledger_sums
from rxsupply.errors import InsufficientStock, InvalidMovement

AT = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
DAY = date(2026, 3, 2)
"""The movements' day: no lot here has expired on it (usable stock: see test_usable_stock.py)."""

STOREROOM, SATELLITE, ADC, POCKET_A, POCKET_B = 1, 2, 10, 11, 12
SUBTREE: dict[int, tuple[int, ...]] = {ADC: (ADC, POCKET_A, POCKET_B)}
LOCATIONS = [STOREROOM, SATELLITE, ADC, POCKET_A, POCKET_B]

HOSPIRA, FRESENIUS = 100, 101  # its two products
PRODUCTS = [HOSPIRA, FRESENIUS]

LOT_MAR, LOT_JUN, LOT_JUN_2, LOT_UNKNOWN = 1000, 1001, 1003, 1002  # Hospira lots
LOT_APR, LOT_UNKNOWN_F = 1010, 1011  # Fresenius lots
LOT_EXPIRY: dict[int, date | None] = {
    LOT_MAR: date(2026, 3, 31),
    LOT_JUN: date(2026, 6, 30),
    LOT_JUN_2: date(2026, 6, 30),
    LOT_UNKNOWN: None,
    LOT_APR: date(2026, 4, 30),
    LOT_UNKNOWN_F: None,
}
LOT_PRODUCT = {
    LOT_MAR: HOSPIRA,
    LOT_JUN: HOSPIRA,
    LOT_JUN_2: HOSPIRA,
    LOT_UNKNOWN: HOSPIRA,
    LOT_APR: FRESENIUS,
    LOT_UNKNOWN_F: FRESENIUS,
}
LOTS = sorted(LOT_PRODUCT)


def make_book(on_hand: dict[StockKey, int] | None = None) -> StockBook:
    return StockBook(
        on_hand=dict(on_hand or {}),
        lot_expiry=dict(LOT_EXPIRY),
        subtree=SUBTREE,
    )


def taken(movements: list[Movement]) -> list[tuple[int | None, int, int, int]]:
    """(from location, product, lot, quantity) of each movement, in order."""
    return [(m.from_location_id, m.product_id, m.lot_id, m.quantity) for m in movements]


def dispense(
    book: StockBook,
    location: int,
    quantity: int,
    *,
    lot_ids: Collection[int] | None = None,
    what: str = "",
) -> list[Movement]:
    return book.issue(
        kind=MovementKind.DISPENSE,
        location_id=location,
        product_ids=PRODUCTS,
        quantity=quantity,
        occurred_at=AT,
        on=DAY,
        lot_ids=lot_ids,
        what=what,
    )


def expiry_rank(key: StockKey) -> tuple[bool, date]:
    """FEFO rank of a line, worked out from the test's own expiry table."""
    expiry = LOT_EXPIRY.get(key[2])
    return (expiry is None, expiry or date.max)


def source(m: Movement) -> StockKey:
    assert m.from_location_id is not None
    return (m.from_location_id, m.product_id, m.lot_id)


def receipt(location: int, lot: int, quantity: int) -> Movement:
    return Movement(
        kind=MovementKind.RECEIPT,
        occurred_at=AT,
        product_id=LOT_PRODUCT[lot],
        lot_id=lot,
        quantity=quantity,
        to_location_id=location,
    )


# --- FEFO allocation -------------------------------------------------------------------------


def test_issue_takes_the_earliest_expiring_lot_first() -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_JUN): 10, (STOREROOM, HOSPIRA, LOT_MAR): 10})

    moved = dispense(book, STOREROOM, 4)

    assert taken(moved) == [(STOREROOM, HOSPIRA, LOT_MAR, 4)]
    assert book.quantity((STOREROOM, HOSPIRA, LOT_MAR)) == 6
    assert book.quantity((STOREROOM, HOSPIRA, LOT_JUN)) == 10


def test_issue_spills_over_into_the_next_expiring_lot_when_the_first_runs_out() -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_JUN): 10, (STOREROOM, HOSPIRA, LOT_MAR): 10})

    moved = dispense(book, STOREROOM, 15)

    assert taken(moved) == [
        (STOREROOM, HOSPIRA, LOT_MAR, 10),
        (STOREROOM, HOSPIRA, LOT_JUN, 5),
    ]
    assert book.quantity((STOREROOM, HOSPIRA, LOT_MAR)) == 0
    assert book.quantity((STOREROOM, HOSPIRA, LOT_JUN)) == 5


def test_expiry_unknown_lots_are_dispensed_last() -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_UNKNOWN): 10, (STOREROOM, HOSPIRA, LOT_JUN): 3})

    moved = dispense(book, STOREROOM, 5)

    assert taken(moved) == [
        (STOREROOM, HOSPIRA, LOT_JUN, 3),
        (STOREROOM, HOSPIRA, LOT_UNKNOWN, 2),
    ]


def test_a_lot_with_no_known_expiry_entry_counts_as_unknown_and_goes_last() -> None:
    book = make_book({(STOREROOM, HOSPIRA, 9999): 10, (STOREROOM, HOSPIRA, LOT_JUN): 3})

    moved = dispense(book, STOREROOM, 4)

    assert taken(moved) == [(STOREROOM, HOSPIRA, LOT_JUN, 3), (STOREROOM, HOSPIRA, 9999, 1)]


def test_issue_allocates_across_the_products_of_an_item_by_expiry() -> None:
    book = make_book(
        {
            (STOREROOM, HOSPIRA, LOT_JUN): 5,
            (STOREROOM, FRESENIUS, LOT_APR): 5,
            (STOREROOM, HOSPIRA, LOT_MAR): 2,
        }
    )

    moved = dispense(book, STOREROOM, 8)

    assert taken(moved) == [
        (STOREROOM, HOSPIRA, LOT_MAR, 2),
        (STOREROOM, FRESENIUS, LOT_APR, 5),
        (STOREROOM, HOSPIRA, LOT_JUN, 1),
    ]


def test_issue_only_takes_the_products_it_is_asked_for() -> None:
    book = make_book({(STOREROOM, FRESENIUS, LOT_APR): 5, (STOREROOM, HOSPIRA, LOT_JUN): 5})

    moved = book.issue(
        kind=MovementKind.DISPENSE,
        location_id=STOREROOM,
        product_ids=[HOSPIRA],
        quantity=2,
        occurred_at=AT,
        on=DAY,
    )

    assert taken(moved) == [(STOREROOM, HOSPIRA, LOT_JUN, 2)]


def test_stock_at_a_cabinet_includes_its_pockets() -> None:
    book = make_book(
        {
            (POCKET_A, HOSPIRA, LOT_JUN): 4,
            (POCKET_B, HOSPIRA, LOT_MAR): 3,
            (STOREROOM, HOSPIRA, LOT_MAR): 50,
        }
    )

    moved = dispense(book, ADC, 5)

    assert book.available(ADC, PRODUCTS, on=DAY) == 2
    assert taken(moved) == [(POCKET_B, HOSPIRA, LOT_MAR, 3), (POCKET_A, HOSPIRA, LOT_JUN, 2)]
    assert book.quantity((STOREROOM, HOSPIRA, LOT_MAR)) == 50


def test_a_pocket_does_not_see_the_stock_of_its_sibling_pocket() -> None:
    book = make_book({(POCKET_A, HOSPIRA, LOT_JUN): 4, (POCKET_B, HOSPIRA, LOT_MAR): 3})

    with pytest.raises(InsufficientStock):
        dispense(book, POCKET_A, 5)

    assert book.available(POCKET_A, PRODUCTS, on=DAY) == 4
    assert book.available(ADC, PRODUCTS, on=DAY) == 7


def test_lines_of_the_same_expiry_are_taken_in_lot_then_location_order() -> None:
    book = make_book(
        {
            (POCKET_B, HOSPIRA, LOT_JUN): 2,
            (POCKET_A, HOSPIRA, LOT_JUN_2): 2,
            (POCKET_A, HOSPIRA, LOT_JUN): 2,
        }
    )

    moved = dispense(book, ADC, 5)

    assert taken(moved) == [
        (POCKET_A, HOSPIRA, LOT_JUN, 2),
        (POCKET_B, HOSPIRA, LOT_JUN, 2),
        (POCKET_A, HOSPIRA, LOT_JUN_2, 1),
    ]


def test_lines_with_nothing_left_are_skipped_without_an_empty_movement() -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_MAR): 0, (STOREROOM, HOSPIRA, LOT_JUN): 5})

    moved = dispense(book, STOREROOM, 3)

    assert taken(moved) == [(STOREROOM, HOSPIRA, LOT_JUN, 3)]


def test_the_book_lists_lines_with_stock_in_fefo_order_and_empty_ones_on_request() -> None:
    book = make_book(
        {
            (POCKET_A, FRESENIUS, LOT_UNKNOWN_F): 1,
            (POCKET_A, HOSPIRA, LOT_JUN): 1,
            (POCKET_B, HOSPIRA, LOT_MAR): 0,
            (POCKET_B, FRESENIUS, LOT_APR): 1,
        }
    )

    lines = book.lines_for(ADC, PRODUCTS)
    every = book.lines_for(ADC, PRODUCTS, include_empty=True)

    assert lines == [
        (POCKET_B, FRESENIUS, LOT_APR),
        (POCKET_A, HOSPIRA, LOT_JUN),
        (POCKET_A, FRESENIUS, LOT_UNKNOWN_F),
    ]
    assert every == [
        (POCKET_B, HOSPIRA, LOT_MAR),
        (POCKET_B, FRESENIUS, LOT_APR),
        (POCKET_A, HOSPIRA, LOT_JUN),
        (POCKET_A, FRESENIUS, LOT_UNKNOWN_F),
    ]


# --- short stock and bad requests ------------------------------------------------------------


def test_a_short_issue_raises_insufficient_stock_and_changes_nothing() -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_MAR): 10, (STOREROOM, FRESENIUS, LOT_APR): 15})
    book.apply(receipt(STOREROOM, LOT_JUN, 5))
    before = (dict(book.on_hand), dict(book.deltas), book.lines_for(STOREROOM, PRODUCTS))

    with pytest.raises(InsufficientStock) as caught:
        dispense(book, STOREROOM, 31, what="ondansetron 4 mg/2 mL vial")

    assert str(caught.value) == (
        "dispense of 31 ondansetron 4 mg/2 mL vial at location 1: only 30 on hand"
    )
    assert (dict(book.on_hand), dict(book.deltas), book.lines_for(STOREROOM, PRODUCTS)) == before


def test_issuing_where_nothing_was_ever_stocked_is_insufficient_stock() -> None:
    book = make_book()

    with pytest.raises(InsufficientStock) as caught:
        dispense(book, SATELLITE, 1)

    assert str(caught.value) == "dispense of 1 units at location 2: only 0 on hand"
    assert book.on_hand == {}


@pytest.mark.parametrize("quantity", [0, -2])
def test_an_issue_of_no_or_negative_units_is_rejected(quantity: int) -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_MAR): 10})

    with pytest.raises(InvalidMovement) as caught:
        dispense(book, STOREROOM, quantity)

    assert str(caught.value) == f"dispense: quantity must be positive, got {quantity}"
    assert book.on_hand == {(STOREROOM, HOSPIRA, LOT_MAR): 10}


def test_a_transfer_without_a_destination_is_rejected_before_anything_moves() -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_MAR): 10})

    with pytest.raises(InvalidMovement):
        book.issue(
            kind=MovementKind.TRANSFER,
            location_id=STOREROOM,
            product_ids=PRODUCTS,
            quantity=4,
            occurred_at=AT,
            on=DAY,
        )

    assert book.on_hand == {(STOREROOM, HOSPIRA, LOT_MAR): 10}
    assert book.deltas == {}


# --- lot restriction -------------------------------------------------------------------------


def test_an_issue_restricted_to_lots_takes_only_from_those_lots() -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_MAR): 10, (STOREROOM, HOSPIRA, LOT_JUN): 10})

    moved = dispense(book, STOREROOM, 4, lot_ids={LOT_JUN})

    assert taken(moved) == [(STOREROOM, HOSPIRA, LOT_JUN, 4)]
    assert book.quantity((STOREROOM, HOSPIRA, LOT_MAR)) == 10


def test_a_lot_restricted_issue_is_short_when_only_other_lots_have_the_stock() -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_MAR): 10, (STOREROOM, HOSPIRA, LOT_JUN): 2})

    with pytest.raises(InsufficientStock) as caught:
        dispense(book, STOREROOM, 3, lot_ids=[LOT_JUN])

    assert str(caught.value).endswith("only 2 on hand")
    assert book.on_hand == {(STOREROOM, HOSPIRA, LOT_MAR): 10, (STOREROOM, HOSPIRA, LOT_JUN): 2}


def test_a_lot_restriction_keeps_fefo_order_among_the_named_lots() -> None:
    book = make_book(
        {
            (STOREROOM, HOSPIRA, LOT_UNKNOWN): 5,
            (STOREROOM, HOSPIRA, LOT_JUN): 2,
            (STOREROOM, HOSPIRA, LOT_MAR): 9,
        }
    )

    moved = dispense(book, STOREROOM, 4, lot_ids=(LOT_UNKNOWN, LOT_JUN))

    assert taken(moved) == [(STOREROOM, HOSPIRA, LOT_JUN, 2), (STOREROOM, HOSPIRA, LOT_UNKNOWN, 2)]


# --- transfers and refills -------------------------------------------------------------------


def test_a_refill_moves_units_lot_by_lot_from_the_storeroom_into_a_pocket() -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_MAR): 3, (STOREROOM, HOSPIRA, LOT_JUN): 10})

    moved = book.issue(
        kind=MovementKind.REFILL,
        location_id=STOREROOM,
        product_ids=PRODUCTS,
        quantity=5,
        occurred_at=AT,
        on=DAY,
        to_location_id=POCKET_A,
    )

    assert [(m.from_location_id, m.to_location_id, m.lot_id, m.quantity) for m in moved] == [
        (STOREROOM, POCKET_A, LOT_MAR, 3),
        (STOREROOM, POCKET_A, LOT_JUN, 2),
    ]
    assert book.quantity((POCKET_A, HOSPIRA, LOT_MAR)) == 3
    assert book.quantity((POCKET_A, HOSPIRA, LOT_JUN)) == 2
    assert book.deltas == {
        (STOREROOM, HOSPIRA, LOT_MAR): -3,
        (STOREROOM, HOSPIRA, LOT_JUN): -2,
        (POCKET_A, HOSPIRA, LOT_MAR): 3,
        (POCKET_A, HOSPIRA, LOT_JUN): 2,
    }


def test_a_transfer_out_of_a_cabinet_takes_from_its_pockets() -> None:
    book = make_book({(POCKET_A, HOSPIRA, LOT_JUN): 4, (POCKET_B, FRESENIUS, LOT_APR): 1})

    moved = book.issue(
        kind=MovementKind.TRANSFER,
        location_id=ADC,
        product_ids=PRODUCTS,
        quantity=5,
        occurred_at=AT,
        on=DAY,
        to_location_id=STOREROOM,
    )

    assert [(m.from_location_id, m.to_location_id, m.lot_id) for m in moved] == [
        (POCKET_B, STOREROOM, LOT_APR),
        (POCKET_A, STOREROOM, LOT_JUN),
    ]
    assert book.available(ADC, PRODUCTS, on=DAY) == 0
    assert book.available(STOREROOM, PRODUCTS, on=DAY) == 5


def test_issued_movements_carry_the_kind_time_and_references_of_the_request() -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_MAR): 1, (STOREROOM, HOSPIRA, LOT_JUN): 5})

    moved = book.issue(
        kind=MovementKind.WASTE,
        location_id=STOREROOM,
        product_ids=PRODUCTS,
        quantity=2,
        occurred_at=AT,
        on=DAY,
        external_id="ADC-TX-881",
        reference="WASTE-42",
        user="tech1",
        note="dropped vial",
    )

    assert {
        (m.kind, m.occurred_at, m.external_id, m.reference, m.user, m.note, m.to_location_id)
        for m in moved
    } == {(MovementKind.WASTE, AT, "ADC-TX-881", "WASTE-42", "tech1", "dropped vial", None)}


# --- put back --------------------------------------------------------------------------------


def test_put_back_returns_units_to_the_first_fefo_line() -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_JUN): 10, (STOREROOM, HOSPIRA, LOT_MAR): 3})

    m = book.put_back(
        kind=MovementKind.PATIENT_RETURN,
        location_id=STOREROOM,
        product_ids=PRODUCTS,
        quantity=2,
        occurred_at=AT,
        on=DAY,
        external_id="RET-1",
    )

    assert (m.kind, m.to_location_id, m.product_id, m.lot_id, m.quantity) == (
        MovementKind.PATIENT_RETURN,
        STOREROOM,
        HOSPIRA,
        LOT_MAR,
        2,
    )
    assert m.from_location_id is None
    assert m.external_id == "RET-1"
    assert book.quantity((STOREROOM, HOSPIRA, LOT_MAR)) == 5


def test_put_back_at_a_cabinet_goes_into_the_pocket_holding_the_first_fefo_line() -> None:
    book = make_book({(POCKET_A, HOSPIRA, LOT_JUN): 4, (POCKET_B, FRESENIUS, LOT_APR): 3})

    m = book.put_back(
        kind=MovementKind.PATIENT_RETURN,
        location_id=ADC,
        product_ids=PRODUCTS,
        quantity=1,
        occurred_at=AT,
        on=DAY,
    )

    assert (m.to_location_id, m.product_id, m.lot_id) == (POCKET_B, FRESENIUS, LOT_APR)
    assert book.quantity((POCKET_B, FRESENIUS, LOT_APR)) == 4


def test_put_back_where_no_lot_was_ever_stocked_is_rejected_and_changes_nothing() -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_MAR): 3})

    with pytest.raises(InvalidMovement) as caught:
        book.put_back(
            kind=MovementKind.PATIENT_RETURN,
            location_id=POCKET_A,
            product_ids=PRODUCTS,
            quantity=1,
            occurred_at=AT,
            on=DAY,
            what="ondansetron",
        )

    assert str(caught.value) == (
        "patient_return of ondansetron at location 11: no lot of it has ever been stocked "
        "there; give the NDC and lot"
    )
    assert book.on_hand == {(STOREROOM, HOSPIRA, LOT_MAR): 3}
    assert book.deltas == {}


def test_put_back_goes_to_the_lot_dispensed_next_not_to_an_emptied_lot() -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_MAR): 2, (STOREROOM, HOSPIRA, LOT_JUN): 10})
    dispense(book, STOREROOM, 2)
    next_lot = dispense(make_book(dict(book.on_hand)), STOREROOM, 1)[0].lot_id

    m = book.put_back(
        kind=MovementKind.PATIENT_RETURN,
        location_id=STOREROOM,
        product_ids=PRODUCTS,
        quantity=1,
        occurred_at=AT,
        on=DAY,
    )

    assert next_lot == LOT_JUN
    assert m.lot_id == LOT_JUN


# --- apply and ledger sums -------------------------------------------------------------------


def test_a_receipt_opens_a_new_line_and_records_its_delta() -> None:
    book = make_book()

    book.apply(receipt(SATELLITE, LOT_APR, 12))

    assert book.quantity((SATELLITE, FRESENIUS, LOT_APR)) == 12
    assert book.lines_for(SATELLITE, PRODUCTS) == [(SATELLITE, FRESENIUS, LOT_APR)]
    assert book.deltas == {(SATELLITE, FRESENIUS, LOT_APR): 12}


def test_applying_a_movement_that_would_go_below_zero_raises_and_changes_nothing() -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_MAR): 5})
    transfer = Movement(
        kind=MovementKind.TRANSFER,
        occurred_at=AT,
        product_id=HOSPIRA,
        lot_id=LOT_MAR,
        quantity=6,
        from_location_id=STOREROOM,
        to_location_id=SATELLITE,
    )

    with pytest.raises(InsufficientStock) as caught:
        book.apply(transfer)

    assert str(caught.value) == (
        "on-hand of product 100 lot 1000 at location 1 is 5, cannot take 6"
    )
    assert book.on_hand == {(STOREROOM, HOSPIRA, LOT_MAR): 5}
    assert book.lines_for(SATELLITE, PRODUCTS) == []
    assert book.deltas == {}


def test_ledger_sums_add_what_moved_in_and_subtract_what_moved_out() -> None:
    movements = [
        receipt(STOREROOM, LOT_MAR, 10),
        Movement(
            kind=MovementKind.REFILL,
            occurred_at=AT,
            product_id=HOSPIRA,
            lot_id=LOT_MAR,
            quantity=4,
            from_location_id=STOREROOM,
            to_location_id=POCKET_A,
        ),
        Movement(
            kind=MovementKind.DISPENSE,
            occurred_at=AT,
            product_id=HOSPIRA,
            lot_id=LOT_MAR,
            quantity=1,
            from_location_id=POCKET_A,
        ),
    ]

    sums = ledger_sums(movements)

    assert sums == {(STOREROOM, HOSPIRA, LOT_MAR): 6, (POCKET_A, HOSPIRA, LOT_MAR): 3}


def test_a_transfer_into_a_pocket_of_the_source_cabinet_never_half_applies() -> None:
    book = make_book({(POCKET_A, HOSPIRA, LOT_MAR): 3, (POCKET_B, HOSPIRA, LOT_JUN): 5})
    before = dict(book.on_hand)

    try:
        moved = book.issue(
            kind=MovementKind.TRANSFER,
            location_id=ADC,
            product_ids=PRODUCTS,
            quantity=6,
            occurred_at=AT,
            on=DAY,
            to_location_id=POCKET_B,
        )
    except (InvalidMovement, InsufficientStock):
        moved = []

    if moved:
        assert all(m.from_location_id != POCKET_B for m in moved)
    else:
        assert book.on_hand == before
        assert {k: v for k, v in book.deltas.items() if v} == {}


def test_an_issue_never_returns_fewer_units_than_asked_even_with_repeated_products() -> None:
    book = make_book({(STOREROOM, HOSPIRA, LOT_MAR): 5})

    with pytest.raises((InsufficientStock, InvalidMovement)):
        book.issue(
            kind=MovementKind.DISPENSE,
            location_id=STOREROOM,
            product_ids=[HOSPIRA, HOSPIRA],
            quantity=8,
            occurred_at=AT,
            on=DAY,
        )

    assert book.quantity((STOREROOM, HOSPIRA, LOT_MAR)) == 5


# --- ledger invariants under random operations -----------------------------------------------

OPENING: dict[StockKey, int] = {
    (STOREROOM, HOSPIRA, LOT_MAR): 40,
    (STOREROOM, HOSPIRA, LOT_JUN): 25,
    (STOREROOM, HOSPIRA, LOT_UNKNOWN): 10,
    (STOREROOM, FRESENIUS, LOT_APR): 30,
    (POCKET_A, HOSPIRA, LOT_JUN): 6,
    (POCKET_A, FRESENIUS, LOT_UNKNOWN_F): 4,
    (SATELLITE, HOSPIRA, LOT_MAR): 0,
}
PAIRS = [(a, b) for a in LOCATIONS for b in LOCATIONS if a != b]
# A refill's destination must lie outside the subtree it takes from (see the xfail above).
ROUTES = [(a, b) for a, b in PAIRS if b not in SUBTREE.get(a, (a,))]
ISSUE_KINDS = [MovementKind.DISPENSE, MovementKind.WASTE, MovementKind.RETURN_TO_VENDOR]
product_sets = st.lists(st.sampled_from(PRODUCTS), min_size=1, unique=True)
lot_sets = st.none() | st.frozensets(st.sampled_from(LOTS), min_size=1)

Snapshot = tuple[dict[StockKey, int], dict[StockKey, int], dict[int, list[StockKey]]]


class LedgerMachine(RuleBasedStateMachine):
    """Random receipts, transfers, refills, issues, put-backs and adjustments on one book."""

    def __init__(self) -> None:
        super().__init__()
        self.book = make_book(OPENING)
        self.applied: list[Movement] = []
        self.units_in = 0  # receipts, patient returns, upward adjustments
        self.units_out = 0  # dispenses, waste, returns to vendor, downward adjustments
        self.clock = AT

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=7)
        return self.clock

    def today(self) -> date:
        """The day of the last tick (UTC here): every lot is still good on it."""
        return self.clock.date()

    def snapshot(self) -> Snapshot:
        lines = {loc: self.book.lines_for(loc, PRODUCTS) for loc in LOCATIONS}
        return dict(self.book.on_hand), dict(self.book.deltas), lines

    def apply_one(self, m: Movement) -> bool:
        """Apply ``m``; on InsufficientStock check it was short and the book is unchanged."""
        before = self.snapshot()
        have = self.book.quantity(source(m))
        try:
            self.book.apply(m)
        except InsufficientStock:
            assert have < m.quantity
            assert self.snapshot() == before
            return False
        assert have >= m.quantity
        self.applied.append(m)
        return True

    def issue_from(
        self,
        kind: MovementKind,
        location: int,
        products: list[int],
        quantity: int,
        lots: frozenset[int] | None = None,
        to: int | None = None,
    ) -> bool:
        under = SUBTREE.get(location, (location,))
        allowed = {
            key: qty
            for key, qty in self.book.on_hand.items()
            if key[0] in under and key[1] in products and (lots is None or key[2] in lots)
        }
        have = sum(allowed.values())
        before = self.snapshot()
        try:
            moved = self.book.issue(
                kind=kind,
                location_id=location,
                product_ids=products,
                quantity=quantity,
                occurred_at=self.tick(),
                on=self.today(),
                to_location_id=to,
                lot_ids=lots,
            )
        except InsufficientStock:
            assert have < quantity
            assert self.snapshot() == before
            return False
        assert have >= quantity
        assert sum(m.quantity for m in moved) == quantity
        assert all(m.kind is kind and m.to_location_id == to for m in moved)
        keys = [source(m) for m in moved]
        assert len(set(keys)) == len(keys), "one movement per line"
        assert all(m.quantity <= allowed.get(key, 0) for key, m in zip(keys, moved, strict=True))
        ranks = [expiry_rank(key) for key in keys]
        assert ranks == sorted(ranks), "taken earliest expiry first, unknown expiry last"
        assert all(
            self.book.quantity(key) == 0 for key in allowed if expiry_rank(key) < ranks[-1]
        ), "every line expiring before the last one touched is emptied"
        self.applied.extend(moved)
        return True

    @rule(
        location=st.sampled_from(LOCATIONS), lot=st.sampled_from(LOTS), quantity=st.integers(1, 40)
    )
    def receive(self, location: int, lot: int, quantity: int) -> None:
        m = receipt(location, lot, quantity)

        self.book.apply(m)

        self.applied.append(m)
        self.units_in += quantity

    @rule(pair=st.sampled_from(PAIRS), lot=st.sampled_from(LOTS), quantity=st.integers(1, 30))
    def transfer(self, pair: tuple[int, int], lot: int, quantity: int) -> None:
        self.apply_one(
            Movement(
                kind=MovementKind.TRANSFER,
                occurred_at=self.tick(),
                product_id=LOT_PRODUCT[lot],
                lot_id=lot,
                quantity=quantity,
                from_location_id=pair[0],
                to_location_id=pair[1],
            )
        )

    @rule(
        kind=st.sampled_from(ISSUE_KINDS),
        location=st.sampled_from(LOCATIONS),
        products=product_sets,
        lots=lot_sets,
        quantity=st.integers(1, 60),
    )
    def issue(
        self,
        kind: MovementKind,
        location: int,
        products: list[int],
        lots: frozenset[int] | None,
        quantity: int,
    ) -> None:
        if self.issue_from(kind, location, products, quantity, lots=lots):
            self.units_out += quantity

    @rule(route=st.sampled_from(ROUTES), products=product_sets, quantity=st.integers(1, 40))
    def refill(self, route: tuple[int, int], products: list[int], quantity: int) -> None:
        self.issue_from(MovementKind.REFILL, route[0], products, quantity, to=route[1])

    @rule(
        kind=st.sampled_from([MovementKind.RECEIPT, MovementKind.PATIENT_RETURN]),
        location=st.sampled_from(LOCATIONS),
        quantity=st.integers(1, 60),
    )
    def issue_with_a_kind_that_cannot_take_stock(
        self, kind: MovementKind, location: int, quantity: int
    ) -> None:
        before = self.snapshot()

        with pytest.raises((InvalidMovement, InsufficientStock)):
            self.book.issue(
                kind=kind,
                location_id=location,
                product_ids=PRODUCTS,
                quantity=quantity,
                occurred_at=self.tick(),
                on=self.today(),
            )

        assert self.snapshot() == before

    @rule(location=st.sampled_from(LOCATIONS), products=product_sets, quantity=st.integers(1, 10))
    def put_back(self, location: int, products: list[int], quantity: int) -> None:
        lines = self.book.lines_for(location, products) or self.book.lines_for(
            location, products, include_empty=True
        )
        before = self.snapshot()
        try:
            m = self.book.put_back(
                kind=MovementKind.PATIENT_RETURN,
                location_id=location,
                product_ids=products,
                quantity=quantity,
                occurred_at=self.tick(),
                on=self.today(),
            )
        except InvalidMovement:
            assert lines == []
            assert self.snapshot() == before
            return
        expected = lines[0]
        assert (m.to_location_id, m.product_id, m.lot_id) == expected
        assert m.quantity == quantity
        self.applied.append(m)
        self.units_in += quantity

    @rule(
        kind=st.sampled_from([MovementKind.ADJUSTMENT, MovementKind.COUNT_VARIANCE]),
        location=st.sampled_from(LOCATIONS),
        lot=st.sampled_from(LOTS),
        quantity=st.integers(1, 20),
        increase=st.booleans(),
    )
    def adjust(
        self, kind: MovementKind, location: int, lot: int, quantity: int, increase: bool
    ) -> None:
        m = Movement(
            kind=kind,
            occurred_at=self.tick(),
            product_id=LOT_PRODUCT[lot],
            lot_id=lot,
            quantity=quantity,
            from_location_id=None if increase else location,
            to_location_id=location if increase else None,
        )
        if increase:
            self.book.apply(m)
            self.applied.append(m)
            self.units_in += quantity
        elif self.apply_one(m):
            self.units_out += quantity

    @invariant()
    def on_hand_is_never_negative(self) -> None:
        assert all(q >= 0 for q in self.book.on_hand.values())

    @invariant()
    def on_hand_is_the_opening_plus_the_ledger(self) -> None:
        sums = ledger_sums(self.applied)
        keys = set(OPENING) | set(sums) | set(self.book.on_hand)
        assert {k: self.book.quantity(k) for k in keys} == {
            k: OPENING.get(k, 0) + sums.get(k, 0) for k in keys
        }

    @invariant()
    def deltas_are_the_on_hand_less_the_opening(self) -> None:
        keys = set(OPENING) | set(self.book.on_hand) | set(self.book.deltas)
        changed = {k: self.book.quantity(k) - OPENING.get(k, 0) for k in keys}
        assert {k: v for k, v in self.book.deltas.items() if v} == {
            k: v for k, v in changed.items() if v
        }

    @invariant()
    def total_units_change_by_what_came_in_less_what_went_out(self) -> None:
        change = sum(self.book.on_hand.values()) - sum(OPENING.values())
        assert change == self.units_in - self.units_out

    @invariant()
    def available_stock_is_the_sum_over_the_location_subtree(self) -> None:
        for loc in LOCATIONS:
            under = SUBTREE.get(loc, (loc,))
            expected = sum(q for (where, _, _), q in self.book.on_hand.items() if where in under)
            assert self.book.available(loc, PRODUCTS, on=self.today()) == expected


def test_random_ledger_operations_keep_the_ledger_invariants() -> None:
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(max_examples=150, stateful_step_count=40, deadline=None),
    )


def test_a_pick_from_above_a_transit_location_never_sees_its_stock() -> None:
    facility, store, transit = 1, 2, 3
    book = StockBook(
        on_hand={(store, 10, 100): 5, (transit, 10, 100): 7},
        lot_expiry={100: date(2030, 1, 1)},
        subtree={facility: [facility, store, transit], transit: [transit]},
        sheltered=frozenset({transit}),
    )

    assert book.available(facility, [10], on=date(2026, 1, 1)) == 5
    assert book.available(transit, [10], on=date(2026, 1, 1)) == 7


def test_here_only_takes_from_the_location_itself_not_from_below_it() -> None:
    store, bin_ = 1, 2
    book = StockBook(
        on_hand={(store, 10, 100): 5, (bin_, 10, 100): 7},
        lot_expiry={100: date(2030, 1, 1)},
        subtree={store: [store, bin_]},
    )

    moved = book.issue(
        kind=MovementKind.TRANSFER,
        location_id=store,
        product_ids=[10],
        quantity=5,
        occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        on=date(2026, 1, 1),
        to_location_id=99,
        here_only=True,
    )

    assert [(m.from_location_id, m.quantity) for m in moved] == [(store, 5)]
    with pytest.raises(InsufficientStock):
        book.issue(
            kind=MovementKind.TRANSFER,
            location_id=store,
            product_ids=[10],
            quantity=1,
            occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
            on=date(2026, 1, 1),
            to_location_id=99,
            here_only=True,
        )
