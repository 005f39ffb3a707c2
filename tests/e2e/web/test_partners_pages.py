"""The trading partners page over HTTP (today 2026-11-20): a manager records the wholesaler's
licence (submitted twice, recorded once), the page shows it authorized and, since the licence
runs out within 30 days, highlighted; a bad state is refused naming the field; a technician
reads the page without the form."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from tests.conftest import CLOCK, priced_storeroom

from rxsupply.adapters.unit_of_work import SqlUnitOfWork
from rxsupply.entrypoints.app import create_app
from rxsupply.services import trading_partners

from .harness import alert, build_hospital, client_for, form_of

LICENCE = {
    "partner": "Example Wholesale Drug Co",
    "kind": "state_wholesale_license",
    "number": "WH-7781",
    "state": "pa",
    "expires": "2026-12-10",
    "verified_on": "2026-11-02",
    "source": "PA board lookup",
}


@pytest.fixture(scope="module")
def partners_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    engine: Engine = build_hospital(tmp_path_factory.mktemp("partners-pages") / "rx.db")
    priced_storeroom(engine, {}, authorized=False)
    yield create_app(engine)
    engine.dispose()


def row_of(html: str, name: str) -> str:
    found = re.search(
        r"<tr data-partner[^>]*>(?:(?!</tr>).)*" + re.escape(name) + r".*?</tr>", html, re.S
    )
    assert found is not None, name
    return found[0]


def test_a_licence_recorded_once_shows_authorized_and_expiring(partners_app: FastAPI) -> None:
    with client_for(partners_app, "manager") as manager:
        form = form_of(manager, "/partners") | LICENCE
        first = manager.post("/partners", data=form)
        again = manager.post("/partners", data=form)
        page = manager.get("/partners").text

    assert first.status_code == 303 and again.status_code == 303
    row = row_of(page, "Example Wholesale Drug Co")
    assert 'class="expiring"' in row
    assert "expires 12/10/2026" in row
    assert row.count("WH-7781") == 2  # in the reason and in the list: recorded once
    assert "verified 11/02/2026 by manager" in row
    assert "not a trading partner" in row_of(page, "Example Purchasing Alliance")


def test_a_bad_state_is_refused_naming_the_field(partners_app: FastAPI) -> None:
    with client_for(partners_app, "manager") as manager:
        form = form_of(manager, "/partners") | LICENCE | {"state": "XX", "number": "WH-9"}
        refused = manager.post("/partners", data=form)
        page = manager.get(refused.headers["location"]).text

    assert "Not recorded: state &#39;XX&#39;: the issuing state" in alert(page)
    assert "WH-9<" not in page and "WH-9 " not in page


def test_a_technician_reads_the_page_without_the_form(partners_app: FastAPI) -> None:
    with client_for(partners_app, "tech") as tech:
        page = tech.get("/partners")
        orders = tech.get("/orders").text

    assert page.status_code == 200
    assert 'id="partners"' in page.text and 'id="authorize-partner"' not in page.text
    assert 'href="/partners"' in orders


def test_the_page_shows_each_partners_edi_id_or_that_none_is_on_file(
    partners_app: FastAPI,
) -> None:
    engine = partners_app.state.engine
    with SqlUnitOfWork(engine) as uow:
        trading_partners.set_edi_id(
            uow,
            partner="Example Wholesale Drug Co",
            edi_id="EXAMPLEWHOLESAL",
            user="t",
            clock=CLOCK,
        )
    try:
        with client_for(partners_app, "tech") as tech:
            page = tech.get("/partners").text
    finally:
        with SqlUnitOfWork(engine) as uow:
            trading_partners.set_edi_id(
                uow, partner="Example Wholesale Drug Co", edi_id=None, user="t", clock=CLOCK
            )

    assert '<th scope="col">EDI id (ISA06)</th>' in page
    assert '<td data-edi-id="EXAMPLEWHOLESAL">EXAMPLEWHOLESAL</td>' in row_of(
        page, "Example Wholesale Drug Co"
    )
    assert "none on file" in row_of(page, "Example Purchasing Alliance").split("data-edi-id")[1]
