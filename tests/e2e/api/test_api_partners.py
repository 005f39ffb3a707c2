"""Trading partners over HTTP (today 2026-11-20): a buyer records the wholesaler's licence, a
technician reads the list but may not record one, a kind that does not fit is a 422 naming the
field, and a receipt from the wholesaler whose licence expired is a 409 naming it, nothing
received."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from tests.conftest import priced_storeroom
from tests.x12_samples import SENDER, invoice, ship_notice

from rxsupply.domain.users import Role

from .harness import Hospital, QuickHasher, open_hospital, problem

WHOLESALER = "Example Wholesale Drug Co"
TRAY11 = "98765040102"
LICENCE = {
    "kind": "state_wholesale_license",
    "number": "WH-004512",
    "state": "PA",
    "expires": "2026-11-19",
    "verified_on": "2026-01-15",
    "source": "PA board lookup",
}


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    priced_storeroom(hospital, {"ONDA4INJ": (400, 600)}, authorized=False)
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def test_a_licence_recorded_by_a_buyer_is_listed_and_an_expired_one_refuses_the_receipt(
    pharmacy: Hospital,
) -> None:
    buyer, tech = pharmacy.token(Role.BUYER), pharmacy.token(Role.TECHNICIAN)
    (order,) = pharmacy.api.post("/api/orders/suggest", token=buyer).json()["orders"]
    pharmacy.api.post(f"/api/orders/{order['number']}/approve", token=buyer)
    path = f"/api/trading-partners/{WHOLESALER}/authorizations"

    recorded = pharmacy.api.post(path, token=buyer, json=LICENCE)
    not_a_tech = pharmacy.api.post(path, token=tech, json=LICENCE)
    listed = pharmacy.api.get("/api/trading-partners", token=tech).json()["data"]
    one = pharmacy.api.get(f"/api/trading-partners/{recorded.json()['id']}", token=tech).json()
    receipt = pharmacy.api.post(
        f"/api/orders/{order['number']}/receipts",
        token=buyer,
        json={"product": "98765-401-02", "lot": "ON2611X", "expiry": "2028-06-30"},
    )
    after = pharmacy.api.get(f"/api/orders/{order['number']}", token=tech).json()

    assert recorded.status_code == 201
    assert recorded.json()["authorizations"][0]["verified_by"] == "buyer"
    problem(not_a_tech, 403)
    wholesaler = next(p for p in listed if p["name"] == WHOLESALER)
    assert (wholesaler["authorized"], wholesaler["checked_at_receipt"]) == (False, True)
    assert "WH-004512 (PA) expired on 2026-11-19" in wholesaler["reason"]
    assert one["name"] == WHOLESALER and len(one["authorizations"]) == 1
    refused = problem(receipt, 409)
    assert refused["type"].endswith("/partner-not-authorized")
    assert f"nothing is received from {WHOLESALER}" in refused["detail"]
    assert after["status"] == "sent"
    assert [ln["received_packages"] for ln in after["lines"]] == [0]


def test_a_kind_that_does_not_fit_the_partner_is_a_422_naming_the_field(
    pharmacy: Hospital,
) -> None:
    buyer = pharmacy.token(Role.BUYER)

    wrong = pharmacy.api.post(
        f"/api/trading-partners/{WHOLESALER}/authorizations",
        token=buyer,
        json=LICENCE | {"kind": "fda_establishment_registration", "state": "FDA"},
    )
    unknown = pharmacy.api.get("/api/trading-partners/Nobody", token=buyer)
    shown = pharmacy.api.get(f"/api/trading-partners/{WHOLESALER}", token=buyer).json()

    assert "kind" in problem(wrong, 422)["detail"]
    problem(unknown, 404)
    assert shown["authorizations"] == []


@pytest.mark.parametrize("key", ["²", "1" * 23, "no such partner"])
def test_an_odd_or_unknown_partner_key_is_a_404_not_a_500(pharmacy: Hospital, key: str) -> None:
    tech = pharmacy.token(Role.TECHNICIAN)

    answer = pharmacy.api.get(f"/api/trading-partners/{key}", token=tech)

    problem(answer, 404)


def test_a_buyer_puts_the_wholesalers_edi_id_and_a_ship_notice_from_another_sender_is_a_422(
    pharmacy: Hospital,
) -> None:
    buyer, tech = pharmacy.token(Role.BUYER), pharmacy.token(Role.TECHNICIAN)
    (order,) = pharmacy.api.post("/api/orders/suggest", token=buyer).json()["orders"]
    pharmacy.api.post(f"/api/orders/{order['number']}/approve", token=buyer)
    path = f"/api/trading-partners/{WHOLESALER}/edi-id"
    unchecked = pharmacy.api.post(
        "/api/orders/invoices",
        token=buyer,
        json={"x12": invoice(order["number"], [(TRAY11, 1, "15.00")], number="INV-1")},
    )

    put = pharmacy.api.request("PUT", path, token=buyer, json={"edi_id": SENDER})
    not_a_tech = pharmacy.api.request("PUT", path, token=tech, json={"edi_id": "OTHERWHOLESALE"})
    too_long = pharmacy.api.request("PUT", path, token=buyer, json={"edi_id": "EXAMPLEWHOLESALE1"})
    refused = pharmacy.api.post(
        "/api/orders/ship-notices",
        token=buyer,
        json={
            "x12": ship_notice(order["number"], [(TRAY11, "L1", "20280630", 1)], sender="OTHERCO")
        },
    )
    listed = pharmacy.api.get("/api/trading-partners", token=tech).json()["data"]

    assert unchecked.status_code == 201
    assert unchecked.json()["warnings"] == [
        f"the sender was not checked: {WHOLESALER}, the wholesaler of order {order['number']}, "
        f"has no EDI id on file (the document's ISA06 is '{SENDER}')"
    ]
    assert (put.status_code, put.json()["edi_id"]) == (200, SENDER)
    problem(not_a_tech, 403)
    assert problem(too_long, 422)["field"] == "edi_id"
    said = problem(refused, 422)
    assert (said["where"], said["rule"]) == ("ISA06", "sender")
    assert "sent by 'OTHERCO'" in said["detail"] and f"on file is '{SENDER}'" in said["detail"]
    assert next(p for p in listed if p["name"] == WHOLESALER)["edi_id"] == SENDER
