"""The cabinet interface's use case on each database: a cabinet's message is posted through the
ledger once, all of it or nothing; a dispense beyond the usable stock on record is posted as a
discrepancy to resolve, not refused; the file import follows the same rule."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import CLOCK, EXAMPLES, NOW, TESTER, post

from rxsupply.adapters import tables
from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.fhir_dispenses import read_fhir_dispenses
from rxsupply.adapters.hl7_cabinet import read_message
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.cabinet import AckCode, CabinetAnswer, ErrorCode
from rxsupply.domain.discrepancy import DiscrepancyStatus
from rxsupply.domain.status import StockStatus
from rxsupply.errors import AlreadyResolved
from rxsupply.services import imports, ledger
from rxsupply.services.cabinet import record_cabinet_message
from rxsupply.services.discrepancies import list_discrepancies, resolve_discrepancy

MSH = "MSH|^~\\&|PYXIS|MAIN-ED|RXSUPPLY|MAIN|20261120090000-0500||RDS^O13^RDS_O13|{id}|P|2.5.1"
ONDA = "ONDA4INJ^ondansetron 4 mg/2 mL^RXITEM"
ED_POCKET = "ED-ADC1-P01^^^MAIN"  # 45 vials of lot ON2502B (examples/stock.csv)


def rxd(n: int, quantity: int, *, code: str = ONDA, where: str = ED_POCKET, at: str = "") -> str:
    stamp = at or "20261120085500-0500"
    return f"RXD|{n}|{code}|{stamp}|{quantity}|VIAL|||||rn.jones^Jones^Ann|||{where}"


def message(control_id: str, *segments: str) -> str:
    return "\r".join([MSH.format(id=control_id), *segments]) + "\r"


def send(engine: Engine, text: str) -> CabinetAnswer:
    with SqlUnitOfWork(engine) as uow:
        return record_cabinet_message(
            uow, read_message(text, zone=CLOCK.zone), clock=CLOCK, receiver="adc-interface"
        )


def on_hand(engine: Engine, location: str) -> int:
    with engine.connect() as conn:
        total = conn.execute(
            select(func.coalesce(func.sum(tables.on_hand.c.quantity), 0))
            .join(tables.location, tables.location.c.id == tables.on_hand.c.location_id)
            .where(tables.location.c.code == location)
        ).scalar_one()
    return int(total)


def movements(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(tables.movement)).scalar_one())


def test_a_dispense_is_posted_and_acknowledged(hospital: Engine) -> None:
    answer = send(hospital, message("M1", rxd(1, 3)))

    assert (answer.ack, answer.posted, answer.discrepancies) == (AckCode.ACCEPT, 1, 0)
    assert answer.text == "posted 1 of 1 transactions"
    assert on_hand(hospital, "ED-ADC1-P01") == 42


def test_a_resent_message_is_acknowledged_again_and_posts_nothing(hospital: Engine) -> None:
    send(hospital, message("M1", rxd(1, 3)))
    count = movements(hospital)

    again = send(hospital, message("M1", rxd(1, 3)))

    assert again.ack is AckCode.ACCEPT and again.duplicate
    assert again.text.startswith("duplicate of message M1 received")
    assert movements(hospital) == count
    assert on_hand(hospital, "ED-ADC1-P01") == 42


def test_a_dispense_beyond_the_stock_on_record_posts_what_there_is_and_a_discrepancy(
    hospital: Engine,
) -> None:
    answer = send(hospital, message("M2", rxd(1, 50)))

    assert (answer.ack, answer.posted, answer.discrepancies) == (AckCode.ACCEPT, 1, 1)
    assert "50 ONDA4INJ" in answer.text and "45 usable on record, 5 not" in answer.text
    assert on_hand(hospital, "ED-ADC1-P01") == 0
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (found,), total = list_discrepancies(uow)
    assert total == 1
    assert (found.location, found.kind, found.reported, found.posted, found.missing) == (
        "ED-ADC1-P01",
        "dispense",
        50,
        45,
        5,
    )
    assert (found.reported_by, found.status) == ("rn.jones", DiscrepancyStatus.OPEN)
    assert found.external_id == "hl7:PYXIS:M2:1"


def test_expired_units_left_in_the_pocket_are_named_in_the_discrepancy(
    hospital: Engine,
) -> None:
    post(
        hospital,
        ledger.SetStatus(
            user=TESTER,
            product="98765-402-10",
            lot="ON2502B",
            status=StockStatus.QUARANTINED,
            reason="recall notice",
        ),
    )

    answer = send(hospital, message("M3", rxd(1, 2)))

    assert answer.ack is AckCode.ACCEPT
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (found,), _ = list_discrepancies(uow)
    assert (found.posted, found.missing, found.blocked) == (0, 2, 45)
    assert "45 expired or blocked units on record there" in found.why()
    assert on_hand(hospital, "ED-ADC1-P01") == 45  # blocked stock is never issued


def test_a_message_with_one_bad_transaction_posts_nothing_and_names_the_field(
    hospital: Engine,
) -> None:
    text = message("M4", rxd(1, 2), rxd(2, 1, where="ED-ADC9-P01^^^MAIN"))

    answer = send(hospital, text)

    assert answer.ack is AckCode.ERROR
    assert answer.problem is not None
    assert (answer.problem.code, answer.problem.where) == (ErrorCode.UNKNOWN_KEY, "RXD(2)-13")
    assert "ED-ADC9-P01" in answer.text
    assert on_hand(hospital, "ED-ADC1-P01") == 45


def test_a_message_refused_once_is_posted_when_resent_after_the_fix(hospital: Engine) -> None:
    send(hospital, message("M5", rxd(1, 2, code="NOSUCH^?^RXITEM")))

    answer = send(hospital, message("M5", rxd(1, 2)))

    assert (answer.ack, answer.posted, answer.duplicate) == (AckCode.ACCEPT, 1, False)
    assert on_hand(hospital, "ED-ADC1-P01") == 43


def test_a_return_and_a_witnessed_waste_post_through_the_ledger(hospital: Engine) -> None:
    send(hospital, message("M6", rxd(1, 5)))

    returned = send(hospital, message("M7", rxd(1, 1), "ZRX|R"))
    wasted = send(hospital, message("M8", rxd(1, 2), "ZRX|W|rn.smith"))

    assert returned.ack is AckCode.ACCEPT and wasted.ack is AckCode.ACCEPT
    assert on_hand(hospital, "ED-ADC1-P01") == 45 - 5 + 1 - 2
    with hospital.connect() as conn:
        rows = conn.execute(
            select(tables.movement.c.kind, tables.movement.c.user_name, tables.movement.c.note)
            .where(tables.movement.c.external_id.like("hl7:%"))
            .order_by(tables.movement.c.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("dispense", "rn.jones", ""),
        ("patient_return", "rn.jones", ""),
        ("waste", "rn.jones", "witness rn.smith"),
    ]


def test_a_dispense_named_by_ndc_takes_that_product(hospital: Engine) -> None:
    answer = send(hospital, message("M9", rxd(1, 4, code="98765-402-10^ondansetron^NDC")))

    assert (answer.ack, answer.discrepancies) == (AckCode.ACCEPT, 0)
    assert on_hand(hospital, "ED-ADC1-P01") == 41


def test_a_discrepancy_is_resolved_once_with_a_note_and_an_audit_entry(hospital: Engine) -> None:
    send(hospital, message("M10", rxd(1, 50)))
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (found,), _ = list_discrepancies(uow)
    assert found.id is not None

    with SqlUnitOfWork(hospital) as uow:
        done = resolve_discrepancy(
            uow,
            discrepancy_id=found.id,
            resolution="refill of 5 not scanned; counted and corrected",
            user="manager",
            clock=CLOCK,
        )

    assert (done.status, done.resolved_by, done.resolved_at) == (
        DiscrepancyStatus.RESOLVED,
        "manager",
        NOW,
    )
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        assert list_discrepancies(uow) == ([], 0)
        with pytest.raises(AlreadyResolved):
            resolve_discrepancy(
                uow, discrepancy_id=found.id, resolution="again", user="manager", clock=CLOCK
            )
    with hospital.connect() as conn:
        actions = conn.execute(
            select(tables.audit.c.action, tables.audit.c.user_name).where(
                tables.audit.c.entity == "stock_discrepancy"
            )
        ).all()
    assert [tuple(a) for a in actions] == [("resolve_discrepancy", "manager")]


def test_the_dispense_file_posts_an_over_dispense_as_a_discrepancy_not_a_rejection(
    hospital: Engine, tmp_path: Path
) -> None:
    lines = (EXAMPLES / "dispenses.csv").read_text(encoding="utf-8").splitlines()
    hit = next(i for i, line in enumerate(lines) if line.startswith("ED1-000003,"))
    lines[hit] = "ED1-000003,2026-11-03T02:20:00-05:00,ONDA4INJ,ED-ADC1,500,"
    path = tmp_path / "dispenses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    required, optional = imports.COLUMNS["dispenses"]
    table = read_csv_table(path, required=required, optional=optional)

    with SqlUnitOfWork(hospital) as uow:
        result = imports.import_dispenses(uow, table, clock=CLOCK, user=TESTER)

    assert result.discrepancies == 1
    assert result.as_dict()["discrepancies"] == 1
    assert result.written == len(lines) - 1
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (found,), _ = list_discrepancies(uow)
    assert (found.location, found.reported, found.posted) == ("ED-ADC1", 500, 44)
    with SqlUnitOfWork(hospital) as uow:  # the same file again: nothing twice
        again = imports.import_dispenses(uow, table, clock=CLOCK, user=TESTER)
    assert again.written == 0
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        assert list_discrepancies(uow)[1] == 1


def test_a_witness_with_a_control_character_is_an_error_on_its_zrx_field(
    hospital: Engine,
) -> None:
    answer = send(hospital, message("M12", rxd(1, 1), "ZRX|W|rn\x01smith"))

    assert answer.ack is AckCode.ERROR
    assert answer.problem is not None and answer.problem.where == "ZRX(1)-2"
    assert on_hand(hospital, "ED-ADC1-P01") == 45


def test_a_time_in_the_future_is_an_application_error_on_its_field(hospital: Engine) -> None:
    later = (NOW + timedelta(days=2)).strftime("%Y%m%d%H%M%S+0000")

    answer = send(hospital, message("M11", rxd(1, 1, at=later)))

    assert answer.ack is AckCode.ERROR
    assert answer.problem is not None and answer.problem.where == "RXD(1)-3"


def test_a_fhir_bundle_posts_its_completed_dispenses_once(hospital: Engine) -> None:
    table = read_fhir_dispenses(EXAMPLES / "fhir-dispenses.json")

    with SqlUnitOfWork(hospital) as uow:
        first = imports.import_dispenses(uow, table, clock=CLOCK, user=TESTER)
    with SqlUnitOfWork(hospital) as uow:
        again = imports.import_dispenses(uow, table, clock=CLOCK, user=TESTER)

    assert (first.written, again.written) == (2, 0)
    assert on_hand(hospital, "ED-ADC1-P01") == 43
    assert on_hand(hospital, "ED-ADC1-P02") == 216
    with hospital.connect() as conn:
        users = conn.execute(
            select(tables.movement.c.user_name)
            .where(tables.movement.c.external_id.like("txn:ED1-FHIR-%"))
            .order_by(tables.movement.c.id)
        ).scalars()
        assert list(users) == ["rn.jones", "rn.lee"]
