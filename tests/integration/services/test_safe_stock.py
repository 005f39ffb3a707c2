"""Safe stock on every database: usable-only picking, quarantine everywhere at once, overrides
with a second manager, serial identity, pocket rules, case GTINs and the ledger's bounds.

The example hospital (examples/*.csv) at 2026-11-20: morphine lot MS2409 (expires 2027-01-31)
in the storeroom and ICU pocket P02 (capacity 20, 15 on hand); ondansetron lots ON2411A
(2027-03-31: storeroom 250, ICU pocket P01 30) and ON2502B (2027-09-30: storeroom 100, ED
pocket 45); a quarantine shelf MAIN-QUAR.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from tests.conftest import CLOCK, EASTERN, NOW, TESTER, post

from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.levels import StockLevel
from rxsupply.domain.limits import Approval
from rxsupply.domain.movement import MovementKind
from rxsupply.domain.ndc import NDC
from rxsupply.domain.status import StockStatus
from rxsupply.domain.users import Role
from rxsupply.errors import (
    ApprovalNeeded,
    DuplicateSerial,
    InsufficientStock,
    InvalidGTIN,
    InvalidMovement,
    InvalidValue,
    OverCapacity,
    PermissionDenied,
    UnusableStock,
)
from rxsupply.services import imports, ledger, picking

AFTER_MORPHINE_EXPIRED = FixedClock(datetime(2027, 2, 15, 15, 0, tzinfo=UTC), EASTERN)
MANAGER = Approval("manager", Role.MANAGER)
ONDANSETRON_25 = "98765-401-02"  # 25 vials a tray, $18.75
ONDANSETRON_10 = "98765-402-10"  # 10 vials a carton
MORPHINE = "98765-0210-1"  # CII, 10 syringes, $31.20


def on_hand(engine: Engine, location: str, lot: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT coalesce(sum(o.quantity), 0) FROM on_hand o "
                    "JOIN location l ON l.id = o.location_id JOIN lot ON lot.id = o.lot_id "
                    "WHERE l.code = :loc AND lot.lot_number = :lot"
                ),
                {"loc": location, "lot": lot},
            ).scalar_one()
        )


def refill_morphine(quantity: int) -> ledger.Move:
    return ledger.Move(
        user=TESTER,
        from_location="MAIN-STORE",
        to_location="ICU-ADC1",
        item="MORPH2INJ",
        quantity=quantity,
        refill=True,
    )


def set_levels(engine: Engine, pocket: str, item: str, low: int, high: int) -> None:
    with SqlUnitOfWork(engine) as uow:
        loc = uow.locations.get(pocket)
        found = uow.items.get(item)
        assert loc is not None and loc.id is not None and found is not None and found.id
        uow.stock_levels.save(StockLevel(loc.id, found.id, low, high), now=NOW, user=TESTER)
        uow.commit()


# --- usable stock only ---------------------------------------------------------------------


def test_an_expired_lot_is_never_dispensed_refilled_or_transferred(hospital: Engine) -> None:
    late = AFTER_MORPHINE_EXPIRED

    with pytest.raises(InsufficientStock, match="only 0 on hand usable \\(15 more are expired"):
        post(
            hospital,
            ledger.Dispense(user=TESTER, location="ICU-ADC1", item="MORPH2INJ", quantity=1),
            clock=late,
        )
    with pytest.raises(InsufficientStock):
        post(hospital, refill_morphine(1), clock=late)
    with pytest.raises(UnusableStock, match="lot MS2409 expired on 2027-01-31"):
        post(
            hospital,
            ledger.Move(
                user=TESTER,
                from_location="ICU-ADC1-P02",
                to_location="MAIN-STORE",
                item="MORPH2INJ",
                lot="MS2409",
                quantity=5,
            ),
            clock=late,
        )

    assert on_hand(hospital, "ICU-ADC1-P02", "MS2409") == 15
    assert on_hand(hospital, "MAIN-STORE", "MS2409") == 60


def test_a_fresh_lot_is_picked_before_an_expired_one_that_expires_first(hospital: Engine) -> None:
    late = AFTER_MORPHINE_EXPIRED
    post(
        hospital,
        ledger.Receive(
            user=TESTER, product=MORPHINE, lot="MS2502", expiry=date(2027, 12, 31), quantity=20
        ),
        clock=late,
    )

    done = post(hospital, refill_morphine(5), clock=late)

    assert [m.quantity for m in done.movements] == [5]
    assert on_hand(hospital, "ICU-ADC1-P02", "MS2502") == 5
    assert on_hand(hospital, "MAIN-STORE", "MS2409") == 60


def test_the_refill_pick_list_never_lists_expired_or_quarantined_lots(hospital: Engine) -> None:
    late = AFTER_MORPHINE_EXPIRED
    set_levels(hospital, "ICU-ADC1-P02", "MORPH2INJ", 15, 20)
    set_levels(hospital, "ICU-ADC1-P01", "ONDA4INJ", 30, 40)
    post(
        hospital,
        ledger.SetStatus(
            user=TESTER,
            product=ONDANSETRON_25,
            lot="ON2411A",
            status=StockStatus.QUARANTINED,
            reason="particles",
        ),
    )

    with SqlUnitOfWork(hospital, readonly=True) as uow:
        lines = picking.refill_pick_list(uow, clock=late, cabinet="ICU-ADC1")

    picked = {(line.pocket, line.lot): (line.quantity, line.short) for line in lines}
    assert picked == {
        ("ICU-ADC1-P02", ""): (0, 20),  # only expired morphine in the storeroom: short
        ("ICU-ADC1-P01", "ON2502B"): (40, 0),  # ON2411A is quarantined, ON2502B instead
    }


def test_quarantining_a_lot_blocks_every_unit_pockets_included_in_one_action(
    hospital: Engine,
) -> None:
    done = post(
        hospital,
        ledger.SetStatus(
            user=TESTER,
            product=ONDANSETRON_25,
            lot="ON2411A",
            status=StockStatus.RECALLED,
            reason="FDA recall",
        ),
    )

    assert done.changed == [
        {
            "ndc": ONDANSETRON_25,
            "lot": "ON2411A",
            "from": "available",
            "to": "recalled",
            "units": 280,
            "locations": {"ICU-ADC1-P01": 30, "MAIN-STORE": 250},
        }
    ]
    with pytest.raises(InsufficientStock):
        post(
            hospital, ledger.Dispense(user=TESTER, location="ICU-ADC1", item="ONDA4INJ", quantity=1)
        )
    moved = post(
        hospital,
        ledger.Move(
            user=TESTER,
            from_location="MAIN-STORE",
            to_location="OR-SAT",
            item="ONDA4INJ",
            quantity=10,
        ),
    )
    assert {m.lot_id for m in moved.movements} == {_lot_id(hospital, "ON2502B")}


def test_a_released_lot_is_picked_again(hospital: Engine) -> None:
    post(
        hospital,
        ledger.SetStatus(
            user=TESTER,
            product=ONDANSETRON_25,
            lot="ON2411A",
            status=StockStatus.QUARANTINED,
            reason="check",
        ),
    )

    post(
        hospital,
        ledger.SetStatus(
            user="manager",
            product=ONDANSETRON_25,
            lot="ON2411A",
            status=StockStatus.AVAILABLE,
            reason="checked: fine",
        ),
    )

    post(hospital, ledger.Dispense(user=TESTER, location="ICU-ADC1", item="ONDA4INJ", quantity=1))
    assert on_hand(hospital, "ICU-ADC1-P01", "ON2411A") == 29


def test_blocked_stock_moves_into_quarantine_without_a_second_user(hospital: Engine) -> None:
    post(
        hospital,
        ledger.SetStatus(
            user=TESTER,
            product=MORPHINE,
            lot="MS2409",
            status=StockStatus.SUSPECT,
            reason="seal broken",
        ),
    )

    post(
        hospital,
        ledger.Move(
            user=TESTER,
            from_location="ICU-ADC1-P02",
            to_location="MAIN-QUAR",
            item="MORPH2INJ",
            lot="MS2409",
            quantity=15,
        ),
    )

    assert on_hand(hospital, "MAIN-QUAR", "MS2409") == 15
    assert on_hand(hospital, "ICU-ADC1-P02", "MS2409") == 0


def test_an_override_moves_blocked_stock_only_with_another_user_who_is_a_manager(
    hospital: Engine,
) -> None:
    post(
        hospital,
        ledger.SetStatus(
            user=TESTER,
            product=ONDANSETRON_25,
            lot="ON2411A",
            status=StockStatus.QUARANTINED,
            reason="temperature",
        ),
    )
    move = ledger.Move(
        user=TESTER,
        from_location="MAIN-STORE",
        to_location="OR-SAT",
        item="ONDA4INJ",
        lot="ON2411A",
        quantity=5,
    )

    with pytest.raises(UnusableStock, match="quarantined"):
        post(hospital, move)
    with pytest.raises(ApprovalNeeded):
        post(hospital, replace(move, override="pharmacist cleared it"))
    with pytest.raises(PermissionDenied, match="someone other than tester"):
        post(
            hospital,
            replace(move, override="ok", approval=Approval(TESTER, Role.MANAGER)),
        )
    with pytest.raises(PermissionDenied, match="is a technician"):
        post(
            hospital,
            replace(move, override="ok", approval=Approval("tech", Role.TECHNICIAN)),
        )
    done = post(
        hospital,
        replace(move, override="pharmacist cleared it", approval=MANAGER),
    )

    assert [(m.quantity, m.user, m.approved_by) for m in done.movements] == [(5, TESTER, "manager")]
    with hospital.connect() as conn:
        user, approver, after = conn.execute(
            text("SELECT user_name, approved_by, after FROM audit WHERE action = 'transfer'")
        ).one()
    assert (user, approver) == (TESTER, "manager")
    assert json.loads(after)["override"] == "pharmacist cleared it"


# --- serial identity -----------------------------------------------------------------------


def test_a_serial_received_twice_is_refused_and_the_first_package_flagged_suspect(
    hospital: Engine,
) -> None:
    gtin = NDC.parse(ONDANSETRON_25).gtin14()
    first = ledger.Receive(
        user=TESTER,
        product=gtin,
        lot="ON2611X",
        expiry=date(2028, 3, 31),
        packages=1,
        serial="SN0001",
    )
    post(hospital, first)

    with pytest.raises(DuplicateSerial, match="first received at MAIN-STORE on 2026-11-20") as e:
        post(
            hospital,
            ledger.Receive(
                user="tech2",
                product=gtin,
                lot="OTHERLOT",
                expiry=date(2028, 3, 31),
                packages=1,
                serial="SN0001",
                location="OR-SAT",
            ),
        )

    assert "now scanned again at OR-SAT by tech2" in str(e.value)
    with hospital.connect() as conn:
        status, units = conn.execute(
            text("SELECT status, units FROM serial_package WHERE serial = 'SN0001'")
        ).one()
        flags = conn.execute(
            text("SELECT count(*) FROM audit WHERE action = 'suspect_serial'")
        ).scalar_one()
    assert (status, units, flags) == ("suspect", 25, 1)
    assert on_hand(hospital, "OR-SAT", "OTHERLOT") == 0


def test_a_sealed_package_follows_a_refill_and_is_opened_by_a_dispense(hospital: Engine) -> None:
    gtin = NDC.parse(ONDANSETRON_10).gtin14()
    post(
        hospital,
        ledger.Receive(
            user=TESTER,
            product=gtin,
            lot="ON2611X",
            expiry=date(2026, 12, 31),
            packages=1,
            serial="SN7",
            location="OR-SAT",
        ),
    )

    post(
        hospital,
        ledger.Move(
            user=TESTER,
            from_location="OR-SAT",
            to_location="ED-ADC1",
            item="ONDA4INJ",
            quantity=10,
            refill=True,
            pocket="ED-ADC1-P01",
        ),
    )
    moved = _package(hospital, "SN7")
    post(hospital, ledger.Dispense(user=TESTER, location="ED-ADC1", item="ONDA4INJ", quantity=1))

    assert moved == ("ED-ADC1-P01", "available")
    assert _package(hospital, "SN7") == ("ED-ADC1-P01", "opened")


# --- physical rules ------------------------------------------------------------------------


def test_a_refill_beyond_the_pockets_capacity_is_refused_naming_it(hospital: Engine) -> None:
    with pytest.raises(OverCapacity, match="holds at most 20 units and has 15: 10 more do not"):
        post(hospital, refill_morphine(10))

    post(hospital, refill_morphine(5))
    assert on_hand(hospital, "ICU-ADC1-P02", "MS2409") == 20


def test_a_refill_goes_to_the_items_pocket_in_the_cabinet(hospital: Engine) -> None:
    done = post(
        hospital,
        ledger.Move(
            user=TESTER,
            from_location="MAIN-STORE",
            to_location="ICU-ADC1",
            item="ONDA4INJ",
            quantity=5,
            refill=True,
        ),
    )

    assert {m.to_location_id for m in done.movements} == {_location_id(hospital, "ICU-ADC1-P01")}


def test_a_cabinet_without_a_pocket_for_the_item_refuses_the_refill(hospital: Engine) -> None:
    with pytest.raises(InvalidMovement, match="ED-ADC1 has no pocket for MORPH2INJ"):
        post(
            hospital,
            ledger.Move(
                user=TESTER,
                from_location="MAIN-STORE",
                to_location="ED-ADC1",
                item="MORPH2INJ",
                quantity=1,
            ),
        )


def test_a_receipt_goes_to_the_facilitys_storeroom_when_no_location_is_named(
    hospital: Engine,
) -> None:
    post(
        hospital,
        ledger.Receive(
            user=TESTER,
            product=ONDANSETRON_25,
            lot="ON2611X",
            expiry=date(2028, 3, 31),
            quantity=50,
        ),
    )

    assert on_hand(hospital, "MAIN-STORE", "ON2611X") == 50


def test_a_receipt_without_an_expiry_is_refused_unless_the_item_is_non_expiring(
    hospital: Engine, tmp_path: Path
) -> None:
    receipt = ledger.Receive(
        user=TESTER, product=ONDANSETRON_25, lot="NOEXP", expiry=None, quantity=5
    )
    with pytest.raises(InvalidValue, match="needs its expiry date"):
        post(hospital, receipt)

    _import_items(hospital, tmp_path, "non_expiring\nyes")
    post(hospital, receipt)
    assert on_hand(hospital, "MAIN-STORE", "NOEXP") == 5


def test_an_adjustment_above_the_approval_value_needs_a_second_manager(hospital: Engine) -> None:
    typo = ledger.Adjust(
        user=TESTER,
        location="MAIN-STORE",
        product=ONDANSETRON_25,
        lot="ON2411A",
        quantity=100_000,
        reason="typo",
    )

    with pytest.raises(ApprovalNeeded, match=r"\$75,000.00 of stock"):
        post(hospital, typo)
    small = post(hospital, replace(typo, quantity=2, reason="found"))

    assert small.movements[0].approved_by == ""


def test_any_adjustment_of_a_controlled_substance_needs_a_second_manager(
    hospital: Engine,
) -> None:
    count = ledger.Adjust(
        user=TESTER,
        location="ICU-ADC1-P02",
        product=MORPHINE,
        lot="MS2409",
        quantity=-1,
        reason="count",
        count=True,
    )

    with pytest.raises(ApprovalNeeded, match="controlled substance"):
        post(hospital, count)
    done = post(hospital, replace(count, approval=MANAGER))

    assert done.movements[0].approved_by == "manager"
    assert done.movements[0].kind is MovementKind.COUNT_VARIANCE


# --- packaging levels ----------------------------------------------------------------------


def test_a_case_gtin_receives_its_declared_contents(hospital: Engine, tmp_path: Path) -> None:
    case = NDC.parse(ONDANSETRON_25).gtin14(indicator=3)
    _import_items(hospital, tmp_path, f"case_gtin,case_packages\n{case},4")

    post(
        hospital,
        ledger.Receive(
            user=TESTER, product=case, lot="ON2611C", expiry=date(2028, 3, 31), packages=2
        ),
    )

    assert on_hand(hospital, "MAIN-STORE", "ON2611C") == 2 * 4 * 25


def test_an_undeclared_case_gtin_is_refused_naming_its_indicator(hospital: Engine) -> None:
    case = NDC.parse(ONDANSETRON_25).gtin14(indicator=2)

    with pytest.raises(InvalidGTIN, match="indicator 2: a case or other packaging level"):
        post(
            hospital,
            ledger.Receive(
                user=TESTER, product=case, lot="L1", expiry=date(2028, 3, 31), packages=1
            ),
        )


# --- bounds on every command ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": 2**63 - 1}, "quantity"),
        ({"lot": "LOT\x00NUL"}, "lot"),
        ({"lot": "L" * 41}, "lot"),
        ({"reference": "R" * 10_000}, "reference"),
        ({"location": "MAIN\x1bSTORE"}, "location"),
        ({"user": ""}, "user"),
    ],
)
def test_a_receipt_with_an_unbounded_value_is_refused_naming_the_field(
    hospital: Engine, changes: dict[str, Any], field: str
) -> None:
    receipt = ledger.Receive(
        user=TESTER, product=ONDANSETRON_25, lot="ON2611X", expiry=date(2028, 3, 31), quantity=10
    )

    with pytest.raises(InvalidValue) as caught:
        post(hospital, replace(receipt, **changes))

    assert caught.value.field == field
    with hospital.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM movement")).scalar_one() == 9


# --- helpers -------------------------------------------------------------------------------


def _lot_id(engine: Engine, number: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT id FROM lot WHERE lot_number = :n"), {"n": number}
            ).scalar_one()
        )


def _location_id(engine: Engine, code: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(text("SELECT id FROM location WHERE code = :c"), {"c": code}).scalar_one()
        )


def _package(engine: Engine, serial: str) -> tuple[str, str]:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT l.code, p.status FROM serial_package p "
                "JOIN location l ON l.id = p.location_id WHERE p.serial = :s"
            ),
            {"s": serial},
        ).one()
    return (row[0], row[1])


def _import_items(engine: Engine, tmp_path: Path, extra: str) -> None:
    """The ondansetron tray row of examples/items.csv again, with extra columns."""
    header, values = extra.split("\n")
    path = tmp_path / "items-extra.csv"
    path.write_text(
        f"item_code,item_name,criticality,ndc,{header}\n"
        f"ONDA4INJ,ondansetron 4 mg/2 mL injection vial,essential,{ONDANSETRON_25},{values}\n"
    )
    required, optional = imports.COLUMNS["items"]
    table = read_csv_table(path, required=required, optional=optional)
    with SqlUnitOfWork(engine) as uow:
        imports.import_items(uow, table, now=CLOCK.now(), user=TESTER)
