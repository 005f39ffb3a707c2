"""A recall through its use cases, on each database: every unit of its lots found in every
location (cabinet pockets and unit-dose lots repackaged from it included), all of them blocked
in one action that a second call leaves alone, the units already dispensed listed with where
and when, and the recall closed by the rules of its disposition."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, TESTER, load_examples, post
from tests.integration.services.test_repackaging import HOUSE_NDC, pharmacy, run

from rxsupply.adapters import tables as t
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.recall import Disposition, RecallClass, RecallEntry, RecallStatus
from rxsupply.errors import InsufficientStock, InvalidValue, RecallRefused, UnknownProduct
from rxsupply.services import recalls
from rxsupply.services.demo.recalls import seed_recall
from rxsupply.services.ledger import Dispense, Receive
from rxsupply.services.recall_units import dispensed_units, recall_units

__all__ = ["pharmacy"]  # the fixture, used by its name

APAP = "98765-3250-01"  # the example hospital's acetaminophen, lot AP2406 in three places
APAP_FDA = "98765-3250-1"  # the same NDC as the product records it (5-4-1)


def enter(engine: Engine, *entries: RecallEntry, cls: RecallClass = RecallClass.II) -> int:
    with SqlUnitOfWork(engine) as uow:
        done = recalls.enter_recall(
            uow,
            number="D-0123-2027",
            recall_class=cls,
            reason="tablets out of specification for dissolution",
            firm="Example Labs",
            initiated=date(2026, 11, 18),
            entries=list(entries) or [RecallEntry(APAP, ("AP2406",))],
            user=TESTER,
            clock=CLOCK,
        )
    assert done.id is not None
    return done.id


def quarantine(engine: Engine, recall_id: int) -> recalls.Quarantined:
    with SqlUnitOfWork(engine) as uow:
        return recalls.quarantine_recall(uow, recall_id=recall_id, user=TESTER, clock=CLOCK)


def where(engine: Engine, recall_id: int) -> dict[tuple[str, str], tuple[int, str]]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        rows = recall_units(uow, recall_id=recall_id).rows()
    return {(r["location"], r["lot"]): (r["quantity"], r["status"]) for r in rows}


def close(engine: Engine, recall_id: int, disposition: Disposition, note: str = "") -> None:
    with SqlUnitOfWork(engine) as uow:
        recalls.close_recall(
            uow,
            recall_id=recall_id,
            disposition=disposition,
            note=note,
            user=TESTER,
            clock=CLOCK,
        )


def audits(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.audit)).scalar_one())


def test_every_unit_of_the_lot_is_found_in_the_storeroom_and_both_cabinet_pockets(
    hospital: Engine,
) -> None:
    recall_id = enter(hospital)

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        found = recall_units(uow, recall_id=recall_id)
    lines = {r["location"]: r for r in found.rows()}

    assert {k: (v["quantity"], v["cabinet"], v["status"]) for k, v in lines.items()} == {
        "MAIN-STORE": (2000, None, "available"),
        "ICU-ADC1-P03": (150, "ICU-ADC1", "available"),
        "ED-ADC1-P02": (220, "ED-ADC1", "available"),
    }
    assert lines["MAIN-STORE"]["value"] == "82.00"  # 2,000 tablets at $4.10 a box of 100
    assert lines["ED-ADC1-P02"]["unit"] == "ED"
    assert (found.units, found.unblocked) == (2370, 2370)


def test_quarantine_all_blocks_every_unit_in_one_action_and_a_second_call_changes_nothing(
    hospital: Engine,
) -> None:
    recall_id = enter(hospital)

    first = quarantine(hospital, recall_id)
    before = audits(hospital)
    second = quarantine(hospital, recall_id)

    assert [(c["lot"], c["to"], c["units"]) for c in first.changed] == [
        ("AP2406", "recalled", 2370)
    ]
    assert (second.changed, second.already) == ([], 1)
    assert audits(hospital) == before
    assert {s for _, s in where(hospital, recall_id).values()} == {"recalled"}
    with pytest.raises(InsufficientStock, match="150 more are expired or blocked"):
        post(hospital, Dispense(user=TESTER, location="ICU-ADC1", item="APAP325TAB", quantity=1))
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        shown = recalls.get_recall(uow, recall_id)
    assert (shown.quarantined_by, shown.quarantined_at) == (TESTER, CLOCK.now())


def test_unit_doses_repackaged_from_the_recalled_lot_are_found_and_blocked_with_it(
    pharmacy: Engine,
) -> None:
    run(pharmacy, units=40, to_lot="RP1")
    recall_id = enter(pharmacy)

    before = where(pharmacy, recall_id)
    quarantine(pharmacy, recall_id)

    assert before[("MAIN-STORE", "RP1")] == (40, "available")
    with SqlUnitOfWork(pharmacy, readonly=True) as uow:
        shown = recall_units(uow, recall_id=recall_id).as_dict()
    (unit_dose,) = [lot for lot in shown["lots"] if lot["lot"] == "RP1"]
    assert unit_dose == {
        "ndc": HOUSE_NDC,
        "lot": "RP1",
        "expiry": "2027-05-19",
        "status": "recalled",
        "units": 40,
        "repackaged_from": f"{APAP_FDA} lot AP2406",
    }


def test_the_units_dispensed_are_listed_with_where_and_when_and_patient_returns_apart(
    hospital: Engine,
) -> None:
    at = datetime(2026, 11, 19, 14, 5, tzinfo=CLOCK.zone)
    post(
        hospital,
        Dispense(
            user="nurse.kim", location="ICU-ADC1", item="APAP325TAB", quantity=2, occurred_at=at
        ),
    )
    post(
        hospital,
        Dispense(
            user="nurse.kim",
            location="ICU-ADC1",
            item="APAP325TAB",
            quantity=1,
            kind=MovementKind.PATIENT_RETURN,
            occurred_at=at.replace(hour=16),
        ),
    )
    recall_id = enter(hospital, cls=RecallClass.I)

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        found = dispensed_units(uow, recall_id=recall_id).as_dict()

    assert found["follow_up"] is True
    assert found["totals"] == {"dispensed": 2, "returned": 1, "dispenses": 1, "returns": 1}
    assert [r["kind"] for r in found["lines"]] == ["patient_return", "dispense"]  # latest first
    first = found["lines"][1]
    assert (first["kind"], first["location"], first["cabinet"], first["unit"]) == (
        "dispense",
        "ICU-ADC1-P03",
        "ICU-ADC1",
        "ICU",
    )
    assert (first["occurred_at"], first["quantity"], first["user"]) == (
        "2026-11-19T19:05:00+00:00",
        2,
        "nurse.kim",
    )
    assert found["by_place"] == [
        {"place": "ICU-ADC1", "unit": "ICU", "dispensed_units": 2, "returned_units": 1}
    ]


def test_an_ndc_alone_recalls_every_lot_and_a_lot_never_received_is_named(
    hospital: Engine,
) -> None:
    post(
        hospital,
        Receive(
            user=TESTER,
            product=APAP,
            lot="AP2501",
            expiry=date(2028, 9, 30),
            quantity=100,
            location="OR-SAT",
        ),
    )
    every = enter(hospital, RecallEntry(APAP, ()), RecallEntry("98765-401-02", ("NOPE1",)))

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        shown = recall_units(uow, recall_id=every).as_dict()

    assert {(r["location"], r["lot"]) for r in shown["lines"]} == {
        ("MAIN-STORE", "AP2406"),
        ("ICU-ADC1-P03", "AP2406"),
        ("ED-ADC1-P02", "AP2406"),
        ("OR-SAT", "AP2501"),
    }
    assert shown["not_received"] == ["98765-401-02 lot NOPE1"]


def test_closing_follows_the_disposition_rules_and_a_closed_recall_stays_closed(
    hospital: Engine,
) -> None:
    recall_id = enter(hospital)

    with pytest.raises(RecallRefused, match="2,370 unit"):
        close(hospital, recall_id, Disposition.RETURNED, "shipped")
    quarantine(hospital, recall_id)
    with pytest.raises(InvalidValue, match="note"):
        close(hospital, recall_id, Disposition.RETURNED)
    close(hospital, recall_id, Disposition.RETURNED, "awaiting the reverse distributor")

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        done = recalls.get_recall(uow, recall_id)
    assert (done.status, done.disposition) == (RecallStatus.CLOSED, Disposition.RETURNED)
    with pytest.raises(RecallRefused, match="closed"):
        quarantine(hospital, recall_id)
    with pytest.raises(RecallRefused, match="closed"):
        close(hospital, recall_id, Disposition.DESTROYED, "again")


def test_released_as_withdrawn_puts_the_lot_back_into_use(hospital: Engine) -> None:
    recall_id = enter(hospital)
    quarantine(hospital, recall_id)

    close(hospital, recall_id, Disposition.RELEASED, "firm's withdrawal letter, 2026-11-19")

    assert {s for _, s in where(hospital, recall_id).values()} == {"available"}
    post(hospital, Dispense(user=TESTER, location="ICU-ADC1", item="APAP325TAB", quantity=1))


def test_an_unknown_ndc_or_a_number_used_before_is_refused_and_nothing_is_written(
    hospital: Engine,
) -> None:
    enter(hospital)
    before = audits(hospital)

    with pytest.raises(UnknownProduct):
        enter(hospital, RecallEntry("12345-678-90", ()))
    with pytest.raises(InvalidValue, match="number"):
        enter(hospital)

    assert audits(hospital) == before
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        assert len(recalls.list_recalls(uow)) == 1


def test_the_demo_recall_is_an_open_class_ii_recall_of_the_lot_held_in_the_most_places(
    hospital: Engine,
) -> None:
    load_examples(hospital, "dispenses")  # AP2406 is dispensed from both cabinets

    with SqlUnitOfWork(hospital) as uow:
        seeded = seed_recall(uow, clock=CLOCK, user=TESTER)

    assert seeded is not None and seeded.id is not None
    assert (seeded.recall_class, seeded.status) == (RecallClass.II, RecallStatus.OPEN)
    assert seeded.entries == [RecallEntry(APAP_FDA, ("AP2406",))]
    assert seeded.number == "D-0412-2026"
    assert len(where(hospital, seeded.id)) == 3
