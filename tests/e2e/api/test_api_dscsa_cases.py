"""Suspect product cases over HTTP: a technician opens a case on acetaminophen lot AP2406 (its
units blocked at once: a dispense from a cabinet is refused), records evidence, may not
determine it; the manager determines it illegitimate, the 24-hour clock and the Form 3911
draft follow, FDA's incident number stops the clock; bad input is a 422 naming the field, a
step the case's state refuses a 409."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from rxsupply.domain.users import Role

from .harness import Hospital, QuickHasher, open_hospital, problem

CASE = {
    "lots": ["98765-3250-01:AP2406"],
    "reason": "counterfeit",
    "source": "verification_failure",
    "note": "the verification router said no",
}


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def test_a_case_opened_determined_illegitimate_and_reported_to_fda(pharmacy: Hospital) -> None:
    tech, manager = pharmacy.token(Role.TECHNICIAN), pharmacy.token(Role.MANAGER)

    made = pharmacy.api.request("POST", "/api/dscsa/cases", token=tech, json=CASE)
    path = f"/api/dscsa/cases/{made.json()['number']}"
    dispense = pharmacy.api.request(
        "POST",
        "/api/dispenses",
        token=tech,
        json={"location": "ICU-ADC1", "item": "APAP325TAB", "quantity": 1},
    )
    evidence = pharmacy.api.request(
        "POST",
        f"{path}/steps",
        token=tech,
        json={"kind": "evidence", "evidence_name": "router.json", "evidence_sha256": "a" * 64},
    )
    by_tech = pharmacy.api.request(
        "POST", f"{path}/disposition", token=tech, json={"disposition": "illegitimate", "note": "x"}
    )
    early_form = pharmacy.api.get(f"{path}/form3911", token=tech)
    decided = pharmacy.api.request(
        "POST",
        f"{path}/disposition",
        token=manager,
        json={"disposition": "illegitimate", "note": "confirmed counterfeit"},
    )
    form = pharmacy.api.get(f"{path}/form3911", token=tech).json()
    future = pharmacy.api.request(
        "POST",
        f"{path}/steps",
        token=tech,
        json={"kind": "fda_notified", "incident": "IN-9", "notified_at": "2026-11-20T10:01"},
    )
    fda = pharmacy.api.request(
        "POST",
        f"{path}/steps",
        token=tech,
        json={"kind": "fda_notified", "incident": "IN-9", "notified_at": "2026-11-20T15:00Z"},
    )
    listed = pharmacy.api.get("/api/dscsa/cases?open=true", token=tech).json()["data"]

    assert made.status_code == 201, made.text
    assert {s["status"] for s in made.json()["subject_details"]} == {"suspect"}
    assert dispense.status_code == 409
    assert evidence.status_code == 201 and evidence.json()["evidence"][0]["evidence_name"] == (
        "router.json"
    )
    problem(by_tech, 403)
    assert "not determined illegitimate" in problem(early_form, 409)["detail"]
    assert decided.status_code == 200, decided.text
    assert decided.json()["fda_clock"]["state"] == "running"
    assert decided.json()["done"] == {"blocked_again": []}
    assert (form["notification_category"], form["products"][0]["lot"]) == ("counterfeit", "AP2406")
    assert "in the future" in str(problem(future, 422))
    assert fda.json()["fda_clock"]["state"] == "notified"
    assert fda.json()["fda_clock"]["notified_at"] == "2026-11-20T15:00:00+00:00"
    assert [c["number"] for c in listed] == [made.json()["number"]]


def test_bad_input_names_the_field_and_a_refused_step_is_a_conflict(pharmacy: Hospital) -> None:
    tech = pharmacy.token(Role.TECHNICIAN)

    bad_reason = pharmacy.api.request(
        "POST", "/api/dscsa/cases", token=tech, json=CASE | {"reason": "lost"}
    )
    bad_lot = pharmacy.api.request(
        "POST", "/api/dscsa/cases", token=tech, json=CASE | {"lots": ["AP2406"]}
    )
    made = pharmacy.api.request("POST", "/api/dscsa/cases", token=tech, json=CASE).json()
    fda_early = pharmacy.api.request(
        "POST",
        f"/api/dscsa/cases/{made['id']}/steps",
        token=tech,
        json={"kind": "fda_notified", "incident": "IN-1"},
    )
    cleared_as_step = pharmacy.api.request(
        "POST",
        f"/api/dscsa/cases/{made['id']}/steps",
        token=pharmacy.token(Role.MANAGER),
        json={"kind": "cleared", "note": "not through the disposition"},
    )
    unknown = pharmacy.api.get("/api/dscsa/cases/SC-1999-0001", token=tech)

    assert "reason" in problem(bad_reason, 422)["detail"]
    assert "NDC:LOT" in problem(bad_lot, 422)["detail"]
    assert "under investigation" in problem(fda_early, 409)["detail"]
    assert "disposition" in problem(cleared_as_step, 422)["detail"]
    problem(unknown, 404)
