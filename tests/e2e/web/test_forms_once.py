"""Writing forms post once and refuse what the ledger refuses: a double submit of a transfer or
an adjustment moves stock once; an over-long value, a NUL byte or an absurd quantity is refused
in place with nothing written."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from .harness import alert, client_for, csrf_of, movement_count, on_hand

TOKEN = re.compile(r'name="token" value="([A-Za-z0-9_-]+)"')


@pytest.fixture
def manager(web_app: FastAPI) -> TestClient:
    return client_for(web_app, "manager")


def form_of(client: TestClient, path: str) -> dict[str, str]:
    """The CSRF token and the form's one-time token from a fresh page."""
    page = client.get(path).text
    found = TOKEN.search(page)
    assert found is not None, "the form carries a one-time token"
    return {"csrf_token": csrf_of(client, path), "token": found[1]}


def test_a_double_submitted_transfer_moves_stock_once(
    manager: TestClient, web_engine: Engine
) -> None:
    data = form_of(manager, "/transfer") | {
        "from_location": "MAIN-STORE",
        "to_location": "OR-SAT",
        "what": "98765-3250-01",
        "quantity": "7",
    }
    before = on_hand(web_engine, location="OR-SAT", ndc="98765-3250-1")

    first = manager.post("/transfer", data=data)
    again = manager.post("/transfer", data=data)

    assert first.status_code == 200
    assert again.status_code == 200
    assert "already posted" in again.text
    assert on_hand(web_engine, location="OR-SAT", ndc="98765-3250-1") == before + 7


def test_a_double_submitted_adjustment_changes_the_lot_once(
    manager: TestClient, web_engine: Engine
) -> None:
    data = form_of(manager, "/adjust") | {
        "location": "MAIN-STORE",
        "product": "98765-3250-01",
        "lot": "AP2406",
        "quantity": "+3",
        "reason": "found on the receiving dock",
    }
    before = on_hand(web_engine, location="MAIN-STORE", ndc="98765-3250-1", lot="AP2406")

    manager.post("/adjust", data=data)
    again = manager.post("/adjust", data=data)

    assert "already posted" in again.text
    assert on_hand(web_engine, location="MAIN-STORE", ndc="98765-3250-1", lot="AP2406") == (
        before + 3
    )


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"lot": "AP\x002406"}, "control character U+0000"),
        ({"lot": "L" * 41}, "41 characters; at most 40"),
        ({"quantity": "+9223372036854775807"}, "enter a whole number"),
        ({"quantity": "+1000001"}, "RXSUPPLY_MAX_QUANTITY"),
    ],
)
def test_an_adjustment_form_with_an_unbounded_value_writes_nothing(
    manager: TestClient, web_engine: Engine, change: dict[str, str], says: str
) -> None:
    data = form_of(manager, "/adjust") | {
        "location": "MAIN-STORE",
        "product": "98765-3250-01",
        "lot": "AP2406",
        "quantity": "+1",
        "reason": "count",
    }
    before = movement_count(web_engine)

    answer = manager.post("/adjust", data=data | change)

    assert answer.status_code == 422
    assert says in alert(answer.text)
    assert movement_count(web_engine) == before


def test_a_transfer_form_with_a_nul_in_the_lot_writes_nothing(
    manager: TestClient, web_engine: Engine
) -> None:
    data = form_of(manager, "/transfer") | {
        "from_location": "MAIN-STORE",
        "to_location": "OR-SAT",
        "what": "98765-3250-01",
        "lot": "AP\x002406",
        "quantity": "1",
    }
    before = movement_count(web_engine)

    answer = manager.post("/transfer", data=data)

    assert answer.status_code == 422
    assert "control character" in alert(answer.text)
    assert movement_count(web_engine) == before
