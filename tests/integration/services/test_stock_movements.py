"""Receiving, transferring, dispensing and adjusting: commands posted through the ledger."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from tests.conftest import NOW, TESTER, post

from rxsupply.adapters import queries, tables
from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.queries import StockFilter
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.external_id import ExternalId
from rxsupply.domain.limits import Approval
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.status import StockStatus
from rxsupply.domain.users import Role
from rxsupply.errors import InsufficientStock, InvalidValue, NotFound, UnknownLocation
from rxsupply.services import imports
from rxsupply.services.ledger import Adjust, Dispense, Move, Receive, SetStatus

MANAGER = Approval("manager", Role.MANAGER)
"""A second user: adjusting morphine (schedule II) needs one."""


def _on_hand(engine: Engine, **filters: str) -> dict[tuple[str, str], int]:
    with engine.connect() as conn:
        rows = queries.stock_rows(conn, StockFilter(**filters))  # type: ignore[arg-type]
    return {(r["location"], r["lot"]): r["quantity"] for r in rows}


def test_a_receipt_adds_a_lot_to_the_storeroom(hospital: Engine) -> None:
    post(
        hospital,
        Receive(
            user=TESTER,
            location="MAIN-STORE",
            product="98765-401-02",
            lot="ON2611Z",
            expiry=date(2028, 1, 31),
            quantity=50,
            reference="PO-1",
        ),
    )

    assert (
        _on_hand(hospital, location="MAIN-STORE", item="ONDA4INJ")[("MAIN-STORE", "ON2611Z")] == 50
    )


def test_a_receipt_by_gtin_finds_the_product(hospital: Engine) -> None:
    posted = post(
        hospital,
        Receive(
            user=TESTER,
            location="MAIN-STORE",
            product="00398765401027",
            lot="G1",
            expiry=date(2028, 1, 31),
            quantity=5,
        ),
    )

    assert len(posted.movements) == 1


def test_an_expired_lot_cannot_be_received(hospital: Engine) -> None:
    with pytest.raises(InvalidValue, match="expired on"):
        post(
            hospital,
            Receive(
                user=TESTER,
                location="MAIN-STORE",
                product="98765-401-02",
                lot="OLD",
                expiry=NOW.date() - timedelta(days=1),
                quantity=5,
            ),
        )


def test_a_known_lot_received_with_another_expiry_is_refused(hospital: Engine) -> None:
    with pytest.raises(InvalidValue, match="recorded with"):
        post(
            hospital,
            Receive(
                user=TESTER,
                location="MAIN-STORE",
                product="98765-401-02",
                lot="ON2411A",
                expiry=date(2029, 1, 31),
                quantity=5,
            ),
        )


@pytest.mark.parametrize("typed", ["on2411a", "ON 2411A"])
def test_a_lot_on_record_typed_in_another_case_is_refused_naming_it(
    hospital: Engine, typed: str
) -> None:
    """A second record of one lot would escape what blocks the first (a quarantine, a
    recall): the receipt is refused, naming the lot as recorded, and no lot is left behind."""
    with pytest.raises(InvalidValue, match=f"lot {typed} of 98765-401-02 is on record as ON2411A"):
        post(
            hospital,
            Receive(
                user=TESTER,
                location="MAIN-STORE",
                product="98765-401-02",
                lot=typed,
                expiry=date(2027, 3, 31),
                quantity=5,
            ),
        )

    assert set(_on_hand(hospital, location="MAIN-STORE", item="ONDA4INJ")) == {
        ("MAIN-STORE", "ON2411A"),
        ("MAIN-STORE", "ON2502B"),
    }
    with hospital.connect() as conn:
        lots = conn.execute(select(tables.lot.c.lot_number)).scalars().all()
    assert typed not in lots


def test_opening_stock_of_a_lot_on_record_in_another_case_is_refused(hospital: Engine) -> None:
    with pytest.raises(InvalidValue, match="is on record as ON2411A"):
        post(
            hospital,
            Adjust(
                user=TESTER,
                location="OR-SAT",
                product="98765-401-02",
                lot="on2411a",
                quantity=5,
                reason="opening stock",
                opening=True,
                expiry=date(2027, 3, 31),
            ),
        )


def test_a_dispense_from_a_lot_not_in_the_pocket_names_the_lot(hospital: Engine) -> None:
    with pytest.raises(
        InsufficientStock, match="injection vial lot ON2502B at ICU-ADC1: only 0 on hand"
    ):
        post(
            hospital,
            Dispense(user=TESTER, location="ICU-ADC1", item="ONDA4INJ", lot="ON2502B", quantity=1),
        )


def test_a_refill_to_a_cabinet_lands_in_the_items_pocket(hospital: Engine) -> None:
    posted = post(
        hospital,
        Move(
            user=TESTER,
            from_location="MAIN-STORE",
            to_location="ICU-ADC1",
            item="ONDA4INJ",
            quantity=5,
            refill=True,
        ),
    )

    assert {m.kind for m in posted.movements} == {MovementKind.REFILL}
    assert _on_hand(hospital, location="ICU-ADC1-P01")[("ICU-ADC1-P01", "ON2411A")] == 35


def test_a_transfer_takes_the_earliest_expiring_lot_first(hospital: Engine) -> None:
    post(
        hospital,
        Move(
            user=TESTER,
            from_location="MAIN-STORE",
            to_location="OR-SAT",
            item="ONDA4INJ",
            quantity=260,
        ),
    )

    stock = _on_hand(hospital, location="OR-SAT")
    assert stock == {("OR-SAT", "ON2411A"): 250, ("OR-SAT", "ON2502B"): 10}


def test_a_dispense_beyond_on_hand_changes_nothing(hospital: Engine) -> None:
    before = _on_hand(hospital, location="ICU-ADC1")

    with pytest.raises(InsufficientStock, match="ICU-ADC1"):
        post(hospital, Dispense(user=TESTER, location="ICU-ADC1", item="MORPH2INJ", quantity=16))

    assert _on_hand(hospital, location="ICU-ADC1") == before


def _move(engine: Engine, tmp_path: Path, code: str, name: str, parent: str) -> None:
    """Re-import one pocket of the example tree under another parent."""
    path = tmp_path / "moved.csv"
    path.write_text(f"code,name,kind,parent\n{code},{name},pocket,{parent}\n")
    required, optional = imports.COLUMNS["locations"]
    with SqlUnitOfWork(engine) as uow:
        imports.import_locations(
            uow, read_csv_table(path, required=required, optional=optional), now=NOW, user=TESTER
        )


def test_a_pocket_moved_to_another_cabinet_is_stock_of_that_cabinet(
    hospital: Engine, tmp_path: Path
) -> None:
    _move(hospital, tmp_path, "ED-ADC1-P01", "ondansetron now in the ICU", "ICU-ADC1")

    with pytest.raises(InsufficientStock, match="ED-ADC1"):
        post(hospital, Dispense(user=TESTER, location="ED-ADC1", item="ONDA4INJ", quantity=1))
    posted = post(
        hospital, Dispense(user=TESTER, location="ICU-ADC1", item="ONDA4INJ", quantity=75)
    )

    assert sorted(m.quantity for m in posted.movements) == [30, 45]  # both pockets emptied
    assert _on_hand(hospital, location="ICU-ADC1") == {
        ("ICU-ADC1-P02", "MS2409"): 15,
        ("ICU-ADC1-P03", "AP2406"): 150,
    }


def test_a_resent_adc_transaction_is_recorded_once(hospital: Engine) -> None:
    for _ in range(2):
        result = post(
            hospital,
            Dispense(
                user=TESTER,
                location="ICU-ADC1",
                item="MORPH2INJ",
                quantity=1,
                external_id=ExternalId("txn", "ICU1-9"),
            ),
        )

    assert result.duplicate
    assert _on_hand(hospital, location="ICU-ADC1-P02")[("ICU-ADC1-P02", "MS2409")] == 14


def test_a_patient_return_goes_back_to_the_lot_dispensed_next(hospital: Engine) -> None:
    posted = post(
        hospital,
        Dispense(
            user=TESTER,
            location="ICU-ADC1",
            item="ONDA4INJ",
            quantity=1,
            kind=MovementKind.PATIENT_RETURN,
        ),
    )

    assert posted.movements[0].quantity == 1
    assert _on_hand(hospital, location="ICU-ADC1-P01")[("ICU-ADC1-P01", "ON2411A")] == 31


def test_an_adjustment_down_needs_stock_and_a_reason(hospital: Engine) -> None:
    post(
        hospital,
        Adjust(
            user=TESTER,
            location="MAIN-STORE",
            product="98765-0210-1",
            lot="MS2409",
            quantity=-2,
            reason="broken syringes",
            approval=MANAGER,
        ),
    )
    with pytest.raises(InvalidValue, match="reason"):
        post(
            hospital,
            Adjust(
                user=TESTER,
                location="MAIN-STORE",
                product="98765-0210-1",
                lot="MS2409",
                quantity=-1,
                reason=" ",
                approval=MANAGER,
            ),
        )

    assert _on_hand(hospital, location="MAIN-STORE")[("MAIN-STORE", "MS2409")] == 58


def test_stock_cannot_move_to_an_unknown_location(hospital: Engine) -> None:
    with pytest.raises(UnknownLocation):
        post(
            hospital,
            Move(
                user=TESTER,
                from_location="MAIN-STORE",
                to_location="NOWHERE",
                item="ONDA4INJ",
                quantity=1,
            ),
        )


def test_a_lot_named_in_another_case_is_not_found_and_said_as_recorded(hospital: Engine) -> None:
    unknown = r"unknown lot 'on2411a of 98765-401-02': on record as ON2411A"
    with pytest.raises(NotFound, match=unknown):
        post(
            hospital,
            SetStatus(
                user=TESTER,
                product="98765-401-02",
                lot="on2411a",
                status=StockStatus.QUARANTINED,
                reason="damaged",
            ),
        )
    unrecorded = r"no lot on2411a of .* is recorded; on record as ON2411A"
    with pytest.raises(InvalidValue, match=unrecorded):
        post(
            hospital,
            Dispense(user=TESTER, location="ICU-ADC1", item="ONDA4INJ", lot="on2411a", quantity=1),
        )
