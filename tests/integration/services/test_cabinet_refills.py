"""Refills and counts a cabinet reports, on each database: a refill is a ledger refill from the
storeroom (counted on an open refill run's line when it is that line's package, so it is never
posted twice); a count that disagrees with the record is a discrepancy, never a movement.

ED-ADC1-P01 holds 45 vials of lot ON2502B (capacity 60); the storeroom 250 of ON2411A (earliest
expiry) and 100 of ON2502B."""

from __future__ import annotations

from sqlalchemy import Engine
from tests.conftest import CLOCK, TESTER
from tests.integration.services.test_cabinet import message, on_hand, rxd, send
from tests.integration.services.test_safe_stock import set_levels

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.cabinet import AckCode
from rxsupply.services import refilling
from rxsupply.services.discrepancies import list_discrepancies


def test_a_reported_refill_moves_units_from_the_storeroom_earliest_expiry_first(
    hospital: Engine,
) -> None:
    answer = send(hospital, message("F1", rxd(1, 10), "ZRX|F"))

    assert (answer.ack, answer.posted, answer.discrepancies) == (AckCode.ACCEPT, 1, 0)
    assert on_hand(hospital, "ED-ADC1-P01") == 55
    assert on_hand(hospital, "MAIN-STORE") == 250 + 100 + 60 + 2000 - 10


def test_a_reported_refill_of_a_run_s_package_fills_its_line_and_posts_once(
    hospital: Engine,
) -> None:
    set_levels(hospital, "ED-ADC1-P01", "ONDA4INJ", 50, 60)
    with SqlUnitOfWork(hospital) as uow:
        run = refilling.start_refill_run(uow, user=TESTER, clock=CLOCK, cabinets=["ED-ADC1"])

    answer = send(hospital, message("F2", rxd(1, 15), "ZRX|F"))

    with SqlUnitOfWork(hospital) as uow:
        (line,) = refilling.get_refill_run(uow, run.number).lines
    assert answer.ack is AckCode.ACCEPT
    assert (line.lot, line.confirmed, line.left, line.confirmed_by) == (
        "ON2411A",
        15,
        0,
        "rn.jones",
    )
    assert on_hand(hospital, "ED-ADC1-P01") == 60


def test_a_count_that_agrees_records_nothing(hospital: Engine) -> None:
    answer = send(hospital, message("C1", rxd(1, 45), "ZRX|C"))

    assert answer.text == "posted 0 of 0 transactions; 1 of 1 counts agree"
    assert list_discrepancies_now(hospital) == []


def test_a_short_count_is_a_discrepancy_and_moves_no_stock(hospital: Engine) -> None:
    answer = send(hospital, message("C2", rxd(1, 3), rxd(2, 40), "ZRX|C"))

    assert (answer.ack, answer.posted, answer.discrepancies) == (AckCode.ACCEPT, 1, 1)
    assert on_hand(hospital, "ED-ADC1-P01") == 42
    (found,) = list_discrepancies_now(hospital)
    assert found == "count of ONDA4INJ at ED-ADC1-P01: 40 counted, 42 on record, 2 missing"


def test_a_count_of_zero_and_an_over_count_are_read(hospital: Engine) -> None:
    send(hospital, message("C3", rxd(1, 50), "ZRX|C"))
    send(hospital, message("C4", rxd(1, 0), "ZRX|C"))

    assert list_discrepancies_now(hospital) == [
        "count of ONDA4INJ at ED-ADC1-P01: 0 counted, 45 on record, 45 missing",
        "count of ONDA4INJ at ED-ADC1-P01: 50 counted, 45 on record, 5 more than recorded",
    ]


def test_a_count_of_a_cabinet_rather_than_a_pocket_is_an_error_on_rxd_13(hospital: Engine) -> None:
    answer = send(hospital, message("C5", rxd(1, 4, where="ED-ADC1^^^MAIN"), "ZRX|C"))

    assert answer.ack is AckCode.ERROR
    assert answer.problem is not None and answer.problem.where == "RXD(1)-13"
    assert "a count names its pocket" in answer.text


def list_discrepancies_now(engine: Engine) -> list[str]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        found, _ = list_discrepancies(uow)
    return [d.why() for d in found]
