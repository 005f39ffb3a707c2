"""Transfers and putaway over HTTP: a technician requests, picks and ships a transfer, a
manager receives it short; cancelling after shipping and receiving twice are refused; a lot
on the storeroom's floor is put away into a bin; an auditor only reads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from tests.conftest import TESTER, post

from rxsupply.domain.status import StockStatus
from rxsupply.domain.users import Role
from rxsupply.services.ledger import SetStatus

from .harness import Hospital, QuickHasher, open_hospital, problem
from .logistics_values import WALK_BIN, floor_lot


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def test_a_transfer_over_the_api_from_request_to_a_short_receipt(pharmacy: Hospital) -> None:
    tech, manager = pharmacy.token(Role.TECHNICIAN), pharmacy.token(Role.MANAGER)
    body = {"from_location": "MAIN-STORE", "to_location": "OR-SAT", "item": "ONDA4INJ"}

    requested = pharmacy.api.post(
        "/api/transfers/request", token=tech, json=body | {"quantity": 20}
    )
    number = requested.json()["number"]
    picked = pharmacy.api.post(f"/api/transfers/{number}/pick", token=tech).json()
    shipped = pharmacy.api.post(f"/api/transfers/{number}/ship", token=tech).json()
    cancel = pharmacy.api.post(
        f"/api/transfers/{number}/cancel", token=manager, json={"reason": "late"}
    )
    received = pharmacy.api.post(
        f"/api/transfers/{number}/receive", token=manager, json={"quantity": 19}
    ).json()
    again = pharmacy.api.post(f"/api/transfers/{number}/receive", token=manager, json={})
    listed = pharmacy.api.get("/api/transfers", token=tech, params={"status": "received"})
    shown = pharmacy.api.get(f"/api/transfers/{number}", token=tech).json()

    assert requested.status_code == 201
    assert [(ln["lot"], ln["quantity"]) for ln in picked["lines"]] == [("ON2411A", 20)]
    assert (shipped["status"], shipped["shipped_by"]) == ("in_transit", "technician")
    assert "has shipped" in problem(cancel, 409)["detail"]
    assert (received["received"], received["short"], received["received_by"]) == (19, 1, "manager")
    assert "is received" in problem(again, 409)["detail"]
    assert [t["number"] for t in listed.json()["data"]] == [number]
    assert shown["lines"][0]["received"] == 19


def test_a_pick_never_takes_quarantined_stock(pharmacy: Hospital) -> None:
    tech = pharmacy.token(Role.TECHNICIAN)
    for lot, ndc in (("ON2411A", "98765-401-02"), ("ON2502B", "98765-402-10")):
        post(
            pharmacy.engine,
            SetStatus(
                user=TESTER, product=ndc, lot=lot, status=StockStatus.QUARANTINED, reason="heat"
            ),
        )
    body = {"from_location": "MAIN-STORE", "to_location": "OR-SAT", "item": "ONDA4INJ"}
    number = pharmacy.api.post(
        "/api/transfers/request", token=tech, json=body | {"quantity": 1}
    ).json()["number"]

    refused = pharmacy.api.post(f"/api/transfers/{number}/pick", token=tech)

    assert "expired or blocked" in problem(refused, 409)["detail"]


def test_putaway_over_the_api_and_an_auditor_only_reads(pharmacy: Hospital) -> None:
    tech, auditor = pharmacy.token(Role.TECHNICIAN), pharmacy.token(Role.COMPLIANCE)
    body = floor_lot(pharmacy)

    floor = pharmacy.api.get("/api/putaway", token=auditor).json()["data"]
    done = pharmacy.api.post("/api/putaway", token=tech, json=body)
    not_allowed = pharmacy.api.post("/api/putaway", token=auditor, json=body)
    after = pharmacy.api.get("/api/putaway", token=tech).json()["data"]

    assert {(r["lot"], r["quantity"]) for r in floor} >= {(body["lot"], 1)}
    assert done.status_code == 200, done.text
    assert done.json()["movements"][0]["kind"] == "transfer"
    problem(not_allowed, 403)
    assert body["lot"] not in {r["lot"] for r in after}
    assert body["to_bin"] == WALK_BIN


@pytest.mark.parametrize("quantity", [-1, 99999999999999999999])
def test_a_request_for_a_negative_or_huge_quantity_is_refused_and_nothing_is_written(
    pharmacy: Hospital, quantity: int
) -> None:
    tech = pharmacy.token(Role.TECHNICIAN)
    body = {"from_location": "MAIN-STORE", "to_location": "OR-SAT", "item": "ONDA4INJ"}

    refused = pharmacy.api.post(
        "/api/transfers/request", token=tech, json=body | {"quantity": quantity}
    )
    listed = pharmacy.api.get("/api/transfers", token=tech)

    assert problem(refused, 422)["field"] == "quantity"
    assert listed.json()["data"] == []


@pytest.mark.parametrize("number", ["²", "99999999999999999999"])
def test_a_transfer_number_that_is_no_id_is_not_found(pharmacy: Hospital, number: str) -> None:
    tech = pharmacy.token(Role.TECHNICIAN)

    shown = pharmacy.api.get(f"/api/transfers/{number}", token=tech)
    picked = pharmacy.api.post(f"/api/transfers/{number}/pick", token=tech)

    assert "transfer" in problem(shown, 404)["detail"]
    assert "transfer" in problem(picked, 404)["detail"]
