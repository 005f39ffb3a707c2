"""Which lots a recall finds and what it says of what was dispensed, on each database: a lot
named in another case or with spaces is the lot on record; a patient return the ledger booked
to a recalled lot is listed as a return, never taken off the dispenses."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine
from tests.conftest import CLOCK, TESTER, post
from tests.integration.services.test_recall_release import enter
from tests.integration.services.test_recalls import APAP

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.recall import RecallClass, RecallEntry
from rxsupply.services import recalls
from rxsupply.services.ledger import Dispense, Move, Receive
from rxsupply.services.recall_units import dispensed_units, recall_units


def test_a_lot_named_in_another_case_with_a_space_is_the_lot_on_record(hospital: Engine) -> None:
    recall_id = enter(hospital, "R-1", RecallEntry(APAP, ("ap 2406",)))

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        found = recall_units(uow, recall_id=recall_id).as_dict()

    assert (found["units"], found["not_received"]) == (2370, [])  # the storeroom, two pockets
    assert {lot["lot"] for lot in found["lots"]} == {"AP2406"}


def test_a_lot_not_on_record_is_said_at_entry_with_the_close_matches(hospital: Engine) -> None:
    with SqlUnitOfWork(hospital) as uow:
        done = recalls.enter_recall(
            uow,
            number="R-2",
            recall_class=RecallClass.II,
            reason="subpotent",
            initiated=date(2026, 11, 18),
            entries=[RecallEntry(APAP, ("AP2406", "AP24O6", "ZZZZZZZ"))],
            user=TESTER,
            clock=CLOCK,
        )

    assert done.warnings == [
        "98765-3250-1 lot AP24O6 is not on record here; close to AP2406",
        "98765-3250-1 lot ZZZZZZZ is not on record here",
    ]


def test_a_patient_return_booked_to_a_lot_never_dispensed_is_listed_apart_not_netted(
    hospital: Engine,
) -> None:
    # AP2406 is dispensed at the ICU cabinet; AP2301 arrives in its pocket afterwards; a
    # patient returns a tablet, which the ledger books to AP2301 (the lot dispensed next)
    at = datetime(2026, 11, 19, 14, 5, tzinfo=CLOCK.zone)
    post(
        hospital,
        Dispense(user="nurse", location="ICU-ADC1", item="APAP325TAB", quantity=2, occurred_at=at),
    )
    post(
        hospital,
        Receive(
            user=TESTER,
            product=APAP,
            lot="AP2301",
            expiry=date(2027, 6, 30),
            quantity=20,
            location="MAIN-STORE",
        ),
    )
    post(
        hospital,
        Move(
            user=TESTER,
            from_location="MAIN-STORE",
            to_location="ICU-ADC1-P03",
            product=APAP,
            lot="AP2301",
            quantity=10,
        ),
    )
    post(
        hospital,
        Dispense(
            user="nurse",
            location="ICU-ADC1",
            item="APAP325TAB",
            quantity=1,
            kind=MovementKind.PATIENT_RETURN,
            occurred_at=at.replace(hour=18),
        ),
    )
    recall_id = enter(hospital, "R-3", RecallEntry(APAP, ("AP2301",)))

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        found = dispensed_units(uow, recall_id=recall_id).as_dict()

    assert found["totals"] == {"dispensed": 0, "returned": 1, "dispenses": 0, "returns": 1}
    assert found["by_place"] == [
        {"place": "ICU-ADC1", "unit": "ICU", "dispensed_units": 0, "returned_units": 1}
    ]
    assert [(r["kind"], r["lot"]) for r in found["lines"]] == [("patient_return", "AP2301")]
