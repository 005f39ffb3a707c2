"""A shortage's alternatives and the therapeutic alternatives table over HTTP: a buyer adds a
row and reads the shortage's alternatives (its own carton, the secondary wholesaler, direct
purchase, the row with the alternative's stock); a technician only reads; a file with an
unknown item code is refused with the file, row, field and reason, nothing written; a row
removed, and removed again is a 404."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from tests.conftest import priced_storeroom

from rxsupply.domain.users import Role

from .harness import Hospital, QuickHasher, open_hospital, problem

PAIR = {"item": "MORPH2INJ", "alternative": "APAP325TAB"}


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    priced_storeroom(hospital, {})
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def test_a_buyer_adds_a_row_and_reads_the_alternatives_of_a_shortage(pharmacy: Hospital) -> None:
    buyer, tech = pharmacy.token(Role.BUYER), pharmacy.token(Role.TECHNICIAN)
    short = pharmacy.api.post(
        "/api/shortages",
        token=buyer,
        json={"item": "MORPH2INJ", "reason": "wholesaler backorder"},
    ).json()

    added = pharmacy.api.post(
        "/api/therapeutic-alternatives",
        token=buyer,
        json=PAIR | {"note": "acetaminophen 1 g PO for mild pain", "ratio": 0.5},
    )
    by_tech = pharmacy.api.post(
        "/api/therapeutic-alternatives", token=tech, json=PAIR | {"note": "x"}
    )
    listed = pharmacy.api.get(
        "/api/therapeutic-alternatives", token=tech, params={"item": "MORPH2INJ"}
    )
    found = pharmacy.api.get(f"/api/shortages/{short['id']}/alternatives", token=tech)

    assert added.status_code == 201, added.text
    assert (added.json()["ratio"], added.json()["added_by"]) == ("0.5", "buyer")
    problem(by_tech, 403)
    assert [r["alternative"] for r in listed.json()["data"]] == ["APAP325TAB"]
    assert found.status_code == 200, found.text
    (morphine,) = found.json()["items"]
    assert (morphine["item"], morphine["match"], morphine["on_hand"]) == ("MORPH2INJ", "item", 75)
    assert morphine["same_product"] == []  # its one product is the one short
    assert [d["label"] for d in morphine["direct"]] == ["direct from Example Labs"]
    (therapeutic,) = morphine["therapeutic"]
    assert (therapeutic["alternative"], therapeutic["on_hand"], therapeutic["on_shortage"]) == (
        "APAP325TAB",
        2370,
        [],
    )


def test_a_file_with_an_unknown_item_is_refused_with_where_and_why(pharmacy: Hospital) -> None:
    manager = pharmacy.token(Role.MANAGER)
    data = (
        b"item_code,alternative_code,note,ratio\n"
        b"MORPH2INJ,APAP325TAB,for mild pain,\n"
        b"ONDA4INJ,GRAN1INJ,ondansetron 4 mg ~ granisetron 1 mg,0.25\n"
    )

    refused = pharmacy.api.request(
        "POST",
        "/api/therapeutic-alternatives/import",
        token=manager,
        files={"file": ("alternatives.csv", data, "text/csv")},
    )
    listed = pharmacy.api.get("/api/therapeutic-alternatives", token=manager)

    body = problem(refused, 422)
    assert [(e["file"], e["row"], e["field"]) for e in body["errors"]] == [
        ("alternatives.csv", 2, "alternative_code")
    ]
    assert "GRAN1INJ" in body["errors"][0]["reason"]
    assert listed.json()["data"] == []


def test_a_row_is_removed_once(pharmacy: Hospital) -> None:
    buyer = pharmacy.token(Role.BUYER)
    pharmacy.api.post(
        "/api/therapeutic-alternatives", token=buyer, json=PAIR | {"note": "for mild pain"}
    )

    removed = pharmacy.api.request(
        "DELETE", "/api/therapeutic-alternatives", token=buyer, params=PAIR
    )
    again = pharmacy.api.request(
        "DELETE", "/api/therapeutic-alternatives", token=buyer, params=PAIR
    )

    assert removed.status_code == 200 and removed.json()["note"] == "for mild pain"
    problem(again, 404)
