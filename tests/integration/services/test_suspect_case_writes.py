"""Suspect product case writes, on each database: two case writes touching the same units are
serialised (a case opened while another on the same lot is cleared leaves the lot suspect),
and every column the code reads of a case, its subjects and steps is in the chained digest."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, select, text, update
from tests.conftest import TESTER
from tests.integration.services.test_suspect_cases import (
    APAP,
    LATER,
    ONDA,
    ONDA_GTIN,
    lot_status,
    open_case,
    package_status,
    receive_serial,
)

from rxsupply.adapters import tables as t
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.epc_identifier import epc_uri_with_prefix
from rxsupply.domain.record_chain import digest, verify_chain
from rxsupply.errors import InvalidValue
from rxsupply.services.dscsa import cases


def test_a_case_opened_while_another_on_the_lot_is_cleared_waits_and_keeps_the_lot_suspect(
    hospital: Engine,
) -> None:
    first = open_case(hospital, lots=[f"{APAP}:AP2406"])
    opened: list[str] = []
    failed: list[BaseException] = []

    def open_second() -> None:
        try:
            opened.append(open_case(hospital, lots=[f"{APAP}:AP2406"]))
        except BaseException as error:
            failed.append(error)

    with SqlUnitOfWork(hospital) as uow:
        uow.suspect_cases.lock_writes()
        cases.find_case(uow, first)
        second = threading.Thread(target=open_second)
        second.start()
        second.join(1.0)
        waited = second.is_alive()
        cases.clear_case(uow, case=first, note="legitimate", user=TESTER, clock=LATER)
    second.join(60)

    assert waited, "the second case write did not wait for the first"
    assert failed == []
    assert opened == ["SC-2026-0002"]
    assert lot_status(hospital, "AP2406") == "suspect"
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        (subject,) = cases.find_case(uow, opened[0]).subjects
    assert subject.blocked


def _drop_append_only(engine: Engine, table: str) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"DROP TRIGGER {table}_append_only ON {table}"))
        else:
            conn.execute(text(f"DROP TRIGGER {table}_no_update"))


def _breaks(engine: Engine) -> list[str]:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        (facility,) = uow.records.facilities()
        found = verify_chain(
            list(uow.records.entries(facility)),
            lambda e: digest(cases.case_step_content(uow, e.subject)),
        )
    return [str(b) for b in found]


def test_a_subject_moved_to_another_lot_behind_the_chain_breaks_it(hospital: Engine) -> None:
    open_case(hospital, lots=[f"{APAP}:AP2406"])
    with hospital.connect() as conn:
        other = conn.execute(
            select(t.lot.c.id).where(t.lot.c.lot_number != "AP2406").limit(1)
        ).scalar_one()
    before = _breaks(hospital)
    _drop_append_only(hospital, "dscsa_case_subject")

    with hospital.begin() as conn:
        conn.execute(update(t.dscsa_case_subject).values(lot_id=other))

    assert before == []
    assert len(_breaks(hospital)) == 1


def test_a_step_external_id_rewritten_behind_the_chain_breaks_it(hospital: Engine) -> None:
    open_case(hospital, lots=[f"{APAP}:AP2406"])
    _drop_append_only(hospital, "dscsa_case_step")

    with hospital.begin() as conn:
        conn.execute(update(t.dscsa_case_step).values(external_id="form:forged"))

    assert len(_breaks(hospital)) == 1


def test_a_serial_is_read_in_every_form_trace_reads_it(hospital: Engine) -> None:
    for serial in ("SN-A", "SN-B", "SN-C", "SN-D"):
        receive_serial(hospital, serial)
    element = f"01{ONDA_GTIN}21SN-A"
    epc = epc_uri_with_prefix(f"01{ONDA_GTIN}21SN-B", 7)
    link = f"https://id.gs1.org/01/{ONDA_GTIN}/21/SN-C"

    number = open_case(hospital, serials=[element, epc, link, f"{ONDA}:SN-D"])

    assert epc == "urn:epc:id:sgtin:0398765.040102.SN-B"
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        named = [(s.gtin, s.serial) for s in cases.find_case(uow, number).subjects]
    assert named == [(ONDA_GTIN, s) for s in ("SN-A", "SN-B", "SN-C", "SN-D")]
    assert {package_status(hospital, s) for s in ("SN-A", "SN-B", "SN-C", "SN-D")} == {"suspect"}


def test_a_serial_alone_or_unreadable_is_refused_naming_the_forms(hospital: Engine) -> None:
    receive_serial(hospital, "SN-A")

    with pytest.raises(InvalidValue, match="name the product too"):
        open_case(hospital, serials=["SN-A"])
    with pytest.raises(InvalidValue, match="identifier"):
        open_case(hospital, serials=["urn:epc:id:sgtin:0398765.0401.SN-A"])

    assert package_status(hospital, "SN-A") == "available"
