"""Reconciling a credit memo against a batch's lines, and the aging buckets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rxsupply.domain.return_batch import (
    LineState,
    MemoLine,
    ReturnLine,
    age_bucket,
    outstanding,
    reconcile,
)
from rxsupply.domain.waste_stream import WasteStream


def line(
    n: int, lot: str, expected: str, stream: WasteStream = WasteStream.CREDITABLE
) -> ReturnLine:
    return ReturnLine(
        line_number=n,
        product_id=1,
        lot_id=n,
        ndc="1111-2222-33",
        product="P",
        lot=lot,
        expiry=None,
        quantity=10,
        stream=stream,
        expected_credit=Decimal(expected),
    )


def memo(lot: str, credit: str, ndc: str = "1111-2222-33") -> MemoLine:
    return MemoLine(
        memo_number="CM-1",
        memo_date=date(2026, 12, 1),
        ndc=ndc,
        lot=lot,
        quantity=10,
        credit=Decimal(credit),
    )


def test_each_line_is_matched_short_paid_or_not_credited_and_strays_are_not_shipped() -> None:
    lines = [line(1, "A", "10.00"), line(2, "B", "20.00"), line(3, "C", "5.00")]
    paid = [memo("A", "10.00"), memo("b", "15.50"), memo("Z", "3.00")]

    found = reconcile(lines, paid)

    assert [(r.lot, r.state, str(r.difference)) for r in found] == [
        ("A", LineState.MATCHED, "0.00"),
        ("B", LineState.SHORT_PAID, "-4.50"),
        ("C", LineState.NOT_CREDITED, "-5.00"),
        ("Z", LineState.NOT_SHIPPED, "3.00"),
    ]
    assert outstanding(found) == Decimal("9.50")  # the stray credit offsets nothing


def test_a_line_sent_for_disposal_expects_no_credit_and_is_left_out() -> None:
    lines = [line(1, "A", "0.00", WasteStream.HAZARDOUS)]

    assert reconcile(lines, []) == []


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(0, "0-30"), (30, "0-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"), (91, "over 90")],
)
def test_outstanding_credit_ages_in_buckets_of_days_since_shipped(days: int, bucket: str) -> None:
    assert age_bucket(days) == bucket
