"""Concurrent receipts and dispenses are written in batches, each with its own answer.

The API's clock is pinned at ``NOW``: picking takes only stock not expired on the facility's
day, and the example lots expire from 01/31/2027."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select
from tests.conftest import NOW

from rxsupply.adapters import tables
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.limits import LedgerLimits
from rxsupply.domain.users import Permission, Role
from rxsupply.entrypoints import clock
from rxsupply.entrypoints.api import writer as writer_module
from rxsupply.entrypoints.api.movements import UNSET
from rxsupply.entrypoints.api.writer import LedgerWriter
from rxsupply.entrypoints.http.security import Deferred
from rxsupply.services import ledger

from .harness import ITEM, LOCATION, STOREROOM, Hospital, QuickHasher, open_hospital, problem


@pytest.fixture
def pharmacy(hospital: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hospital]:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def dispense(quantity: int, external_id: str, location: str = LOCATION) -> dict[str, Any]:
    return {"location": location, "item": ITEM, "quantity": quantity, "external_id": external_id}


def receipt(lot: str) -> dict[str, Any]:
    return {
        "location": STOREROOM,
        "product": "98765-401-02",
        "lot": lot,
        "expiry": "2031-01-31",
        "quantity": 25,
        "external_id": f"po-{lot}",
    }


def test_concurrent_writes_share_batches_and_each_gets_its_own_answer(
    pharmacy: Hospital,
) -> None:
    tech, buyer = pharmacy.token(Role.TECHNICIAN), pharmacy.token(Role.BUYER)
    auditor = pharmacy.token(Role.COMPLIANCE)
    before = pharmacy.on_hand(location=LOCATION)
    sent: list[tuple[str, str, str | None, Any]] = [
        *(("POST", "/api/dispenses", tech, dispense(1, f"e-{n}")) for n in range(12)),
        ("POST", "/api/dispenses", tech, dispense(500, "e-short")),
        ("POST", "/api/dispenses", tech, dispense(1, "e-nowhere", location="NOWHERE")),
        *(("POST", "/api/receipts", buyer, receipt(f"B{n}")) for n in range(3)),
        ("POST", "/api/dispenses", "rxs_not-a-token", dispense(1, "e-stranger")),
        ("POST", "/api/dispenses", auditor, dispense(1, "e-auditor")),
        # the same receipt sent again at the same moment: which of the two lands first is the
        # race's, and the other is answered as a duplicate
        ("POST", "/api/receipts", buyer, receipt("B0")),
    ]

    answers = pharmacy.api.concurrently(sent)

    assert [a.status_code for a in answers] == [201] * 12 + [409, 404] + [201] * 3 + [
        401,
        403,
        201,
    ]
    assert [a.json()["duplicate"] for a in answers[:12]] == [False] * 12
    assert "only" in problem(answers[12], 409)["detail"]
    assert "token" in problem(answers[17], 401)["detail"]
    assert "compliance" in problem(answers[18], 403)["detail"]
    assert sorted(answers[i].json()["duplicate"] for i in (14, len(sent) - 1)) == [False, True]
    again = pharmacy.api.post("/api/receipts", token=tech, json=receipt("B0"))  # another user
    assert (again.status_code, again.json()["duplicate"]) == (201, True)
    writer: LedgerWriter = pharmacy.app.state.writer
    assert writer.largest > 1
    assert writer.batches < len(sent)
    assert pharmacy.on_hand(location=LOCATION) == before - 12
    with pharmacy.engine.connect() as conn:
        audited = conn.execute(
            select(tables.audit.c.user_name, tables.audit.c.action).where(
                tables.audit.c.entity == "stock"
            )
        ).all()
    assert sorted(audited) == sorted([("technician", "dispense")] * 12 + [("buyer", "receipt")] * 3)


def test_an_external_id_too_long_for_the_ledger_is_a_422_naming_it(pharmacy: Hospital) -> None:
    tech = pharmacy.token(Role.TECHNICIAN)

    answer = pharmacy.api.post("/api/dispenses", token=tech, json=dispense(1, "x" * 117))

    assert "external_id" in str(problem(answer, 422))


def test_when_the_commit_itself_fails_the_batch_is_not_posted_again(
    pharmacy: Hospital, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def commit_fails(uow: SqlUnitOfWork, requests: Any, limits: LedgerLimits) -> Any:
        calls.append(len(requests))
        uow.committing = True
        raise RuntimeError("connection lost during COMMIT")

    monkeypatch.setattr(writer_module, "_post", commit_fails)
    who = Deferred(Permission.DISPENSE, user=pharmacy.user(Role.TECHNICIAN))
    # the writer puts the caller's name in place of UNSET
    command = ledger.Dispense(user=UNSET, location=LOCATION, item=ITEM, quantity=1)
    requests = [(command, who) for _ in range(3)]

    outcomes = LedgerWriter(pharmacy.engine)._write(requests)

    assert calls == [3]  # not again one by one: it may have been written
    assert [type(o) for o in outcomes] == [RuntimeError] * 3


def test_a_failing_batch_is_posted_again_one_by_one(
    pharmacy: Hospital, monkeypatch: pytest.MonkeyPatch
) -> None:
    tech = pharmacy.token(Role.TECHNICIAN)
    writer: LedgerWriter = pharmacy.app.state.writer
    real = writer._batch

    def fails_when_many(requests: Any, tried: Any) -> Any:
        if len(requests) > 1:
            raise RuntimeError("the database went away")
        return real(requests, tried)

    monkeypatch.setattr(writer, "_batch", fails_when_many)
    sent: list[tuple[str, str, str | None, Any]] = [
        ("POST", "/api/dispenses", tech, dispense(1, f"f-{n}")) for n in range(6)
    ]

    answers = pharmacy.api.concurrently(sent)

    assert [a.status_code for a in answers] == [201] * 6
    assert writer.largest > 1
