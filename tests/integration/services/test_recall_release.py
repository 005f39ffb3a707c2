"""Closing a recall as released (the firm withdrew it), on each database: a lot another open
recall covers stays recalled, and a lot blocked before the recall (suspect, quarantined) goes
back to that block, never into use."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from tests.conftest import CLOCK, TESTER, post
from tests.integration.services.test_recalls import APAP, close, quarantine, where
from tests.integration.services.test_repackaging import HOUSE_NDC, pharmacy, run

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.recall import Disposition, RecallClass, RecallEntry
from rxsupply.domain.status import StockStatus
from rxsupply.errors import RecallRefused
from rxsupply.services import recalls
from rxsupply.services.ledger import SetStatus
from rxsupply.services.references import find_product

__all__ = ["pharmacy"]  # the fixture, used by its name

WITHDRAWN = "the firm's withdrawal letter of 19 November"


def enter(engine: Engine, number: str, entry: RecallEntry | None = None) -> int:
    with SqlUnitOfWork(engine) as uow:
        done = recalls.enter_recall(
            uow,
            number=number,
            recall_class=RecallClass.II,
            reason=f"{number}: tablets out of specification",
            initiated=date(2026, 11, 18),
            entries=[entry or RecallEntry(APAP, ("AP2406",))],
            user=TESTER,
            clock=CLOCK,
        )
    assert done.id is not None
    return done.id


def statuses(engine: Engine, recall_id: int) -> set[str]:
    return {status for _, status in where(engine, recall_id).values()}


def test_releasing_one_recall_leaves_the_lot_another_open_recall_names_recalled(
    hospital: Engine,
) -> None:
    first, second = enter(hospital, "R-1"), enter(hospital, "R-2")
    quarantine(hospital, first)
    quarantine(hospital, second)

    close(hospital, first, Disposition.RELEASED, WITHDRAWN)

    assert statuses(hospital, second) == {"recalled"}
    close(hospital, second, Disposition.RELEASED, WITHDRAWN)
    assert statuses(hospital, second) == {"available"}


def test_a_unit_dose_lot_repackaged_from_a_lot_another_open_recall_names_stays_recalled(
    pharmacy: Engine,
) -> None:
    run(pharmacy, units=40, to_lot="RP1")
    bulk = enter(pharmacy, "R-BULK")
    unit_dose = enter(pharmacy, "R-UD", RecallEntry(HOUSE_NDC, ("RP1",)))
    quarantine(pharmacy, bulk)
    quarantine(pharmacy, unit_dose)

    close(pharmacy, unit_dose, Disposition.RELEASED, WITHDRAWN)

    assert statuses(pharmacy, unit_dose) == {"recalled"}  # AP2406 is still recalled: so is RP1


def test_a_lot_suspect_before_the_recall_goes_back_to_suspect_when_the_recall_is_released(
    hospital: Engine,
) -> None:
    post(
        hospital,
        SetStatus(
            user=TESTER,
            product=APAP,
            lot="AP2406",
            status=StockStatus.SUSPECT,
            reason="DSCSA: suspect product investigation 17",
        ),
    )
    recall_id = enter(hospital, "R-1")
    quarantine(hospital, recall_id)

    close(hospital, recall_id, Disposition.RELEASED, WITHDRAWN)

    assert statuses(hospital, recall_id) == {"suspect"}
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        product = find_product(uow, APAP).id
        assert product is not None
        (note,) = uow.lots.notes(uow.lots.find([product], "AP2406").values()).values()
    assert note.reason.startswith("DSCSA: suspect product investigation 17")


def test_a_lot_released_by_hand_between_two_recalls_comes_back_available(
    hospital: Engine,
) -> None:
    post(
        hospital,
        SetStatus(
            user=TESTER, product=APAP, lot="AP2406", status=StockStatus.QUARANTINED, reason="x"
        ),
    )
    post(
        hospital,
        SetStatus(
            user=TESTER, product=APAP, lot="AP2406", status=StockStatus.AVAILABLE, reason="ok"
        ),
    )
    recall_id = enter(hospital, "R-1")
    quarantine(hospital, recall_id)

    close(hospital, recall_id, Disposition.RELEASED, WITHDRAWN)

    assert statuses(hospital, recall_id) == {"available"}


def test_a_lot_an_open_recall_blocked_is_not_released_by_hand_while_the_recall_is_open(
    hospital: Engine,
) -> None:
    recall_id = enter(hospital, "R-1")
    quarantine(hospital, recall_id)

    refused = r"open recall R-1.*closed with disposition released"
    with pytest.raises(RecallRefused, match=refused):
        post(
            hospital,
            SetStatus(
                user=TESTER,
                product=APAP,
                lot="AP2406",
                status=StockStatus.AVAILABLE,
                reason="looks fine to me",
            ),
        )

    assert statuses(hospital, recall_id) == {"recalled"}
    close(hospital, recall_id, Disposition.RELEASED, WITHDRAWN)
    assert statuses(hospital, recall_id) == {"available"}


def test_a_lot_recalled_by_hand_with_no_recall_on_record_is_released_by_a_manager(
    hospital: Engine,
) -> None:
    recalled = SetStatus(
        user=TESTER, product=APAP, lot="AP2406", status=StockStatus.RECALLED, reason="letter"
    )
    post(hospital, recalled)

    post(
        hospital,
        SetStatus(
            user=TESTER, product=APAP, lot="AP2406", status=StockStatus.AVAILABLE, reason="ok"
        ),
    )

    recall_id = enter(hospital, "R-1")
    assert statuses(hospital, recall_id) == {"available"}


def test_a_lot_of_a_recall_closed_as_returned_is_never_released_back_into_use(
    hospital: Engine,
) -> None:
    recall_id = enter(hospital, "R-1")
    quarantine(hospital, recall_id)
    close(hospital, recall_id, Disposition.RETURNED, "RA-77 picked up; the pockets follow")

    with pytest.raises(RecallRefused, match=r"recall R-1, closed as returned"):
        post(
            hospital,
            SetStatus(
                user=TESTER, product=APAP, lot="AP2406", status=StockStatus.AVAILABLE, reason="ok"
            ),
        )

    assert statuses(hospital, recall_id) == {"recalled"}


def test_a_unit_dose_lot_repackaged_from_a_recalled_bulk_lot_is_not_released_by_hand(
    pharmacy: Engine,
) -> None:
    run(pharmacy, units=40, to_lot="RP1")
    bulk = enter(pharmacy, "R-BULK")  # names the bulk lot AP2406 only; RP1 came out of it
    quarantine(pharmacy, bulk)
    release = SetStatus(
        user=TESTER, product=HOUSE_NDC, lot="RP1", status=StockStatus.AVAILABLE, reason="ok"
    )

    with pytest.raises(RecallRefused, match=r"lot RP1 of .* open recall R-BULK"):
        post(pharmacy, release)

    assert statuses(pharmacy, bulk) == {"recalled"}


def test_recalls_of_other_lots_do_not_stop_a_manager_releasing_a_lot_recalled_by_hand(
    hospital: Engine,
) -> None:
    other = enter(hospital, "R-OTHER", RecallEntry(APAP, ("ZZ999",)))  # not on record here
    post(
        hospital,
        SetStatus(
            user=TESTER, product=APAP, lot="AP2406", status=StockStatus.RECALLED, reason="letter"
        ),
    )

    post(
        hospital,
        SetStatus(
            user=TESTER, product=APAP, lot="AP2406", status=StockStatus.AVAILABLE, reason="ok"
        ),
    )

    assert statuses(hospital, other) == set()
