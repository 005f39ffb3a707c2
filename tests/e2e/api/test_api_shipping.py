"""Ship notices and invoices over HTTP: a buyer posts a wholesaler's 856 (once), a technician
receives against it and a lot it does not list is recorded, the 810 comes back matched with
its variances; a notice for another buyer is refused with the segment named, nothing written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from tests.conftest import priced_storeroom
from tests.x12_samples import invoice, ship_notice

from rxsupply.domain.users import Role

from .harness import Hospital, QuickHasher, open_hospital, problem

TRAY11 = "98765040102"


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    priced_storeroom(hospital, {"ONDA4INJ": (400, 600)})
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def sent_order(pharmacy: Hospital, buyer: str) -> str:
    (order,) = pharmacy.api.post("/api/orders/suggest", token=buyer).json()["orders"]
    pharmacy.api.post(f"/api/orders/{order['number']}/approve", token=buyer)
    return str(order["number"])


def test_a_ship_notice_is_received_against_and_the_invoice_matched(pharmacy: Hospital) -> None:
    buyer, tech = pharmacy.token(Role.BUYER), pharmacy.token(Role.TECHNICIAN)
    number = sent_order(pharmacy, buyer)
    text = ship_notice(number, [(TRAY11, "ON2611X", "20280630", 10)])

    posted = pharmacy.api.post("/api/orders/ship-notices", token=buyer, json={"x12": text})
    again = pharmacy.api.post("/api/orders/ship-notices", token=buyer, json={"x12": text})
    not_a_tech = pharmacy.api.post("/api/orders/ship-notices", token=tech, json={"x12": text})
    received = pharmacy.api.post(
        f"/api/orders/{number}/receipts",
        token=tech,
        json={
            "product": "98765-401-02",
            "lot": "ON2699Q",
            "expiry": "2028-06-30",
            "packages": 9,
            "ship_notice": "SHP-5501",
        },
    )
    billed = pharmacy.api.post(
        "/api/orders/invoices",
        token=buyer,
        json={"x12": invoice(number, [(TRAY11, 10, "15.50")])},
    )
    notices = pharmacy.api.get(f"/api/orders/{number}/ship-notices", token=tech).json()
    matches = pharmacy.api.get(
        f"/api/orders/{number}/invoices?price_tolerance=5&quantity_tolerance=1", token=tech
    ).json()

    assert posted.status_code == 201
    assert (posted.json()["packages"], posted.json()["duplicate"]) == (10, False)
    assert again.json()["duplicate"] is True
    problem(not_a_tech, 403)
    assert [(d["issue"], d["lot"]) for d in received.json()["found"]] == [
        ("not_as_shipped", "ON2699Q")
    ]
    line = billed.json()["lines"][0]
    assert (line["status"], line["price_variance"], line["quantity_variance"]) == (
        "both",
        "0.5000",  # per package, at the order price's precision
        1,
    )
    assert (billed.json()["price_variance"], billed.json()["quantity_variance_value"]) == (
        "5.00",
        "15.50",
    )
    assert [n["shipment_id"] for n in notices["data"]] == ["SHP-5501"]
    assert (matches["data"][0]["invoice"], matches["data"][0]["status"]) == ("INV-88123", "matched")


def test_a_ship_notice_for_another_buyer_is_refused_and_nothing_is_written(
    pharmacy: Hospital,
) -> None:
    buyer = pharmacy.token(Role.BUYER)
    number = sent_order(pharmacy, buyer)

    refused = pharmacy.api.post(
        "/api/orders/ship-notices",
        token=buyer,
        json={"x12": ship_notice(number, [(TRAY11, "ON2611X", "20280630", 4)], buyer="OTHERHOSP")},
    )
    listed = pharmacy.api.get(f"/api/orders/{number}/ship-notices", token=buyer).json()

    assert "N104" in problem(refused, 422)["detail"]
    assert listed["data"] == []


def test_a_second_invoice_for_packages_billed_already_names_the_first(pharmacy: Hospital) -> None:
    buyer, tech = pharmacy.token(Role.BUYER), pharmacy.token(Role.TECHNICIAN)
    number = sent_order(pharmacy, buyer)
    pharmacy.api.post(
        f"/api/orders/{number}/receipts",
        token=tech,
        json={"product": "98765-401-02", "lot": "ON2611X", "expiry": "2028-06-30", "packages": 10},
    )
    bills = [
        pharmacy.api.post(
            "/api/orders/invoices",
            token=buyer,
            json={"x12": invoice(number, [(TRAY11, 10, "15.00")], number=bill)},
        ).json()
        for bill in ("INV1", "INV2")
    ]

    assert [b["status"] for b in bills] == ["matched", "quantity_variance"]
    line = bills[1]["lines"][0]
    assert (line["billed_before"], line["billed_on"], line["quantity_variance"]) == (
        10,
        ["INV1"],
        10,
    )
    assert line["note"] == "10 of the 10 packages received billed already on INV1"
    assert bills[1]["quantity_variance_value"] == "150.00"


def test_an_invoice_number_recorded_on_another_order_is_a_conflict(pharmacy: Hospital) -> None:
    buyer = pharmacy.token(Role.BUYER)
    first = sent_order(pharmacy, buyer)
    posted = pharmacy.api.post(
        "/api/orders/invoices",
        token=buyer,
        json={"x12": invoice(first, [(TRAY11, 10, "15.00")], number="123")},
    )
    priced_storeroom(pharmacy.engine, {"ONDA4INJ": (4000, 6000)})
    second = sent_order(pharmacy, buyer)

    refused = pharmacy.api.post(
        "/api/orders/invoices",
        token=buyer,
        json={"x12": invoice(second, [(TRAY11, 10, "15.00")], number="123")},
    )
    listed = pharmacy.api.get(f"/api/orders/{second}/invoices", token=buyer).json()

    assert posted.status_code == 201
    detail = problem(refused, 409)["detail"]
    assert "invoice 123 (BIG02)" in detail and f"recorded already on order {first}" in detail
    assert listed["data"] == []
