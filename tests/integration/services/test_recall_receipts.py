"""Receiving a lot an open recall names, on each database: the recall was entered (and its
lots quarantined) before the lot arrived, so no "quarantine all" has blocked it; the receipt
does not put it into usable stock, however the lot's case or spaces are typed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from tests.conftest import TESTER, post
from tests.integration.services.test_recalls import APAP, enter, quarantine, where

from rxsupply.domain.recall import RecallEntry
from rxsupply.errors import UnusableStock
from rxsupply.services.ledger import Receive


def receive(engine: Engine, lot: str, location: str | None = None) -> None:
    post(
        engine,
        Receive(
            user=TESTER,
            location=location,
            product=APAP,
            lot=lot,
            quantity=20,
            expiry=date(2028, 1, 31),
        ),
    )


@pytest.mark.parametrize("typed", ["NEW1", "new1", " NE W1"])
def test_a_lot_an_open_recall_names_is_not_received_into_stock(
    hospital: Engine, typed: str
) -> None:
    recall_id = enter(hospital, RecallEntry(APAP, ("AP2406", "NEW1")))
    quarantine(hospital, recall_id)

    with pytest.raises(UnusableStock, match=r"open recall D-0123-2027.*quarantine location"):
        receive(hospital, typed)

    assert all(status == "recalled" for _, status in where(hospital, recall_id).values())


def test_a_lot_an_open_recall_names_received_into_quarantine_is_recalled_at_once(
    hospital: Engine,
) -> None:
    recall_id = enter(hospital, RecallEntry(APAP, ("AP2406", "NEW1")))
    quarantine(hospital, recall_id)

    receive(hospital, "NEW1", "MAIN-QUAR")

    assert where(hospital, recall_id)[("MAIN-QUAR", "NEW1")] == (20, "recalled")


def test_a_lot_no_open_recall_names_is_received_as_before(hospital: Engine) -> None:
    recall_id = enter(hospital, RecallEntry(APAP, ("AP2406",)))
    quarantine(hospital, recall_id)

    receive(hospital, "NEW1")

    assert ("MAIN-STORE", "NEW1") not in where(hospital, recall_id)
