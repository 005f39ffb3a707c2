"""The DSCSA records over HTTP: a compliance officer reads every chain verified with its head
hash and sees a record edited behind rxsupply's back named; a technician may not; a purge is
refused to everyone under six years (an admin included) and to anyone but an admin, and works
seven years on with the chain still intact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text
from tests.dscsa_ledger_state import (
    OLD,
    behind_the_back,
    record_document,
)

from rxsupply.domain.users import Role
from rxsupply.entrypoints import clock

from .harness import Hospital, QuickHasher, open_hospital, problem


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def test_a_compliance_officer_sees_the_chain_intact_then_a_record_edited_named(
    pharmacy: Hospital,
) -> None:
    auditor = pharmacy.token(Role.COMPLIANCE)
    record_document(pharmacy.engine, serials=("A1",))
    edited = record_document(pharmacy.engine, serials=("B1",))

    intact = pharmacy.api.get("/api/dscsa/ledger", token=auditor).json()
    with behind_the_back(pharmacy.engine) as conn:
        conn.execute(
            text("UPDATE dscsa_event SET disposition = 'active' WHERE document_id = :d"),
            {"d": edited},
        )
    altered = pharmacy.api.get("/api/dscsa/ledger", token=auditor, params={"facility": "MAIN"})
    refused = pharmacy.api.get("/api/dscsa/ledger", token=pharmacy.token(Role.TECHNICIAN))

    assert intact["ok"] is True and intact["entries"] == 2
    assert len(intact["facilities"][0]["head_hash"]) == 64
    assert altered.status_code == 200
    assert altered.json()["ok"] is False
    assert [(b["seq"], b["subject"], b["problem"]) for b in altered.json()["breaks"]] == [
        (2, f"document:{edited}", "altered")
    ]
    problem(refused, 403)


def test_an_unknown_facility_is_a_404(pharmacy: Hospital) -> None:
    answer = pharmacy.api.get(
        "/api/dscsa/ledger", token=pharmacy.token(Role.ADMIN), params={"facility": "NOPE"}
    )

    problem(answer, 404)


def test_a_purge_under_six_years_is_refused_even_to_an_admin_and_deletes_nothing(
    pharmacy: Hospital,
) -> None:
    record_document(pharmacy.engine, clock=OLD)
    admin = pharmacy.token(Role.ADMIN)

    young = pharmacy.api.post("/api/dscsa/purge", token=admin, json={"before": "2021-01-01"})
    manager = pharmacy.api.post(
        "/api/dscsa/purge", token=pharmacy.token(Role.MANAGER), json={"before": "2019-04-01"}
    )

    assert "kept 6 years" in problem(young, 422)["detail"]
    problem(manager, 403)
    assert pharmacy.api.get("/api/dscsa/ledger", token=admin).json()["entries"] == 1


def test_a_purge_seven_years_on_deletes_the_old_records_and_the_ledger_verifies(
    pharmacy: Hospital, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_document(pharmacy.engine, serials=("A1",), clock=OLD)
    record_document(pharmacy.engine, serials=("B1",))
    admin = pharmacy.token(Role.ADMIN)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 2, 15, tzinfo=UTC))

    done = pharmacy.api.post("/api/dscsa/purge", token=admin, json={"before": "2019-03-02"})
    after = pharmacy.api.get("/api/dscsa/ledger", token=admin).json()

    assert done.status_code == 200, done.text
    assert done.json()["entries"] == 1
    assert after["ok"] is True
    assert after["facilities"][0]["anchor"]["purged_by"] == "admin"
