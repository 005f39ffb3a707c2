"""Purchase orders over HTTP: a buyer suggests the storeroom's order, is refused the approval
while a Schedule II line lacks its DEA Form 222 number, records it, approves (the answer
carries the CSV and the X12 850), and a technician may only read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from tests.conftest import priced_storeroom

from rxsupply.domain.users import Role

from .harness import Hospital, QuickHasher, open_hospital, problem


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    priced_storeroom(hospital, {"ONDA4INJ": (400, 600), "MORPH2INJ": (100, 120)})
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def test_a_buyer_suggests_records_the_222_number_and_sends_the_order(pharmacy: Hospital) -> None:
    buyer, tech = pharmacy.token(Role.BUYER), pharmacy.token(Role.TECHNICIAN)

    suggested = pharmacy.api.post("/api/orders/suggest", token=buyer).json()
    (order,) = suggested["orders"]
    number = order["number"]
    morphine = next(ln for ln in order["lines"] if ln["schedule"] == "CII")
    refused = pharmacy.api.post(f"/api/orders/{number}/approve", token=buyer)
    recorded = pharmacy.api.post(
        f"/api/orders/{number}/dea",
        token=buyer,
        json={"line": morphine["line"], "number": "261234567"},
    )
    not_a_tech = pharmacy.api.post(f"/api/orders/{number}/approve", token=tech)
    sent = pharmacy.api.post(f"/api/orders/{number}/approve", token=buyer).json()
    listed = pharmacy.api.get("/api/orders", token=tech, params={"status": "sent"}).json()

    assert "DEA Form 222" in problem(refused, 409)["detail"]
    assert recorded.status_code == 200
    problem(not_a_tech, 403)
    assert (sent["status"], sent["approved_by"]) == ("sent", "buyer")
    assert sent["csv"].startswith("po_number,line,ndc,ndc11,")
    assert "REF*ZZ*261234567~" in sent["x12_850"]
    assert [o["number"] for o in listed["data"]] == [number]
