"""Refill runs over HTTP: a technician starts a run of the ICU cabinet, a package of the wrong
lot is refused (422, nothing posted), the right tray is scanned in, a second run of the cabinet
is refused (409) until this one is completed; a compliance officer may only read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from tests.conftest import post
from tests.e2e.refill_state import CABINET, POCKET, room_for_a_run

from rxsupply.domain.ndc import NDC
from rxsupply.domain.status import StockStatus
from rxsupply.domain.users import Role
from rxsupply.services import ledger

from .harness import Hospital, QuickHasher, open_hospital, problem

TRAY = NDC.parse("98765-401-02").gtin14()
GS = "\x1d"


@pytest.fixture
def ward(hospital: Engine) -> Iterator[Hospital]:
    room_for_a_run(hospital)
    with open_hospital(hospital, QuickHasher()) as opened:
        yield opened


def test_a_technician_runs_a_refill_confirmed_by_scanning(ward: Hospital) -> None:
    tech, officer = ward.token(Role.TECHNICIAN), ward.token(Role.COMPLIANCE)

    run = ward.api.post("/api/refills", token=tech, json={"cabinets": [CABINET]}).json()
    number = run["number"]
    busy = ward.api.post("/api/refills", token=tech, json={})
    wrong = ward.api.post(
        f"/api/refills/{number}/scans",
        token=tech,
        json={"pocket": POCKET, "product": "98765-402-10", "lot": "ON2502B"},
    )
    right = ward.api.post(
        f"/api/refills/{number}/scans",
        token=tech,
        json={"pocket": POCKET, "scan": f"01{TRAY}17270331{GS}10ON2411A{GS}21T1"},
    ).json()
    not_an_officer = ward.api.post(f"/api/refills/{number}/complete", token=officer)
    done = ward.api.post(f"/api/refills/{number}/complete", token=tech).json()
    read = ward.api.get(f"/api/refills/{number}", token=officer).json()

    assert [ln["pocket"] for ln in run["lines"]] == [POCKET]
    assert f"ICU-ADC1 is on open run {number}" in problem(busy, 409)["detail"]
    assert "not on the pick list" in problem(wrong, 422)["detail"]
    assert (right["line"]["confirmed"], right["line"]["left"], right["duplicate"]) == (10, 0, False)
    problem(not_an_officer, 403)
    assert (done["status"], done["closed_by"], done["left"]) == ("completed", "technician", 0)
    assert read["lines"][0]["confirmed_by"] == "technician"


def test_a_run_read_back_gives_each_lines_lot_status_and_marks_a_lot_blocked_since(
    ward: Hospital, hospital: Engine
) -> None:
    tech = ward.token(Role.TECHNICIAN)
    number = ward.api.post("/api/refills", token=tech, json={"cabinets": [CABINET]}).json()[
        "number"
    ]
    post(
        hospital,
        ledger.SetStatus(
            user="tester",
            product="98765-401-02",
            lot="ON2411A",
            status=StockStatus.RECALLED,
            reason="recall D-1",
        ),
    )

    read = ward.api.get(f"/api/refills/{number}", token=tech).json()

    (line,) = read["lines"]
    assert (line["lot"], line["lot_status"]) == ("ON2411A", "recalled")
    assert line["lot_blocked"].startswith("lot ON2411A is recalled by tester since ")
