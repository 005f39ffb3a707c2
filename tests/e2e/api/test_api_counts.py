"""Cycle counts over HTTP: the sheet and the API hide the expected quantity until the count is
submitted; a manager approves and posts, once; a controlled count is refused without a
witness other than the counter (who signs in with their password), with nothing written; the
perpetual and biennial inventories."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from rxsupply.domain.users import Role

from .harness import PASSWORD, Hospital, open_hospital, problem


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    with open_hospital(hospital) as opened:  # argon2: a witness signs in with a password
        yield opened


def start(pharmacy: Hospital, location: str, item: str) -> dict[str, Any]:
    tech = pharmacy.token(Role.TECHNICIAN)
    started = pharmacy.api.post(
        "/api/counts", token=tech, json={"location": location, "items": [item]}
    )
    assert started.status_code == 201, started.text
    body: dict[str, Any] = started.json()
    return body


def test_a_count_is_blind_until_submitted_then_approved_and_posted_once(
    pharmacy: Hospital,
) -> None:
    tech, manager = pharmacy.token(Role.TECHNICIAN), pharmacy.token(Role.MANAGER)
    count = start(pharmacy, "MAIN-STORE", "ONDA4INJ")
    number = count["number"]
    counted = {ln["id"]: {"ON2411A": 200, "ON2502B": 100}[ln["lot"]] for ln in count["lines"]}

    entered = pharmacy.api.post(
        f"/api/counts/{number}/counted", token=tech, json={"counted": counted}
    ).json()
    shown_open = pharmacy.api.get(f"/api/counts/{number}", token=manager).json()
    submitted = pharmacy.api.post(f"/api/counts/{number}/submit", token=tech, json={}).json()
    not_yet = pharmacy.api.post(
        f"/api/counts/{number}/post", token=manager, json={"reason": "miscount"}
    )
    not_a_tech = pharmacy.api.post(f"/api/counts/{number}/approve", token=tech)
    approved = pharmacy.api.post(f"/api/counts/{number}/approve", token=manager)
    posted = pharmacy.api.post(
        f"/api/counts/{number}/post", token=manager, json={"reason": "unrecorded-dispense"}
    )
    twice = pharmacy.api.post(
        f"/api/counts/{number}/post", token=manager, json={"reason": "miscount"}
    )

    for shown in (count, entered, shown_open):
        assert all("expected" not in ln and "variance" not in ln for ln in shown["lines"])
    lines = {ln["lot"]: ln for ln in submitted["lines"]}
    assert (lines["ON2411A"]["expected"], lines["ON2411A"]["variance"]) == (250, -50)
    assert lines["ON2411A"]["variance_value"] == "-37.50"
    assert lines["ON2411A"]["needs_approval"] == "50 units (more than 20)"
    assert "approval" in problem(not_yet, 409)["detail"]
    problem(not_a_tech, 403)
    assert approved.json()["approved_by"] == "manager"
    assert posted.json()["status"] == "posted"
    problem(twice, 409)
    assert pharmacy.on_hand(location="MAIN-STORE") == 300


def test_a_controlled_count_without_a_distinct_witness_is_refused_and_writes_nothing(
    pharmacy: Hospital,
) -> None:
    tech = pharmacy.token(Role.TECHNICIAN)
    pharmacy.token(Role.MANAGER)  # the witness's account
    count = start(pharmacy, "ICU-ADC1", "MORPH2INJ")
    number = count["number"]
    (line,) = count["lines"]
    pharmacy.api.post(
        f"/api/counts/{number}/counted", token=tech, json={"counted": {line["id"]: 15}}
    )

    alone = pharmacy.api.post(f"/api/counts/{number}/submit", token=tech, json={})
    self_witness = pharmacy.api.post(
        f"/api/counts/{number}/submit",
        token=tech,
        json={"witness": "technician", "witness_password": PASSWORD},
    )
    wrong_password = pharmacy.api.post(
        f"/api/counts/{number}/submit",
        token=tech,
        json={"witness": "manager", "witness_password": "not it at all"},
    )
    still = pharmacy.api.get(f"/api/counts/{number}", token=tech).json()
    witnessed = pharmacy.api.post(
        f"/api/counts/{number}/submit",
        token=tech,
        json={"witness": "manager", "witness_password": PASSWORD},
    )

    assert "two people" in problem(alone, 409)["detail"]
    assert "other than the counter" in problem(self_witness, 409)["detail"]
    problem(wrong_password, 403)
    assert (still["status"], still["witness"], still["counter"]) == ("open", "", "")
    assert (witnessed.json()["status"], witnessed.json()["witness"]) == ("submitted", "manager")


def test_due_perpetual_and_biennial_answer_json(pharmacy: Hospital) -> None:
    auditor = pharmacy.token(Role.COMPLIANCE)

    due = pharmacy.api.get("/api/counts/due", token=auditor, params={"location": "ICU-ADC1"})
    perpetual = pharmacy.api.get(
        "/api/controlled/perpetual", token=auditor, params={"location": "MAIN-STORE"}
    )
    biennial = pharmacy.api.get("/api/controlled/biennial", token=auditor).json()

    assert {r["item"] for r in due.json()["data"]} == {"ONDA4INJ", "MORPH2INJ", "APAP325TAB"}
    assert [(r["quantity"], r["balance"]) for r in perpetual.json()["data"]] == [(60, 60)]
    assert [(r["location"], r["units"]) for r in biennial["schedule_ii"]] == [
        ("ICU-ADC1-P02", 15),
        ("MAIN-STORE", 60),
    ]


def test_a_count_is_cancelled_with_its_reason_and_the_stock_counted_again(
    pharmacy: Hospital,
) -> None:
    tech, manager = pharmacy.token(Role.TECHNICIAN), pharmacy.token(Role.MANAGER)
    first = start(pharmacy, "MAIN-STORE", "APAP325TAB")["number"]
    held = pharmacy.api.post(
        "/api/counts", token=tech, json={"location": "MAIN-STORE", "items": ["APAP325TAB"]}
    )
    cancelled = pharmacy.api.post(
        f"/api/counts/{first}/cancel", token=tech, json={"reason": "wrong shelf"}
    )
    recount = start(pharmacy, "MAIN-STORE", "APAP325TAB")
    counted = {ln["id"]: 2000 for ln in recount["lines"]}
    pharmacy.api.post(
        f"/api/counts/{recount['number']}/submit", token=tech, json={"counted": counted}
    )
    by_tech = pharmacy.api.post(
        f"/api/counts/{recount['number']}/cancel", token=tech, json={"reason": "again"}
    )
    by_manager = pharmacy.api.post(
        f"/api/counts/{recount['number']}/cancel", token=manager, json={"reason": "again"}
    )

    assert first in problem(held, 409)["detail"]
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert "a manager cancels it" in problem(by_tech, 403)["detail"]
    assert by_manager.status_code == 200 and by_manager.json()["status"] == "cancelled"
    assert pharmacy.on_hand(location="MAIN-STORE", item="APAP325TAB") == 2000  # none posted
