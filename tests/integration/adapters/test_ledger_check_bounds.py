"""``rxsupply check`` on a ledger that meets 2^63-1: a receipt of that many units is refused on
both databases and the ledger checks and takes the next movement; a database that took absurd
quantities before the bounds (two movements of 2^62 into one lot: their sum passes a 64-bit
integer) still checks, naming the line, instead of failing with an integer overflow."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, insert, select, update
from tests.conftest import NOW, TESTER, load_examples, post

from rxsupply.adapters import queries
from rxsupply.adapters import tables as t
from rxsupply.errors import InvalidValue
from rxsupply.services import ledger

HUGE = 2**63 - 1
NDC_TEXT, STOREROOM = "98765-401-02", "MAIN-STORE"


def receipt(quantity: int, lot: str = "BIG1") -> ledger.Receive:
    return ledger.Receive(
        user=TESTER,
        location=STOREROOM,
        product=NDC_TEXT,
        lot=lot,
        expiry=date(2030, 1, 31),
        quantity=quantity,
    )


def test_a_receipt_of_2_63_minus_1_is_refused_and_the_ledger_checks_and_moves_on(
    engine: Engine,
) -> None:
    load_examples(engine, "items", "locations", "stock")

    with pytest.raises(InvalidValue, match="RXSUPPLY_MAX_QUANTITY"):
        post(engine, receipt(HUGE))
    after = post(engine, receipt(5))

    assert after.movements[0].quantity == 5
    with engine.connect() as conn:
        assert queries.check_rows(conn) == []


def test_a_ledger_whose_sum_passes_64_bits_still_checks_naming_the_line(engine: Engine) -> None:
    load_examples(engine, "items", "locations", "stock")
    posted = post(engine, receipt(1, lot="OLD1")).movements[0]
    assert posted.to_location_id is not None
    m = t.movement
    with engine.begin() as conn:
        for _ in range(2):
            conn.execute(
                insert(m).values(
                    kind="receipt",
                    occurred_at=NOW,
                    recorded_at=NOW,
                    product_id=posted.product_id,
                    lot_id=posted.lot_id,
                    quantity=2**62,
                    to_location_id=posted.to_location_id,
                    user_name=TESTER,
                )
            )
        conn.execute(
            update(t.on_hand)
            .where(t.on_hand.c.lot_id == posted.lot_id)
            .values(quantity=t.on_hand.c.quantity + 1)
        )

    with engine.connect() as conn:
        rows = queries.check_rows(conn)
        on_hand = conn.execute(
            select(t.on_hand.c.quantity).where(t.on_hand.c.lot_id == posted.lot_id)
        ).scalar_one()

    assert [(r["lot"], r["on_hand"]) for r in rows] == [("OLD1", on_hand)]
