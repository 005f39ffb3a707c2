"""Pages and forms take what the API takes, bounded the same way: a list's offset past 2^63 or
written with a superscript digit shows a page (an empty one past the end), a record id past any
column is a 422, and a form's quantity of '²' or 10^23 or an expiry in year 9999 is refused in
place with nothing written; never a 500."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from .harness import alert, client_for, form_of, movement_count


@pytest.fixture
def admin(web_app: FastAPI) -> TestClient:
    return client_for(web_app, "admin")


@pytest.mark.parametrize("path", ["/stock", "/ledger", "/locations", "/audit", "/classes"])
@pytest.mark.parametrize("offset", [str(2**70), "²", "-3"], ids=["2^70", "superscript", "-3"])
def test_a_list_page_with_an_out_of_range_offset_still_shows(
    admin: TestClient, path: str, offset: str
) -> None:
    answer = admin.get(path, params={"offset": offset})

    assert answer.status_code == 200


@pytest.mark.parametrize(
    "path", [f"/recalls/{2**63}", f"/planning/jobs/{2**64}", f"/recalls/{2**31}/dispensed.csv"]
)
def test_a_page_of_a_record_id_past_any_column_is_a_422(admin: TestClient, path: str) -> None:
    assert admin.get(path).status_code == 422


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"quantity": "²"}, "enter a whole number"),
        ({"quantity": "1" + "0" * 23}, "enter a whole number"),
        ({"lot": "NEW9999", "expiry": "9999-12-31"}, "outside the years 1900 to 2199"),
    ],
    ids=["superscript", "10^23", "year 9999"],
)
def test_an_adjustment_form_out_of_bounds_is_refused_in_place(
    admin: TestClient, web_engine: Engine, change: dict[str, str], says: str
) -> None:
    data = form_of(admin, "/adjust") | {
        "location": "MAIN-STORE",
        "product": "98765-3250-01",
        "lot": "AP2406",
        "quantity": "+1",
        "reason": "found",
    }
    before = movement_count(web_engine)

    answer = admin.post("/adjust", data=data | change)

    assert answer.status_code == 422
    assert says in alert(answer.text)
    assert movement_count(web_engine) == before


@pytest.mark.parametrize("quantity", ["²", "1" + "0" * 23])
def test_a_transfer_form_with_an_unreadable_quantity_is_refused_in_place(
    admin: TestClient, web_engine: Engine, quantity: str
) -> None:
    data = form_of(admin, "/transfer") | {
        "from_location": "MAIN-STORE",
        "to_location": "OR-SAT",
        "what": "98765-3250-01",
        "quantity": quantity,
    }
    before = movement_count(web_engine)

    answer = admin.post("/transfer", data=data)

    assert answer.status_code == 422
    assert "enter a whole number" in alert(answer.text)
    assert movement_count(web_engine) == before
