"""Recalls over HTTP: a compliance officer enters a recall of acetaminophen lot AP2406, reads
its units in the storeroom and both cabinet pockets, quarantines them all in one call (again:
nothing changes), and a manager releases it when the firm withdraws it; a technician may not
release; bad input is a 422 problem naming the field; a closed recall answers 409."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from rxsupply.domain.users import Role

from .harness import Hospital, QuickHasher, open_hospital, problem

RECALL = {
    "number": "D-0123-2027",
    "class": "II",
    "reason": "tablets out of specification",
    "firm": "Example Labs",
    "initiated": "2026-11-18",
    "ndcs": [{"ndc": "98765-3250-01", "lots": ["AP2406"]}],
}


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def test_a_recall_entered_found_quarantined_and_released_when_withdrawn(
    pharmacy: Hospital,
) -> None:
    auditor, manager = pharmacy.token(Role.COMPLIANCE), pharmacy.token(Role.MANAGER)
    tech = pharmacy.token(Role.TECHNICIAN)

    made = pharmacy.api.request("POST", "/api/recalls", token=auditor, json=RECALL)
    path = f"/api/recalls/{made.json()['id']}"
    units = pharmacy.api.get(f"{path}/units", token=tech).json()
    blocked = pharmacy.api.request("POST", f"{path}/quarantine", token=auditor).json()
    again = pharmacy.api.request("POST", f"{path}/quarantine", token=tech).json()
    by_tech = pharmacy.api.request(
        "POST", f"{path}/close", token=tech, json={"disposition": "released", "note": "letter"}
    )
    released = pharmacy.api.request(
        "POST", f"{path}/close", token=manager, json={"disposition": "released", "note": "letter"}
    )
    after = pharmacy.api.get(f"{path}/units", token=tech).json()
    closed_again = pharmacy.api.request(
        "POST", f"{path}/close", token=manager, json={"disposition": "destroyed", "note": "x"}
    )

    assert made.status_code == 201, made.text
    assert sorted((r["location"], r["quantity"]) for r in units["lines"]) == [
        ("ED-ADC1-P02", 220),
        ("ICU-ADC1-P03", 150),
        ("MAIN-STORE", 2000),
    ]
    assert (blocked["units"], again["units"], again["already_recalled"]) == (2370, 0, 1)
    assert by_tech.status_code == 403
    problem(by_tech, 403)
    assert released.status_code == 200, released.text
    assert released.json()["disposition"] == "released"
    assert {r["status"] for r in after["lines"]} == {"available"}
    problem(closed_again, 409)


def test_a_bad_class_or_ndc_is_a_422_naming_the_field_and_nothing_is_entered(
    pharmacy: Hospital,
) -> None:
    auditor = pharmacy.token(Role.COMPLIANCE)

    bad_class = pharmacy.api.request(
        "POST", "/api/recalls", token=auditor, json=RECALL | {"class": "4"}
    )
    bad_ndc = pharmacy.api.request(
        "POST", "/api/recalls", token=auditor, json=RECALL | {"ndcs": [{"ndc": "tylenol"}]}
    )
    listed = pharmacy.api.get("/api/recalls", token=auditor).json()

    assert "class" in problem(bad_class, 422)["detail"]
    assert "ndc" in problem(bad_ndc, 422)["detail"]
    assert listed["data"] == []
