"""Product identifier verification over HTTP (today 2026-11-20): a package received by scan
verifies (201, verified), a lot that differs is recorded as not verified with the field named,
a malformed GTIN is a 422 naming it (nothing written), the list shows both newest first, and a
compliance officer may verify while nobody anonymous may."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from rxsupply.domain.users import Role

from .harness import GTIN, Hospital, QuickHasher, datamatrix, open_hospital, problem

PATH = "/api/dscsa/verifications"


@pytest.fixture
def pharmacy(hospital: Engine) -> Iterator[Hospital]:
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def body(**kw: object) -> dict[str, object]:
    return {"gtin": GTIN, "serial": "SN0001", "lot": "ON3001A", "expiry": "300131"} | kw


def test_a_scanned_package_verifies_and_a_differing_lot_is_recorded_as_not_verified(
    pharmacy: Hospital,
) -> None:
    tech, compliance = pharmacy.token(Role.TECHNICIAN), pharmacy.token(Role.COMPLIANCE)
    received = pharmacy.api.post("/api/receipts/scan", token=tech, json={"data": datamatrix()})
    assert received.status_code == 201, received.text

    good = pharmacy.api.post(PATH, token=tech, json=body())
    bad = pharmacy.api.post(PATH, token=compliance, json=body(lot="ON3001B", local_only=True))
    listed = pharmacy.api.get(PATH, token=tech).json()["data"]

    assert good.status_code == 201
    assert (good.json()["verified"], good.json()["local_result"]) == (True, "match")
    assert bad.status_code == 201
    assert bad.json()["verified"] is False
    assert bad.json()["reason"] == (
        "No_match_GTIN_Serial_Lot: lot: received ON3001A, asked ON3001B"
    )
    assert [v["id"] for v in listed] == [bad.json()["id"], good.json()["id"]]
    assert listed[0]["requested_by"] == "compliance"


def test_a_malformed_gtin_is_a_422_naming_it_and_nothing_is_recorded(pharmacy: Hospital) -> None:
    tech = pharmacy.token(Role.TECHNICIAN)
    wrong = GTIN[:-1] + str((int(GTIN[-1]) + 1) % 10)

    answer = pharmacy.api.post(PATH, token=tech, json=body(gtin=wrong))

    found = problem(answer, 422)
    assert "gtin" in found["detail"] and "check digit" in found["detail"]
    assert pharmacy.api.get(PATH, token=tech).json()["data"] == []


def test_nobody_anonymous_may_verify(pharmacy: Hospital) -> None:
    problem(pharmacy.api.post(PATH, json=body()), 401)
