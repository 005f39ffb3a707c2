"""``rxsupply dscsa verify-ledger`` and ``rxsupply dscsa purge`` on a SQLite file: exit 0 on an
intact chain with its head hash, exit 1 naming a record edited behind rxsupply's back; a purge
refused under six years or to anyone but an admin, and done seven years on."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from tests.conftest import EXAMPLES
from tests.dscsa_ledger_state import (
    OLD,
    behind_the_back,
    record_document,
    record_exception,
)
from tests.e2e.cli_runner import Rx

from rxsupply.adapters.database import make_engine
from rxsupply.domain.clock import FixedClock
from rxsupply.entrypoints.cli import context

PASSWORD = "long enough 1"


@pytest.fixture
def hospital(rx: Rx) -> Rx:
    for kind in ("items", "locations"):
        ran = rx("import", kind, str(EXAMPLES / f"{kind}.csv"))
        assert ran.code == 0, ran.err
    return rx


@pytest.fixture
def engine(hospital: Rx) -> Engine:
    return make_engine(f"sqlite:///{Path(hospital.db)}")


def test_an_intact_ledger_exits_0_with_each_facilitys_head_hash(
    hospital: Rx, engine: Engine
) -> None:
    record_document(engine, serials=("A1",))
    record_document(engine, serials=("B1",))
    with engine.connect() as conn:
        head = conn.execute(text("SELECT hash FROM dscsa_record WHERE seq = 2")).scalar_one()

    ran = hospital("dscsa", "verify-ledger", "--json")
    table = hospital("dscsa", "verify-ledger", "--facility", "MAIN")

    assert ran.code == 0, ran.err
    report = ran.json()
    assert report["ok"] is True and report["breaks"] == []
    (main,) = report["facilities"]
    assert (main["facility"], main["entries"], main["head_hash"]) == ("MAIN", 2, head)
    assert table.code == 0
    assert head[:20] in table.out and "intact: 2 records checked" in table.out


def test_a_record_edited_behind_the_applications_back_exits_1_naming_it(
    hospital: Rx, engine: Engine
) -> None:
    record_document(engine, serials=("A1",))
    edited = record_document(engine, serials=("B1", "B2"))
    with behind_the_back(engine) as conn:
        conn.execute(text("UPDATE dscsa_package SET serial = 'B9' WHERE serial = 'B2'"))

    ran = hospital("dscsa", "verify-ledger")
    as_json = hospital("dscsa", "verify-ledger", "--json")

    assert ran.code == 1
    assert f"MAIN entry 2 (document:{edited}): altered" in ran.message
    assert as_json.code == 1
    (found,) = as_json.json()["breaks"]
    assert (found["seq"], found["kind"], found["subject"], found["problem"]) == (
        2,
        "document",
        f"document:{edited}",
        "altered",
    )


def test_a_chain_entry_deleted_behind_the_applications_back_exits_1_naming_it(
    hospital: Rx, engine: Engine
) -> None:
    record_document(engine, serials=("A1",))
    record_document(engine, serials=("B1",))
    last = record_document(engine, serials=("C1",))
    with behind_the_back(engine) as conn:
        conn.execute(text("DELETE FROM dscsa_record WHERE seq = 2"))

    ran = hospital("dscsa", "verify-ledger")

    assert ran.code == 1
    assert f"entry 3 (document:{last}): removed, entry 2 is missing" in ran.message


def test_an_unknown_facility_exits_1(hospital: Rx) -> None:
    ran = hospital("dscsa", "verify-ledger", "--facility", "NOPE")

    assert ran.code == 1
    assert "NOPE" in ran.message


def test_a_purge_under_six_years_is_refused(hospital: Rx, engine: Engine) -> None:
    record_document(engine, clock=OLD)

    ran = hospital("dscsa", "purge", "--before", "2021-01-01", "--yes")

    assert ran.code == 1
    assert "may reach 2020-11-20 at the latest" in ran.message
    assert hospital("dscsa", "verify-ledger", "--json").json()["entries"] == 1


def test_a_purge_by_a_manager_is_refused(hospital: Rx, engine: Engine) -> None:
    record_document(engine, clock=OLD)
    for name, role in (("ada", "admin"), ("max", "manager")):
        added = hospital(
            "--user", "ada", "users", "add", name, "--role", role, "--password", PASSWORD
        )
        assert added.code == 0, added.err

    ran = hospital("--user", "max", "dscsa", "purge", "--before", "2019-04-01", "--yes")

    assert ran.code == 1
    assert "max (manager) may not purge_records" in ran.message


def test_a_purge_seven_years_on_leaves_a_ledger_that_verifies(
    hospital: Rx, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_document(engine, serials=("A1",), clock=OLD)
    record_document(engine, serials=("B1",))
    assert hospital("users", "add", "ada", "--role", "admin", "--password", PASSWORD).code == 0
    monkeypatch.setattr(context, "now", lambda: datetime(2026, 3, 2, 15, tzinfo=UTC))

    ran = hospital("--user", "ada", "dscsa", "purge", "--before", "2019-03-02", "--yes", "--json")
    after = hospital("dscsa", "verify-ledger", "--json")

    assert ran.code == 0, ran.err
    (main,) = ran.json()["facilities"]
    assert (main["entries"], main["rows"], main["anchor"]["first_seq"]) == (1, {"document": 1}, 2)
    assert after.code == 0, after.out
    assert after.json()["facilities"][0]["anchor"]["purged_by"] == "ada"


def test_a_purge_keeps_an_old_document_a_younger_exception_refers_to_and_says_why(
    hospital: Rx, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = record_document(engine, serials=("A1",), clock=OLD)
    later = FixedClock(datetime(2019, 6, 3, 15, tzinfo=UTC))
    exception = record_exception(engine, document=document, clock=later)
    assert hospital("users", "add", "ada", "--role", "admin", "--password", PASSWORD).code == 0
    monkeypatch.setattr(context, "now", lambda: datetime(2026, 3, 2, 15, tzinfo=UTC))

    ran = hospital("--user", "ada", "dscsa", "purge", "--before", "2019-04-01", "--yes")

    assert ran.code == 0, ran.err
    assert (
        f"MAIN: kept from entry 1 on: document:{document} is referred to by "
        f"exception:{exception}, whose entry 3 was recorded 2019-06-03" in ran.out
    )
    assert hospital("dscsa", "verify-ledger").code == 0


def test_a_document_inserted_behind_the_applications_back_exits_1_naming_it(
    hospital: Rx, engine: Engine
) -> None:
    record_document(engine, serials=("A1",))
    with behind_the_back(engine) as conn:
        conn.execute(
            text(
                "INSERT INTO dscsa_document (facility_id, file_name, sha256, epcis_version, "
                'statement_affirmed, "transaction", event_count, package_count, imported_at, '
                "imported_by) SELECT facility_id, 'forged.xml', :sha, '1.2', 1, '{}', 0, 0, "
                "imported_at, 'nobody' FROM dscsa_document"
            ),
            {"sha": "f" * 64},
        )

    ran = hospital("dscsa", "verify-ledger")

    assert ran.code == 1
    assert "MAIN no entry (document:2): unrecorded, stored rows no chain entry covers" in (
        ran.message
    )
