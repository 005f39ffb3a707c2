"""The API's write endpoints refuse what the ledger refuses (over-long values, NUL bytes,
quantities beyond the maximum) with a 422 naming the field, and give the new safety rules
their own answers: quarantine and release, overrides with a second manager, pocket capacity,
serials received twice, the pick list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text
from tests.conftest import load_examples

from rxsupply.domain.users import Role

from .harness import (
    ITEM,
    LOCATION,
    LOT,
    NDC_TEXT,
    PASSWORD,
    STOREROOM,
    Hospital,
    datamatrix,
    open_hospital,
    problem,
)

HUGE = 2**63 - 1


@pytest.fixture
def site(engine: Engine) -> Iterator[Hospital]:
    load_examples(engine, "items", "locations", "stock")
    with open_hospital(engine) as opened:
        yield opened


def movements(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM movement")).scalar_one())


RECEIPT = {
    "location": STOREROOM,
    "product": NDC_TEXT,
    "lot": "ON3001A",
    "expiry": "2030-01-31",
    "quantity": 10,
}
TRANSFER = {"from_location": STOREROOM, "to_location": "OR-SAT", "item": ITEM, "quantity": 1}
DISPENSE = {"location": LOCATION, "item": ITEM, "quantity": 1}
ADJUSTMENT = {
    "location": STOREROOM,
    "product": NDC_TEXT,
    "lot": LOT,
    "quantity": 1,
    "reason": "found",
}
RETURN = {"location": STOREROOM, "product": NDC_TEXT, "lot": LOT, "quantity": 1}

ENDPOINTS: list[tuple[str, dict[str, Any]]] = [
    ("/api/receipts", RECEIPT),
    ("/api/transfers", TRANSFER),
    ("/api/dispenses", DISPENSE),
    ("/api/adjustments", ADJUSTMENT),
    ("/api/returns", RETURN),
]


@pytest.mark.parametrize(("path", "body"), ENDPOINTS, ids=[p for p, _ in ENDPOINTS])
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": HUGE}, "quantity"),
        ({"external_id": "E" * 200}, "external_id"),
        ({"external_id": "E\x00"}, "external_id"),
    ],
    ids=["2^63-1", "over-long", "NUL"],
)
def test_every_write_endpoint_refuses_an_unbounded_value_naming_the_field(
    site: Hospital, path: str, body: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    before = movements(site.engine)

    answer = site.api.post(path, token=site.token(Role.ADMIN), json=body | change)

    assert problem(answer, 422)["field"] == field
    assert movements(site.engine) == before


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/receipts", RECEIPT | {"lot": "L" * 41}, "lot"),
        ("/api/receipts", RECEIPT | {"lot": "ON\x003001A"}, "lot"),
        ("/api/transfers", TRANSFER | {"lot": "L\x00"}, "lot"),
        ("/api/dispenses", DISPENSE | {"location": "ICU\x00ADC1"}, "location"),
        ("/api/adjustments", ADJUSTMENT | {"reason": "R" * 501}, "reason"),
        ("/api/quarantines", {"product": NDC_TEXT, "lot": LOT, "reason": "x\x00"}, "reason"),
    ],
)
def test_an_over_long_value_or_a_nul_byte_is_refused_naming_the_field(
    site: Hospital, path: str, body: dict[str, Any], field: str
) -> None:
    answer = site.api.post(path, token=site.token(Role.ADMIN), json=body)

    assert problem(answer, 422)["field"] == field


def test_a_quarantined_lot_is_refused_by_dispenses_until_a_manager_releases_it(
    site: Hospital,
) -> None:
    tech, manager = site.token(Role.TECHNICIAN), site.token(Role.MANAGER)

    blocked = site.api.post(
        "/api/quarantines",
        token=tech,
        json={"product": NDC_TEXT, "lot": LOT, "reason": "cloudy vial"},
    )
    refused = site.api.post("/api/dispenses", token=tech, json=DISPENSE)
    not_yours = site.api.post(
        "/api/releases", token=tech, json={"product": NDC_TEXT, "lot": LOT, "reason": "clear"}
    )
    released = site.api.post(
        "/api/releases",
        token=manager,
        json={"product": NDC_TEXT, "lot": LOT, "reason": "checked: clear"},
    )
    served = site.api.post("/api/dispenses", token=tech, json=DISPENSE)

    assert blocked.status_code == 201
    assert blocked.json()["changed"][0]["locations"] == {"ICU-ADC1-P01": 30, "MAIN-STORE": 250}
    assert problem(refused, 409)["type"].endswith("/insufficient-stock")
    assert not_yours.status_code == 403
    assert released.status_code == 201
    assert served.status_code == 201


def test_an_override_needs_the_second_managers_own_password(site: Hospital) -> None:
    admin = site.token(Role.ADMIN)
    site.token(Role.MANAGER)
    site.api.post(
        "/api/quarantines", token=admin, json={"product": NDC_TEXT, "lot": LOT, "reason": "hold"}
    )
    move = TRANSFER | {"lot": LOT, "override": "cleared by the pharmacist"}

    without = site.api.post("/api/transfers", token=admin, json=move)
    wrong = site.api.post(
        "/api/transfers",
        token=admin,
        json=move | {"approved_by": "manager", "approver_password": "nope"},
    )
    done = site.api.post(
        "/api/transfers",
        token=admin,
        json=move | {"approved_by": "manager", "approver_password": PASSWORD},
    )

    assert problem(without, 403)["type"].endswith("/approval-needed")
    assert wrong.status_code == 403
    assert done.status_code == 201, done.text
    with site.engine.connect() as conn:
        approver = conn.execute(
            text("SELECT approved_by FROM movement WHERE kind = 'transfer'")
        ).scalar_one()
    assert approver == "manager"


def test_a_refill_beyond_a_pockets_capacity_is_a_conflict(site: Hospital) -> None:
    answer = site.api.post(
        "/api/transfers",
        token=site.token(Role.TECHNICIAN),
        json={
            "from_location": STOREROOM,
            "to_location": LOCATION,
            "item": ITEM,
            "quantity": 11,
            "refill": True,
        },
    )

    assert "holds at most 40 units and has 30" in problem(answer, 409)["detail"]


def test_a_scanned_serial_received_twice_is_refused_as_suspect(site: Hospital) -> None:
    buyer = site.token(Role.BUYER)
    scan = {"data": datamatrix(serial="SN-API-1")}

    first = site.api.post("/api/receipts/scan", token=buyer, json=scan)
    again = site.api.post("/api/receipts/scan", token=buyer, json=scan | {"location": "OR-SAT"})

    assert first.status_code == 201, first.text
    assert first.json()["movements"][0]["quantity"] == 25
    assert problem(again, 409)["type"].endswith("/suspect-serial")


def test_the_pick_list_answers_as_the_cli_prints_it(site: Hospital) -> None:
    answer = site.api.get(
        "/api/picklist", token=site.token(Role.TECHNICIAN), params={"cabinet": LOCATION}
    )

    assert answer.status_code == 200
    assert answer.json()["data"] == []  # no levels are set in the example hospital
