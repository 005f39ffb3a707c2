"""``verify_ledger`` on each database: an intact chain, and every way of editing the stored
records behind rxsupply's back (a row edited, a chain entry removed or forged, a document
inserted with no entry) named by its kind, subject, entry and problem."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, text
from tests.conftest import CLOCK
from tests.dscsa_ledger_state import behind_the_back, record_document
from tests.epcis_samples import read, sha256, shipment

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.clock import FixedClock
from rxsupply.domain.record_chain import GENESIS
from rxsupply.errors import InvalidValue, UnknownLocation
from rxsupply.services.dscsa.importing import import_epcis
from rxsupply.services.dscsa.ledger_check import LedgerReport, verify_ledger
from rxsupply.services.dscsa.records import append_record


def verified(engine: Engine, facility: str | None = None) -> LedgerReport:
    with SqlUnitOfWork(engine, readonly=True) as uow:
        return verify_ledger(uow, facility=facility)


def problems(report: LedgerReport) -> list[tuple[int, str, str]]:
    return [(int(b["seq"]), str(b["subject"]), str(b["problem"])) for b in report.breaks]  # type: ignore[call-overload]


def test_an_untouched_chain_is_intact_and_its_head_hash_is_the_last_entrys(
    hospital: Engine,
) -> None:
    first = record_document(hospital, serials=("A1",))
    second = record_document(hospital, serials=("B1", "B2"))

    report = verified(hospital)

    assert report.ok and report.breaks == []
    (main,) = report.facilities
    with SqlUnitOfWork(hospital, readonly=True) as uow:
        entries = list(uow.records.entries(main.facility_id))
    assert [e.subject for e in entries] == [f"document:{first}", f"document:{second}"]
    assert (main.facility, main.entries, main.head_seq) == ("MAIN", 2, 2)
    assert main.head_hash == entries[-1].hash
    assert main.as_dict()["anchor"] is None


def test_a_database_without_records_verifies_with_no_facilities(hospital: Engine) -> None:
    report = verified(hospital)

    assert report.ok
    assert report.facilities == []


def test_one_facility_is_verified_by_its_code_and_its_empty_chain_starts_at_genesis(
    hospital: Engine,
) -> None:
    report = verified(hospital, "MAIN")

    (main,) = report.facilities
    assert (main.entries, main.head_hash, main.ok) == (0, GENESIS, True)


@pytest.mark.parametrize(("code", "error"), [("NOPE", UnknownLocation), ("ICU-ADC1", InvalidValue)])
def test_a_facility_that_is_not_one_is_refused(
    hospital: Engine, code: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        verified(hospital, code)


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE dscsa_package SET lot = 'FORGED' WHERE document_id = :doc AND serial = 'S1'",
        "UPDATE dscsa_package SET serial = 'S9' WHERE document_id = :doc AND serial = 'S2'",
        "UPDATE dscsa_event SET biz_step = 'receiving' WHERE document_id = :doc",
        "UPDATE dscsa_document SET seller = 'Someone Else' WHERE id = :doc",
        "DELETE FROM dscsa_package WHERE document_id = :doc AND serial = 'S1'",
        "INSERT INTO dscsa_package (document_id, identifier, serial) "
        "VALUES (:doc, '010039876504010221S7', 'S7')",
        "INSERT INTO dscsa_event (document_id, position, type, event_time, identifiers) "
        "VALUES (:doc, 1, 'ObjectEvent', '2019-03-01T10:00:00-05:00', '[]')",
    ],
)
def test_a_row_edited_behind_the_applications_back_is_named(hospital: Engine, edit: str) -> None:
    record_document(hospital, serials=("X1",))
    edited = record_document(hospital, serials=("S1", "S2"))
    record_document(hospital, serials=("Z1",))

    with behind_the_back(hospital) as conn:
        assert conn.execute(text(edit), {"doc": edited}).rowcount >= 1
    report = verified(hospital)

    assert not report.ok
    assert problems(report) == [(2, f"document:{edited}", "altered")]
    (found,) = report.breaks
    assert found["kind"] == "document" and found["facility"] == "MAIN"
    assert "edited after it was recorded" in str(found["reason"]) or "deleted" in str(
        found["reason"]
    )


def test_a_document_deleted_whole_is_named_as_its_rows_deleted(hospital: Engine) -> None:
    gone = record_document(hospital)

    with behind_the_back(hospital) as conn:
        for table in ("dscsa_event", "dscsa_package"):
            conn.execute(text(f"DELETE FROM {table} WHERE document_id = :d"), {"d": gone})
        conn.execute(text("DELETE FROM dscsa_document WHERE id = :d"), {"d": gone})
    report = verified(hospital)

    assert problems(report) == [(1, f"document:{gone}", "altered")]
    assert report.breaks[0]["reason"] == "the rows it covers were deleted"


def test_a_chain_entry_removed_is_named_and_so_are_the_rows_it_covered(hospital: Engine) -> None:
    record_document(hospital, serials=("A1",))
    uncovered = record_document(hospital, serials=("B1",))
    after = record_document(hospital, serials=("C1",))

    with behind_the_back(hospital) as conn:
        conn.execute(text("DELETE FROM dscsa_record WHERE seq = 2"))
    report = verified(hospital)

    assert problems(report) == [
        (3, f"document:{after}", "removed"),
        (3, f"document:{after}", "relinked"),
        (0, f"document:{uncovered}", "unrecorded"),
    ]
    assert report.breaks[0]["reason"] == "entry 2 is missing before this one"


def test_the_newest_entry_removed_shows_as_its_rows_unrecorded(hospital: Engine) -> None:
    record_document(hospital, serials=("A1",))
    newest = record_document(hospital, serials=("B1",))

    with behind_the_back(hospital) as conn:
        conn.execute(text("DELETE FROM dscsa_record WHERE seq = 2"))
    report = verified(hospital)

    assert problems(report) == [(0, f"document:{newest}", "unrecorded")]


def test_a_document_inserted_behind_the_applications_back_is_named(hospital: Engine) -> None:
    record_document(hospital, serials=("A1",))

    with behind_the_back(hospital) as conn:
        conn.execute(
            text(
                "INSERT INTO dscsa_document (facility_id, file_name, sha256, epcis_version, "
                'statement_affirmed, "transaction", event_count, package_count, imported_at, '
                "imported_by) SELECT facility_id, 'forged.xml', :sha, '1.2', true, '{}', 0, 0, "
                "imported_at, 'nobody' FROM dscsa_document"
            ),
            {"sha": "f" * 64},
        )
        forged = conn.execute(
            text("SELECT id FROM dscsa_document WHERE file_name = 'forged.xml'")
        ).scalar_one()
    report = verified(hospital)

    assert problems(report) == [(0, f"document:{forged}", "unrecorded")]
    assert "no chain entry covers" in str(report.breaks[0]["reason"])


def test_a_chain_entry_forged_with_sql_is_named(hospital: Engine) -> None:
    record_document(hospital, serials=("A1",))
    target = record_document(hospital, serials=("B1",))

    with behind_the_back(hospital) as conn:
        conn.execute(text("UPDATE dscsa_record SET user_name = 'someone else' WHERE seq = 2"))
    report = verified(hospital)

    assert problems(report) == [(2, f"document:{target}", "forged")]


def test_an_entry_of_a_kind_with_no_content_function_is_a_break_not_a_pass(
    hospital: Engine,
) -> None:
    record_document(hospital, serials=("A1",))
    with SqlUnitOfWork(hospital) as uow:
        main = uow.locations.get("MAIN")
        assert main is not None and main.id is not None
        append_record(
            uow,
            facility_id=main.id,
            kind="mystery",
            subject="mystery:1",
            content={"anything": 1},
            user="tester",
            clock=FixedClock(datetime(2026, 11, 20, tzinfo=UTC)),
        )
        uow.commit()

    report = verified(hospital)

    assert problems(report) == [(2, "mystery:1", "unchecked")]
    assert report.breaks[0]["reason"] == "no way to check kind mystery"


def test_a_package_of_an_imported_epcis_document_edited_behind_the_back_is_named(
    hospital: Engine,
) -> None:
    data = shipment(serials=("S1", "S2"))
    with SqlUnitOfWork(hospital) as uow:
        imported = import_epcis(
            uow,
            document=read(data),
            file_name="shipment.xml",
            sha256=sha256(data),
            facility="MAIN",
            order=None,
            user="buyer",
            clock=CLOCK,
        )
    intact = verified(hospital)

    with behind_the_back(hospital) as conn:
        conn.execute(
            text("UPDATE dscsa_package SET expiry = :day WHERE serial = 'S2'"),
            {"day": date(2030, 1, 1)},
        )
    report = verified(hospital)

    assert intact.ok and intact.entries == 1
    assert problems(report) == [(1, f"document:{imported.id}", "altered")]
