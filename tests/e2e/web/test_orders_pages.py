"""The purchase order pages over HTTP: a manager suggests the storeroom's order, records the
Schedule II line's DEA Form 222 number, approves it and downloads its X12 850; a technician
receives against it with one discrepancy; the order is closed with the short line recorded. A
package received on hold (its document ships it without a lot) is flashed as such, with the
shelf it goes to and why."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from tests.conftest import CLOCK, priced_storeroom
from tests.dscsa_shipments import GTIN, ship

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.entrypoints.app import create_app
from rxsupply.services import purchasing

from .harness import TestClient, build_hospital, client_for, csrf_of


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    engine: Engine = build_hospital(tmp_path_factory.mktemp("orders") / "rx.db")
    priced_storeroom(engine, {"ONDA4INJ": (400, 600), "MORPH2INJ": (100, 120)})
    yield create_app(engine)
    engine.dispose()


def flash(html: str) -> str:
    found = re.search(r'id="flash">(.*?)</div>', html, re.S)
    return " ".join(found[1].split()) if found else ""


def post(client: TestClient, path: str, page: str, **data: str) -> str:
    """Post a form of ``page``; the flash the page then shows."""
    done = client.post(path, data={"csrf_token": csrf_of(client, page), **data})
    assert done.status_code == 303, done.text
    return flash(client.get(done.headers["location"]).text)


def test_an_order_from_suggestion_to_closing(app: FastAPI) -> None:
    with client_for(app, "manager") as manager, client_for(app, "tech") as tech:
        suggested = manager.post(
            "/orders/suggest", data={"csrf_token": csrf_of(manager, "/orders")}
        )
        number = suggested.headers["location"].rsplit("/", 1)[1]
        page = f"/orders/{number}"
        lines = manager.get(page).text
        cii = re.search(r'name="line" value="(\d+)"', lines)
        assert cii is not None

        refused = post(manager, f"{page}/approve", page)
        recorded = post(manager, f"{page}/dea", page, line=cii[1], dea_form_number="261234567")
        sent = post(manager, f"{page}/approve", page)
        x12 = manager.get(f"{page}/order.850")
        received = post(
            tech,
            f"{page}/receive",
            page,
            ndc="98765-401-02",
            lot="ON2611X",
            expiry="2028-06-30",
            packages="4",
            damaged="1",
        )
        closed = post(manager, f"{page}/close", page)
        final = manager.get(page).text

    assert "needs its DEA Form 222 or CSOS order number" in refused
    assert "recorded on line" in recorded
    assert sent.startswith("Sent to Example Wholesale Drug Co")
    assert x12.status_code == 200 and "REF*ZZ*261234567~" in x12.text
    assert "the order is partly received" in received and "damaged" in received
    assert closed.startswith("Closed")
    assert 'data-figure="status">closed<' in final
    found = set(re.findall(r'data-issue="(\w+)"', final))
    assert found == {"damaged", "short"}


def test_a_technician_cannot_suggest_or_approve(app: FastAPI) -> None:
    with client_for(app, "tech") as tech:
        page = tech.get("/orders").text
        refused = tech.post("/orders/suggest", data={"csrf_token": csrf_of(tech, "/orders")})

    assert 'id="suggest-orders"' not in page
    assert refused.status_code == 403


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    """A sent order of ondansetron trays whose document ships S2 without a lot or expiry."""
    engine: Engine = build_hospital(tmp_path_factory.mktemp("held") / "rx.db")
    priced_storeroom(engine, {"ONDA4INJ": (400, 600)})
    with SqlUnitOfWork(engine) as uow:
        (draft,) = purchasing.suggest_orders(uow, clock=CLOCK, user="buyer").orders
    with SqlUnitOfWork(engine) as uow:
        number = purchasing.approve_order(uow, order=draft.number, user="buyer", clock=CLOCK).number
    far = date(2028, 6, 30)
    ship(engine, number, [("S1", "ON1", far), ("S2", "ON2", far)], unlotted=["ON2"])
    yield create_app(engine), number
    engine.dispose()


def test_a_package_received_on_hold_is_flashed_with_the_shelf_and_the_reason(
    shipped: tuple[FastAPI, str],
) -> None:
    app, number = shipped
    page = f"/orders/{number}"
    with client_for(app, "tech") as tech:
        held = post(tech, f"{page}/receive", page, scan=f"(01){GTIN}(17)280630(10)ON2(21)S2")
        usable = post(tech, f"{page}/receive", page, scan=f"(01){GTIN}(17)280630(10)ON1(21)S1")

    assert held.startswith("Received; the order is partly received. ON HOLD: GTIN")
    assert "serial S2 (lot ON2, at MAIN-STORE) is quarantined" in held
    assert "set it apart on the quarantine shelf, do not put it away" in held
    assert "(lot_expiry_missing) of order" in held
    assert usable == "Received; the order is partly received."
