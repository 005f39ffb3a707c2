"""The six-year rule on every DSCSA table added after the documents (verifications, suspect
cases, receipt scans, exceptions; migration 0039), on each database: nothing younger deleted,
nothing updated, a purge past it deletes whole records with their chain entries and keeps a
record a younger one still needs, and ``verify-ledger`` names their rows edited or written
behind rxsupply's back."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from tests.conftest import CLOCK
from tests.dscsa_ledger_state import (
    OLD,
    behind_the_back,
    record_case,
    record_document,
    record_exception,
    record_verification,
)

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.services.dscsa.ledger_check import LedgerReport, verify_ledger
from rxsupply.services.dscsa.retention import PurgeReport, purge_records

LATER = FixedClock(datetime(2019, 6, 3, 15, 0, tzinfo=UTC))
SEVEN_YEARS_ON = FixedClock(datetime(2026, 4, 2, 15, 0, tzinfo=UTC))
BEFORE = date(2019, 4, 1)
TABLES = (
    "dscsa_verification",
    "dscsa_case",
    "dscsa_case_subject",
    "dscsa_case_step",
    "receipt_scan",
    "dscsa_exception",
    "dscsa_exception_step",
    "dscsa_document",
    "dscsa_record",
)


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def every_record(engine: Engine, clock: FixedClock) -> None:
    record_verification(engine, clock=clock)
    record_case(engine, clock=clock)
    record_exception(engine, clock=clock)


def purge(engine: Engine, before: date = BEFORE) -> PurgeReport:
    with SqlUnitOfWork(engine) as uow:
        return purge_records(uow, before=before, user="tester", clock=SEVEN_YEARS_ON)


def verified(engine: Engine) -> LedgerReport:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return verify_ledger(uow)


def problems(report: LedgerReport) -> list[tuple[str, str]]:
    return [(str(b["subject"]), str(b["problem"])) for b in report.breaks]


@pytest.mark.parametrize("table", TABLES[:7])
def test_a_young_row_cannot_be_deleted_even_with_sql(hospital: Engine, table: str) -> None:
    every_record(hospital, CLOCK)
    before = counts(hospital)

    with pytest.raises(DBAPIError, match="kept 6 years"), hospital.begin() as conn:
        conn.execute(text(f"DELETE FROM {table}"))

    assert counts(hospital) == before


@pytest.mark.parametrize("table", TABLES[:7])
def test_no_row_can_be_updated_however_old(hospital: Engine, table: str) -> None:
    every_record(hospital, OLD)

    with pytest.raises(DBAPIError, match="append-only"), hospital.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET id = id"))

    assert verified(hospital).ok


def test_a_purge_seven_years_on_deletes_old_cases_exceptions_and_verifications_whole(
    hospital: Engine,
) -> None:
    document = record_document(hospital, serials=("A1",), clock=OLD)
    record_exception(hospital, document=document, clock=OLD, later=(OLD, OLD))
    record_case(hospital, clock=OLD, later=(OLD,))
    record_verification(hospital, clock=OLD)
    record_verification(hospital, clock=CLOCK)

    done = purge(hospital)

    (main,) = done.facilities
    assert main.rows == {
        "exception_step": 1,
        "case_step": 1,
        "verification": 1,
        "document": 1,
        "receipt_scan": 1,
    }
    assert (main.entries, done.held) == (8, [])
    assert counts(hospital) == dict.fromkeys(TABLES, 0) | {
        "dscsa_verification": 1,
        "dscsa_record": 1,
    }
    assert verified(hospital).ok, verified(hospital).breaks


def test_a_case_with_a_step_after_the_date_is_kept_whole_and_the_purge_says_why(
    hospital: Engine,
) -> None:
    record_verification(hospital, clock=OLD)
    case = record_case(hospital, clock=OLD, later=(LATER,))
    record_verification(hospital, clock=OLD)

    done = purge(hospital)

    (main,) = done.facilities
    assert (main.entries, main.rows) == (1, {"verification": 1})
    assert done.held == [
        f"MAIN: kept from entry 2 on: case:{case} has entry 3 recorded 2019-06-03; "
        "a record is purged whole"
    ]
    assert counts(hospital)["dscsa_case_step"] == 2
    assert verified(hospital).ok


def test_an_old_document_a_younger_exception_refers_to_is_kept_with_the_reason(
    hospital: Engine,
) -> None:
    record_verification(hospital, clock=OLD)
    document = record_document(hospital, serials=("A1",), clock=OLD)
    exception = record_exception(hospital, document=document, clock=LATER)

    done = purge(hospital)

    assert done.facilities[0].rows == {"verification": 1}
    assert done.held == [
        f"MAIN: kept from entry 2 on: document:{document} is referred to by "
        f"exception:{exception}, whose entry 4 was recorded 2019-06-03; a record is purged whole"
    ]
    assert counts(hospital)["dscsa_document"] == 1
    assert verified(hospital).ok


def test_a_purge_with_nothing_old_enough_to_go_whole_deletes_nothing_and_says_why(
    hospital: Engine,
) -> None:
    document = record_document(hospital, serials=("A1",), clock=OLD)
    exception = record_exception(hospital, document=document, clock=OLD, later=(LATER,))
    before = counts(hospital)

    done = purge(hospital)

    assert done.facilities == []
    assert done.held == [
        f"MAIN: kept from entry 1 on: document:{document} is referred to by "
        f"exception:{exception}, whose entry 4 was recorded 2019-06-03; a record is purged whole"
    ]
    assert counts(hospital) == before


@pytest.mark.parametrize(
    ("insert", "subject"),
    [
        (
            "INSERT INTO dscsa_case_step (case_id, seq, kind, note, evidence_name, "
            "evidence_sha256, partner, incident, user_name, at) SELECT id, 9, 'step', 'x', '', "
            "'', '', '', 'intruder', opened_at FROM dscsa_case",
            "case:{case}:9",
        ),
        (
            "INSERT INTO dscsa_verification (facility_id, gtin, serial, lot, expiry, context, "
            "local_result, local_detail, verified, reason, corr_uuid, reference, requested_by, "
            "requested_at) SELECT facility_id, gtin, 'S2', lot, expiry, context, local_result, "
            "local_detail, verified, reason, corr_uuid, reference, 'intruder', requested_at "
            "FROM dscsa_verification",
            "verification:{next_verification}",
        ),
    ],
    ids=["case step", "verification"],
)
def test_a_row_inserted_behind_the_apps_back_is_named_unrecorded(
    hospital: Engine, insert: str, subject: str
) -> None:
    case = record_case(hospital, clock=CLOCK)
    verification = record_verification(hospital, clock=CLOCK)

    with behind_the_back(hospital) as conn:
        conn.execute(text(insert))

    named = subject.format(case=case, next_verification=verification + 1)
    assert problems(verified(hospital)) == [(named, "unrecorded")]


@pytest.mark.parametrize(
    ("edit", "subject"),
    [
        ("UPDATE dscsa_case_step SET note = 'nothing found'", "case:{case}:1"),
        ("UPDATE dscsa_verification SET verified = false", "verification:{verification}"),
        ("UPDATE dscsa_exception_step SET user_name = 'someone'", "exception_step:{step}"),
    ],
    ids=["case step", "verification", "exception step"],
)
def test_an_edited_row_is_named_altered(hospital: Engine, edit: str, subject: str) -> None:
    case = record_case(hospital, clock=CLOCK)
    verification = record_verification(hospital, clock=CLOCK)
    record_exception(hospital, clock=CLOCK)
    with hospital.connect() as conn:
        step = conn.execute(text("SELECT id FROM dscsa_exception_step")).scalar_one()

    with behind_the_back(hospital) as conn:
        conn.execute(text(edit))

    named = subject.format(case=case, verification=verification, step=step)
    assert problems(verified(hospital)) == [(named, "altered")]
