"""The drug shortage feed over HTTP: a buyer uploads the FDA file and reads what it matched; a
file with a bad row is refused with the row, line, field and reason, nothing written; a
shortage added by hand and resolved; a technician only reads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from tests.shortage_samples import MORPHINE, ONDANSETRON, yearly, yearly_2025

from rxsupply.domain.users import Role

from .harness import Hospital, QuickHasher, open_hospital, problem


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def upload(name: str, data: bytes) -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, data, "text/csv")}


def test_a_buyer_uploads_the_fda_file_and_reads_the_matches(pharmacy: Hospital) -> None:
    buyer, tech = pharmacy.token(Role.BUYER), pharmacy.token(Role.TECHNICIAN)

    done = pharmacy.api.request(
        "POST", "/api/shortages/import", token=buyer, files=upload("ds.csv", yearly_2025())
    )
    listed = pharmacy.api.get("/api/shortages", token=tech, params={"active": "true"})
    morphine = next(
        s for s in listed.json()["data"] if s["generic_name"] == "Morphine Sulfate Injection"
    )
    shown = pharmacy.api.get(f"/api/shortages/{morphine['id']}", token=tech).json()
    by_tech = pharmacy.api.request(
        "POST", "/api/shortages/import", token=tech, files=upload("ds.csv", yearly_2025())
    )

    assert done.status_code == 200, done.text
    assert done.json()["items_matched"] == {"ndc": 1, "name_strength_form": 1, "name": 1}
    assert [s["status"] for s in listed.json()["data"]] == ["current", "current"]
    assert (morphine["items_count"], morphine["ndcs_count"]) == (1, 1)
    assert [(i["item"], i["method"]) for i in shown["items"]] == [
        ("MORPH2INJ", "name_strength_form")
    ]
    assert shown["presentations"][0]["company"] == "Other Pharma, Inc."
    assert [(e["kind"], e["file"], e["recorded_by"]) for e in shown["events"]] == [
        ("new", "ds.csv", "buyer")
    ]
    problem(by_tech, 403)


def test_a_file_with_a_bad_row_is_refused_with_where_and_why(pharmacy: Hospital) -> None:
    buyer = pharmacy.token(Role.BUYER)
    bad = yearly(ONDANSETRON, MORPHINE.replace("Current", "Ongoing"))

    refused = pharmacy.api.request(
        "POST", "/api/shortages/import", token=buyer, files=upload("ds.csv", bad)
    )
    listed = pharmacy.api.get("/api/shortages", token=buyer)

    body = problem(refused, 422)
    assert body["errors"] == [
        {
            "file": "ds.csv",
            "row": 2,
            "field": "status",
            "reason": "expected Current, Resolved or To Be Discontinued (got 'Ongoing')",
            "line": 3,
        }
    ]
    assert listed.json()["data"] == []


def test_a_shortage_added_by_hand_is_resolved_once(pharmacy: Hospital) -> None:
    buyer = pharmacy.token(Role.BUYER)

    added = pharmacy.api.post(
        "/api/shortages", token=buyer, json={"item": "ONDA4INJ", "reason": "manufacturer letter"}
    )
    number = added.json()["id"]
    resolved = pharmacy.api.post(f"/api/shortages/{number}/resolve", token=buyer, json={})
    again = pharmacy.api.post(f"/api/shortages/{number}/resolve", token=buyer, json={})
    unknown = pharmacy.api.get("/api/shortages/99999", token=buyer)
    no_item = pharmacy.api.post(
        "/api/shortages", token=buyer, json={"item": "NOPE", "reason": "letter"}
    )

    assert added.status_code == 201
    assert (added.json()["source"], added.json()["items"][0]["method"]) == ("manual", "item")
    assert resolved.json()["status"] == "resolved"
    assert "was resolved" in problem(again, 409)["detail"]
    problem(unknown, 404)
    problem(no_item, 404)
