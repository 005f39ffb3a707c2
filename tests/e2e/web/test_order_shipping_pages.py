"""The order page shows what the wholesaler sent back: its ship notices (856) with what came
in against each lot, a receipt against a notice that finds a lot it does not list, and the
invoices' three-way match (810) with the price and quantity variances."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from tests.conftest import CLOCK, priced_storeroom
from tests.x12_samples import invoice, ship_notice

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.adapters.x12_810 import read_810
from rxsupply.adapters.x12_856 import read_856
from rxsupply.entrypoints.app import create_app
from rxsupply.services import invoices, purchasing, ship_notices

from .harness import build_hospital, client_for, csrf_of

TRAY11 = "98765040102"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, Engine, str]]:
    """A sent order of ondansetron (10 trays at $15.00) and the wholesaler's ship notice."""
    engine: Engine = build_hospital(tmp_path_factory.mktemp("shipping") / "rx.db")
    priced_storeroom(engine, {"ONDA4INJ": (400, 600)})
    with SqlUnitOfWork(engine) as uow:
        (draft,) = purchasing.suggest_orders(uow, clock=CLOCK, user="manager").orders
        purchasing.approve_order(uow, order=draft.number, user="manager", clock=CLOCK)
        notice = read_856(
            ship_notice(
                draft.number,
                [(TRAY11, "ON2611X", "20280630", 6), (TRAY11, "ON2612Y", "20280731", 4)],
            )
        )
        ship_notices.record_ship_notice(uow, notice=notice, user="manager", clock=CLOCK)
    yield create_app(engine), engine, draft.number
    engine.dispose()


def test_the_order_page_shows_the_notice_a_receipt_against_it_and_the_invoice_match(
    shipped: tuple[FastAPI, Engine, str],
) -> None:
    app, engine, number = shipped
    page = f"/orders/{number}"
    with client_for(app, "tech") as tech:
        form = tech.get(page).text
        done = tech.post(
            f"{page}/receive",
            data={
                "csrf_token": csrf_of(tech, page),
                "ndc": "98765-401-02",
                "lot": "ON2699Q",
                "expiry": "2028-06-30",
                "packages": "8",
                "ship_notice": "SHP-5501",
            },
        )
        after_receipt = tech.get(done.headers["location"]).text
    with SqlUnitOfWork(engine) as uow:
        bill = read_810(invoice(number, [(TRAY11, 10, "15.60")]))
        invoices.record_invoice(uow, invoice=bill, user="manager", clock=CLOCK)
    with client_for(app, "auditor") as auditor:
        final = auditor.get(page).text

    assert '<option value="SHP-5501" selected>' in form
    assert "not as shipped" in after_receipt and "ON2699Q" in after_receipt
    assert re.findall(r'data-shipment="SHP-5501" data-lot="(\w+)"', final) == [
        "ON2611X",
        "ON2612Y",
    ]
    assert set(re.findall(r'data-issue="(\w+)"', final)) == {"not_as_shipped"}
    assert re.findall(r'data-invoice="INV-88123" data-status="(\w+)"', final) == ["both"]
    row = final[final.index('data-status="both"') :]
    assert "$15.60" in row and "$0.60" in row and "$6.00" in row  # per package and extended
    assert 'data-figure="price-variance">$6.00<' in final
