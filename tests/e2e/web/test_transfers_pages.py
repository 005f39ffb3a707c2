"""The transfer pages over HTTP: a technician requests a transfer from the storeroom to the OR
satellite, picks and ships it; a nurse manager receives it short; the auditor only reads."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from rxsupply.entrypoints.app import create_app

from .harness import build_hospital, client_for, csrf_of, on_hand
from .test_orders_pages import post


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    built = build_hospital(tmp_path_factory.mktemp("transfers") / "rx.db")
    yield built
    built.dispose()


@pytest.fixture(scope="module")
def app(engine: Engine) -> FastAPI:
    return create_app(engine)


def test_a_transfer_from_request_to_a_short_receipt(app: FastAPI, engine: Engine) -> None:
    with client_for(app, "tech") as tech, client_for(app, "manager") as manager:
        listing = tech.get("/transfers")
        requested = tech.post(
            "/transfers",
            data={
                "csrf_token": csrf_of(tech, "/transfers"),
                "from_location": "MAIN-STORE",
                "to_location": "OR-SAT",
                "item": "ONDA4INJ",
                "quantity": "12",
                "note": "OR case cart",
            },
        )
        page = requested.headers["location"]
        number = page.rsplit("/", 1)[1]
        picked = post(tech, f"{page}/pick", page)
        lines = tech.get(page).text
        shipped = post(tech, f"{page}/ship", page)
        cancel = post(manager, f"{page}/cancel", page, reason="too late")
        received = post(manager, f"{page}/receive", page, quantity="10")
        shown = manager.get(page).text
        listed = manager.get("/transfers?status=received").text

    assert 'href="/transfers"' in listing.text and 'id="request-transfer"' in listing.text
    assert requested.status_code == 303
    assert picked == f"{number} picked."
    assert re.search(r'data-line="1">.*?ON2411A.*?>12<', lines, re.S)
    assert shipped == f"{number} shipped."
    assert cancel.startswith("Not cancelled:") and "has shipped" in cancel
    assert received == f"{number} received, 2 units short (recorded as a discrepancy)."
    assert 'data-figure="status">received<' in shown
    assert 'data-figure="short">2 short<' in shown
    assert f'data-transfer="{number}"' in listed
    assert on_hand(engine, location="OR-SAT", ndc="98765-401-02", lot="ON2411A") == 10
    assert on_hand(engine, location="MAIN-TRANSIT", ndc="98765-401-02", lot="ON2411A") == 2


@pytest.mark.parametrize("quantity", ["lots", "²", "-1", "99999999999999999999", "0"])
def test_a_request_with_a_bad_quantity_comes_back_with_the_reason(
    app: FastAPI, quantity: str
) -> None:
    with client_for(app, "tech") as tech:
        before = tech.get("/transfers").text.count("data-transfer=")
        answer = post(
            tech,
            "/transfers",
            "/transfers",
            from_location="MAIN-STORE",
            to_location="OR-SAT",
            item="ONDA4INJ",
            quantity=quantity,
        )
        after = tech.get("/transfers").text.count("data-transfer=")

    assert answer.startswith("Not requested:") and "quantity" in answer
    assert after == before


@pytest.mark.parametrize("number", ["²", "99999999999999999999"])
def test_a_transfer_page_whose_number_is_no_id_is_not_found(app: FastAPI, number: str) -> None:
    with client_for(app, "tech") as tech:
        page = tech.get(f"/transfers/{number}")

    assert page.status_code == 404


def test_receiving_a_bad_quantity_comes_back_with_the_reason(app: FastAPI) -> None:
    with client_for(app, "tech") as tech:
        requested = tech.post(
            "/transfers",
            data={
                "csrf_token": csrf_of(tech, "/transfers"),
                "from_location": "MAIN-STORE",
                "to_location": "OR-SAT",
                "item": "ONDA4INJ",
                "quantity": "2",
            },
        )
        page = requested.headers["location"]
        post(tech, f"{page}/pick", page)
        post(tech, f"{page}/ship", page)
        answers = [
            post(tech, f"{page}/receive", page, quantity=bad)
            for bad in ("²", "-1", "99999999999999999999")
        ]
        shown = tech.get(page).text

    for answer in answers:
        assert answer.startswith("Not received:") and "quantity" in answer, answer
    assert 'data-figure="status">in transit<' in shown


def test_the_auditor_reads_transfers_but_has_no_forms(app: FastAPI) -> None:
    with client_for(app, "auditor") as auditor:
        page = auditor.get("/transfers")
        refused = auditor.post("/transfers", data={"csrf_token": csrf_of(auditor, "/transfers")})

    assert page.status_code == 200
    assert 'id="request-transfer"' not in page.text
    assert refused.status_code == 403
