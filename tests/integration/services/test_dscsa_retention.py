"""The six-year retention of DSCSA records on each database: nothing younger is deleted, by
the application or with SQL; a purge past it (an admin, a clock seven years on) deletes whole
documents with their chain entries, anchors what remains, and the chain still verifies."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from tests.conftest import CLOCK
from tests.dscsa_ledger_state import (
    OLD,
    behind_the_back,
    record_document,
)

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.users import Role, User
from rxsupply.errors import InvalidValue, PermissionDenied, PurgeRefused
from rxsupply.services.dscsa.ledger_check import verify_ledger
from rxsupply.services.dscsa.retention import PurgeReport, purge_records

LATER = FixedClock(datetime(2019, 6, 3, 15, 0, tzinfo=UTC))
SEVEN_YEARS_ON = FixedClock(datetime(2026, 4, 2, 15, 0, tzinfo=UTC))


def counts(engine: Engine) -> dict[str, int]:
    tables = ("dscsa_record", "dscsa_document", "dscsa_package", "dscsa_event")
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}


def purge(engine: Engine, before: date, clock: FixedClock = SEVEN_YEARS_ON) -> PurgeReport:
    with SqlUnitOfWork(engine) as uow:
        done = purge_records(uow, before=before, user="tester", clock=clock)
        uow.commit()
    return done


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM dscsa_record",
        "DELETE FROM dscsa_document",
        "DELETE FROM dscsa_package",
        "DELETE FROM dscsa_event",
    ],
)
def test_a_record_younger_than_six_years_cannot_be_deleted_even_with_sql(
    hospital: Engine, statement: str
) -> None:
    record_document(hospital, clock=CLOCK)
    before = counts(hospital)

    with pytest.raises(DBAPIError, match="kept 6 years"), hospital.begin() as conn:
        conn.execute(text(statement))

    assert counts(hospital) == before


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE dscsa_record SET user_name = 'someone else'",
        "UPDATE dscsa_document SET seller = 'someone else'",
        "UPDATE dscsa_package SET lot = 'X'",
        "UPDATE dscsa_event SET biz_step = 'receiving'",
    ],
)
def test_no_record_can_be_updated_however_old(hospital: Engine, statement: str) -> None:
    record_document(hospital, clock=OLD)

    with pytest.raises(DBAPIError, match="append-only"), hospital.begin() as conn:
        conn.execute(text(statement))

    assert verify_ledger_ok(hospital)


def verify_ledger_ok(engine: Engine) -> bool:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return verify_ledger(uow).ok


def test_a_purge_seven_years_on_deletes_the_old_documents_and_the_chain_still_verifies(
    hospital: Engine,
) -> None:
    old = record_document(hospital, serials=("A1", "A2"), clock=OLD)
    kept = record_document(hospital, serials=("B1",), clock=LATER)
    recent = record_document(hospital, serials=("C1",), clock=CLOCK)

    done = purge(hospital, date(2019, 4, 1))

    (main,) = done.facilities
    assert (main.facility, main.entries, main.rows) == ("MAIN", 1, {"document": 1})
    assert (main.anchor.first_seq, main.anchor.purged_by) == (2, "tester")
    assert counts(hospital) == {
        "dscsa_record": 2,
        "dscsa_document": 2,
        "dscsa_package": 2,
        "dscsa_event": 2,
    }
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        report = verify_ledger(uow)
        subjects = [e.subject for e in uow.records.entries(main.facility_id)]
    assert report.ok, report.breaks
    assert subjects == [f"document:{kept}", f"document:{recent}"]
    (facility,) = report.facilities
    assert (facility.first_seq, facility.head_seq) == (2, 3)
    assert facility.anchor == main.anchor
    assert old not in (kept, recent)


def test_the_chain_goes_on_after_a_purge(hospital: Engine) -> None:
    record_document(hospital, serials=("A1",), clock=OLD)
    record_document(hospital, serials=("B1",), clock=LATER)
    purge(hospital, date(2019, 4, 1))

    record_document(hospital, serials=("C1",), clock=CLOCK)

    assert verify_ledger_ok(hospital)


def test_a_purge_keeps_the_newest_entry_so_the_chain_goes_on_from_it(hospital: Engine) -> None:
    record_document(hospital, serials=("A1",), clock=OLD)
    newest = record_document(hospital, serials=("B1",), clock=OLD)

    done = purge(hospital, date(2019, 4, 1))

    assert done.facilities[0].entries == 1
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        assert [e.subject for e in uow.records.entries(done.facilities[0].facility_id)] == [
            f"document:{newest}"
        ]
    record_document(hospital, serials=("C1",), clock=CLOCK)
    assert verify_ledger_ok(hospital)


def test_a_purge_younger_than_six_years_is_refused_and_deletes_nothing(hospital: Engine) -> None:
    record_document(hospital, clock=OLD)
    before = counts(hospital)

    with pytest.raises(InvalidValue, match="kept 6 years"):
        purge(hospital, date(2026, 11, 1), clock=CLOCK)

    assert counts(hospital) == before


def test_a_purge_of_a_chain_with_breaks_is_refused_and_deletes_nothing(hospital: Engine) -> None:
    first = record_document(hospital, serials=("A1",), clock=OLD)
    record_document(hospital, serials=("B1",), clock=LATER)
    with behind_the_back(hospital) as conn:
        conn.execute(
            text("UPDATE dscsa_package SET lot = 'X' WHERE document_id = :d"), {"d": first}
        )
    before = counts(hospital)

    with pytest.raises(PurgeRefused, match=f"entry 1 \\(document:{first}: altered\\)"):
        purge(hospital, date(2019, 4, 1))

    assert counts(hospital) == before


def test_a_purge_by_anyone_but_an_admin_is_refused(hospital: Engine) -> None:
    record_document(hospital, clock=OLD)
    with SqlUnitOfWork(hospital) as uow:
        for name, role in (("boss", Role.ADMIN), ("mgr", Role.MANAGER)):
            uow.users.add(User(name, name, role), "x", CLOCK.now())
        uow.commit()
    before = counts(hospital)

    refused = pytest.raises(PermissionDenied, match="mgr \\(manager\\) may not purge_records")
    with refused, SqlUnitOfWork(hospital) as uow:
        purge_records(uow, before=date(2019, 4, 1), user="mgr", clock=SEVEN_YEARS_ON)

    assert counts(hospital) == before
