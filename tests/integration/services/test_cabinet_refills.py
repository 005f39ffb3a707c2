"""Refills and counts a cabinet reports, on each database: a refill is a ledger refill from the
storeroom (counted on an open refill run's line when it is that line's package, so it is never
posted twice); a count that disagrees with the record is a discrepancy, never a movement.

ED-ADC1-P01 holds 45 vials of lot ON2502B (capacity 60); the storeroom 250 of ON2411A (earliest
expiry) and 100 of ON2502B."""

from __future__ import annotations

from sqlalchemy import Engine
from tests.conftest import CLOCK, TESTER, post
from tests.integration.services.test_cabinet import message, on_hand, rxd, send
from tests.integration.services.test_safe_stock import set_levels

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.cabinet import AckCode
from rxsupply.domain.status import StockStatus
from rxsupply.services import ledger, refilling
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
        (line,) = refilling.get_refill_run(uow, run.number, clock=CLOCK).lines
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


def test_a_refill_scanned_on_the_run_and_then_reported_by_the_cabinet_is_posted_once(
    hospital: Engine,
) -> None:
    set_levels(hospital, "ED-ADC1-P01", "ONDA4INJ", 50, 60)
    with SqlUnitOfWork(hospital) as uow:
        run = refilling.start_refill_run(uow, user=TESTER, clock=CLOCK, cabinets=["ED-ADC1"])
    with SqlUnitOfWork(hospital) as uow:
        refilling.confirm_refill(
            uow,
            run=run.number,
            pocket="ED-ADC1-P01",
            product="98765-401-02",
            lot="ON2411A",
            units=15,
            user=TESTER,
            clock=CLOCK,
        )

    answer = send(hospital, message("F3", rxd(1, 15), "ZRX|F"))

    with SqlUnitOfWork(hospital) as uow:
        (line,) = refilling.get_refill_run(uow, run.number, clock=CLOCK).lines
    assert answer.ack is AckCode.ACCEPT
    assert "1 refills already scanned in on a refill run" in answer.text
    assert (line.scanned, line.reported, line.confirmed) == (15, 15, 15)
    assert on_hand(hospital, "ED-ADC1-P01") == 60


def test_a_refill_reported_first_makes_the_run_s_scan_post_nothing(hospital: Engine) -> None:
    set_levels(hospital, "ED-ADC1-P01", "ONDA4INJ", 50, 60)
    with SqlUnitOfWork(hospital) as uow:
        run = refilling.start_refill_run(uow, user=TESTER, clock=CLOCK, cabinets=["ED-ADC1"])
    send(hospital, message("F4", rxd(1, 15), "ZRX|F"))

    with SqlUnitOfWork(hospital) as uow:
        _, line, posted = refilling.confirm_refill(
            uow,
            run=run.number,
            pocket="ED-ADC1-P01",
            product="98765-401-02",
            lot="ON2411A",
            units=15,
            user=TESTER,
            clock=CLOCK,
        )

    assert posted.movements == []
    assert (line.scanned, line.reported, line.confirmed, line.left) == (15, 15, 15, 0)
    assert on_hand(hospital, "ED-ADC1-P01") == 60


def test_a_reported_refill_the_storeroom_cannot_cover_posts_what_there_is_and_a_discrepancy(
    hospital: Engine,
) -> None:
    post(
        hospital,
        ledger.SetStatus(
            user=TESTER,
            product="98765-401-02",
            lot="ON2411A",
            status=StockStatus.QUARANTINED,
            reason="check",
        ),
    )
    post(
        hospital,
        ledger.Move(
            user=TESTER,
            from_location="MAIN-STORE",
            to_location="OR-SAT",
            product="98765-402-10",
            quantity=95,
        ),
    )

    answer = send(hospital, message("F5", rxd(1, 10), "ZRX|F"))

    assert (answer.ack, answer.posted, answer.discrepancies) == (AckCode.ACCEPT, 1, 1)
    assert on_hand(hospital, "ED-ADC1-P01") == 50
    (found,) = list_discrepancies_now(hospital)
    assert found.startswith("refill of 10 ONDA4INJ from MAIN-STORE reported at ED-ADC1-P01")
    assert "5 usable on record, 5 not" in found


def test_a_count_before_a_dispense_in_one_message_is_compared_before_it(hospital: Engine) -> None:
    answer = send(hospital, message("C6", rxd(1, 45), "ZRX|C", rxd(2, 5)))

    assert answer.text == "posted 1 of 1 transactions; 1 of 1 counts agree"
    assert on_hand(hospital, "ED-ADC1-P01") == 40
