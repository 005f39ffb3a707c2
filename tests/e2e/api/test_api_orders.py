"""Purchase orders over HTTP: a buyer suggests the storeroom's order, is refused the approval
while a Schedule II line lacks its DEA Form 222 number, records it, approves (the answer
carries the CSV and the X12 850), and a technician may only read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from tests.conftest import EXAMPLES, NOW, TESTER

from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.levels import StockLevel
from rxsupply.domain.users import Role
from rxsupply.services.pricing import PRICE_COLUMNS, import_prices

from .harness import Hospital, QuickHasher, open_hospital, problem


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    table = read_csv_table(
        EXAMPLES / "prices.csv", required=PRICE_COLUMNS[0], optional=PRICE_COLUMNS[1]
    )
    with SqlUnitOfWork(hospital) as uow:
        import_prices(uow, table, now=NOW, user=TESTER)
        store = uow.locations.get("MAIN-STORE")
        assert store is not None
        ids = uow.items.ids_by_code()
        for item, low, high in (("ONDA4INJ", 400, 600), ("MORPH2INJ", 100, 120)):
            uow.stock_levels.save(
                StockLevel(
                    location_id=store.id or 0, item_id=ids[item], min_level=low, max_level=high
                ),
                now=NOW,
                user=TESTER,
            )
        uow.commit()
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
