"""``GET /api/expiry/risk`` and ``POST /api/expiry/risk/transfers`` over HTTP, on SQLite and
PostgreSQL: the example hospital with a planning run's forecast of 1 ondansetron vial a day at
the ED pocket (``series_class``, as a run leaves it); the ICU pocket's 30 vials of ON2411A
(expiring 03/31/2027, $0.75 each) have no use there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from tests.e2e.expiry_risk_state import forecast

from rxsupply.domain.users import Role

from .harness import Hospital, QuickHasher, open_hospital, problem


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    forecast(hospital, location="ED-ADC1-P01", item="ONDA4INJ", daily=1.0)
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def test_the_risk_names_the_transfer_the_pocket_has_room_for(pharmacy: Hospital) -> None:
    answer = pharmacy.api.get("/api/expiry/risk", token=pharmacy.token(Role.BUYER))

    assert answer.status_code == 200, answer.text
    body = answer.json()
    # the ED pocket uses 132 vials by 03/31/2027 and all 45 of its own lot (09/30/2027) after,
    # but holds 45 of its 60: room for 15 of the ICU's 30 ($11.25)
    assert [
        (t["lot"], t["from_location"], t["to_location"], t["units"], t["value_saved"])
        for t in body["transfers"]
    ] == [("ON2411A", "ICU-ADC1-P01", "ED-ADC1-P01", 15, "11.25")]
    icu = next(r for r in body["lots"] if r["location"] == "ICU-ADC1-P01" and r["lot"] == "ON2411A")
    assert icu["transfers"] == body["transfers"]
    assert "uses 1.00 a day (forecast)" in icu["transfers"][0]["why"]
    assert body["totals"]["value_saved_by_transfers"] == "11.25"


def test_a_technician_carries_it_out_and_the_pocket_refuses_more_than_its_capacity(
    pharmacy: Hospital,
) -> None:
    tech = pharmacy.token(Role.TECHNICIAN)
    move = {
        "product": "98765-401-02",
        "lot": "ON2411A",
        "from_location": "ICU-ADC1-P01",
        "to_location": "ED-ADC1-P01",
        "units": 15,
        "external_id": "risk-walk-1",
    }

    done = pharmacy.api.post("/api/expiry/risk/transfers", token=tech, json=move)
    again = pharmacy.api.post("/api/expiry/risk/transfers", token=tech, json=move)
    full = pharmacy.api.post(
        "/api/expiry/risk/transfers", token=tech, json=move | {"units": 1, "external_id": None}
    )
    nothing = pharmacy.api.post("/api/expiry/risk/transfers", token=tech, json=move | {"units": 0})

    assert done.status_code == 201, done.text
    assert again.json()["duplicate"] is True
    assert pharmacy.on_hand(location="ED-ADC1-P01", item="ONDA4INJ") == 60
    assert "holds at most 60 units and has 60" in problem(full, full.status_code)["detail"]
    assert nothing.status_code == 422
