"""Prices over HTTP: an item's best eligible price and the contract compliance report, as
``rxsupply prices`` gives them (the example invoices priced by examples/prices.csv)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from tests.conftest import EXAMPLES, NOW, TESTER, load_examples

from rxsupply.adapters.csv_files import read_csv_table
from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.domain.users import Role
from rxsupply.services.pricing import PRICE_COLUMNS, import_prices

from .harness import Hospital, QuickHasher, open_hospital


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    load_examples(hospital, "purchases")
    table = read_csv_table(
        EXAMPLES / "prices.csv", required=PRICE_COLUMNS[0], optional=PRICE_COLUMNS[1]
    )
    with SqlUnitOfWork(hospital) as uow:
        import_prices(uow, table, now=NOW, user=TESTER)
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def test_an_items_best_price_and_its_offers(pharmacy: Hospital) -> None:
    got = pharmacy.api.get(
        "/api/prices/best",
        token=pharmacy.token(Role.TECHNICIAN),
        params={"item": "ONDA4INJ", "on": "2026-11-20"},
    ).json()

    (onda,) = got["data"]
    assert onda["best"]["contract"] == "GPO-2026-117"
    assert onda["best"]["unit_price"] == "0.6000"
    assert [o["unit_price"] for o in onda["offers"]] == ["0.6000", "0.7500", "0.8400", "0.8900"]


def test_the_compliance_report(pharmacy: Hospital) -> None:
    got = pharmacy.api.get(
        "/api/prices/compliance",
        token=pharmacy.token(Role.TECHNICIAN),
        params={"start": "2026-10-01", "end": "2026-11-30"},
    ).json()

    assert (got["lines"], got["spend"], got["share_on_contract"], got["left_on_table"]) == (
        4,
        "545.70",
        0.0,
        "78.50",
    )
    assert len(got["off_contract"]) == 4
