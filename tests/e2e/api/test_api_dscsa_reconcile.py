"""Reconciliation at receipt over HTTP (today 2026-11-20): trays received against an order
with their serials, the seller's EPCIS document imported; the GET shows the four groups and
writes nothing, the POST opens the exceptions (once), a technician marks one
seller contacted and resolves it; a compliance officer reads but may not; a resolution without
a note is a 422, a step on a resolved exception a 409, an unknown exception a 404."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import priced_storeroom
from tests.dscsa_shipments import GTIN, ship

from rxsupply.domain.users import Role

from .harness import Hospital, QuickHasher, open_hospital, problem

FAR = date(2028, 6, 30)


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    priced_storeroom(hospital, {"ONDA4INJ": (400, 600)})
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def scanned_order(pharmacy: Hospital) -> str:
    """A sent order, the document for S1 and S2, S1 scanned and S5 scanned (not in it)."""
    buyer = pharmacy.token(Role.BUYER)
    (order,) = pharmacy.api.post("/api/orders/suggest", token=buyer).json()["orders"]
    number = str(order["number"])
    pharmacy.api.post(f"/api/orders/{number}/approve", token=buyer)
    ship(pharmacy.engine, number, [("S1", "ON1", FAR), ("S2", "ON1", FAR)])
    for serial in ("S1", "S5"):
        answer = pharmacy.api.post(
            f"/api/orders/{number}/receipts",
            token=buyer,
            json={"product": GTIN, "lot": "ON1", "expiry": "2028-06-30", "serial": serial},
        )
        assert answer.status_code == 201, answer.text
    return number


def test_the_reconciliation_is_shown_then_reconciled_and_an_exception_taken_to_resolved(
    pharmacy: Hospital,
) -> None:
    number = scanned_order(pharmacy)
    tech, auditor = pharmacy.token(Role.TECHNICIAN), pharmacy.token(Role.COMPLIANCE)
    buyer = pharmacy.token(Role.BUYER)
    path = f"/api/dscsa/reconciliation/{number}"

    shown = pharmacy.api.get(path, token=auditor).json()
    not_an_auditor = pharmacy.api.post(path, token=auditor)
    first = pharmacy.api.post(path, token=tech).json()
    again = pharmacy.api.post(path, token=tech).json()
    listed = pharmacy.api.get(
        "/api/dscsa/exceptions", token=auditor, params={"open": "true", "order": number}
    ).json()["data"]
    missing = next(e for e in listed if e["kind"] == "missing")
    steps = f"/api/dscsa/exceptions/{missing['id']}/steps"
    contacted = pharmacy.api.post(
        steps, token=tech, json={"step": "seller_contacted", "note": "asked"}
    )
    not_a_buyer = pharmacy.api.post(steps, token=tech, json={"step": "resolved", "note": "x"})
    no_note = pharmacy.api.post(steps, token=buyer, json={"step": "resolved", "note": ""})
    resolved = pharmacy.api.post(
        steps, token=buyer, json={"step": "resolved", "note": "short-shipped: credit issued"}
    )
    once_more = pharmacy.api.post(steps, token=buyer, json={"step": "resolved", "note": "x"})
    one = pharmacy.api.get(f"/api/dscsa/exceptions/{missing['id']}", token=auditor).json()

    assert shown["counts"] == {
        "matched": 1,
        "missing": 1,
        "unexpected": 1,
        "mismatched": 0,
        "unconfirmed": 0,
        "duplicates": 0,
    }
    assert shown["exceptions"] == [] and len(shown["documents"]) == 1
    problem(not_an_auditor, 403)
    assert len(first["opened"]) == 2 and again["opened"] == [] and again["open_exceptions"] == 2
    assert sorted(e["kind"] for e in listed) == ["missing", "unexpected"]
    assert missing["identifier"] == f"01{GTIN}21S2" and missing["state"] == "open"
    assert contacted.status_code == 201 and contacted.json()["state"] == "seller_contacted"
    assert "note" in problem(no_note, 422)["detail"]
    assert not_a_buyer.status_code == 403
    assert resolved.status_code == 201 and resolved.json()["state"] == "resolved"
    assert "resolved already" in problem(once_more, 409)["detail"]
    assert [s["state"] for s in one["steps"]] == ["open", "seller_contacted", "resolved"]


def test_an_unknown_order_or_exception_is_a_404(pharmacy: Hospital) -> None:
    viewer = pharmacy.token(Role.COMPLIANCE)

    order = pharmacy.api.get("/api/dscsa/reconciliation/PO999999", token=viewer)
    exception = pharmacy.api.get("/api/dscsa/exceptions/999", token=viewer)

    problem(order, 404)
    problem(exception, 404)


def test_a_receipt_answers_the_packages_it_put_on_hold_with_the_reason(
    pharmacy: Hospital,
) -> None:
    buyer, tech = pharmacy.token(Role.BUYER), pharmacy.token(Role.TECHNICIAN)
    (order,) = pharmacy.api.post("/api/orders/suggest", token=buyer).json()["orders"]
    number = str(order["number"])
    pharmacy.api.post(f"/api/orders/{number}/approve", token=buyer)
    ship(pharmacy.engine, number, [("S1", "ON1", FAR), ("S2", "ON2", FAR)], unlotted=["ON2"])

    def receive(serial: str, lot: str) -> dict[str, Any]:
        answer = pharmacy.api.post(
            f"/api/orders/{number}/receipts",
            token=tech,
            json={"product": GTIN, "lot": lot, "expiry": "2028-06-30", "serial": serial},
        )
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    held = receive("S2", "ON2")
    usable = receive("S1", "ON1")

    (package,) = held["held"]
    reason = package.pop("reason")
    assert package == {
        "gtin": GTIN,
        "serial": "S2",
        "lot": "ON2",
        "status": "quarantined",
        "location": "MAIN-STORE",
    }
    assert "(lot_expiry_missing) of order" in reason and "received by tech" in reason
    assert usable["held"] == [] and usable["found"] == []
