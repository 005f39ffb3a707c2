"""``rxsupply refills``: a run of the ICU cabinet started, shown cabinet by cabinet, confirmed
by scanning the tray at the pocket, and completed; a second run of a busy cabinet refused."""

from __future__ import annotations

from tests.e2e.cli_runner import Rx
from tests.e2e.refill_state import CABINET, POCKET, room_for_a_run
from tests.e2e.test_cli import datamatrix, hospital  # noqa: F401  (the fixture)

from rxsupply.adapters.database import make_engine
from rxsupply.domain.ndc import NDC

TRAY = NDC.parse("98765-401-02").gtin14()


def test_a_refill_run_from_the_command_line(hospital: Rx) -> None:  # noqa: F811
    engine = make_engine(f"sqlite:///{hospital.db}")
    room_for_a_run(engine)
    engine.dispose()

    started = hospital("refills", "start", "--cabinet", CABINET, "--json")
    number = started.json()["number"]
    busy = hospital("refills", "start")
    shown = hospital("refills", "show", number)
    scanned = hospital(
        "refills", "scan", number, "--pocket", POCKET, "--scan", datamatrix(TRAY, serial="R1")
    )
    done = hospital("refills", "complete", number, "--json")
    listed = hospital("refills", "list", "--json")

    assert started.code == 0 and started.json()["lines"][0]["pocket"] == POCKET
    assert busy.code == 1 and f"ICU-ADC1 is on open run {number}" in busy.message
    assert f"{number} ICU-ADC1" in shown.out and "ON2411A" in shown.out
    assert scanned.code == 0, scanned.message
    assert "10 of 10 units of lot ON2411A" in scanned.out
    assert done.json()["status"] == "completed" and done.json()["left"] == 0
    assert [r["number"] for r in listed.json()] == [number]


def test_units_put_in_beyond_what_the_line_has_left_are_said_not_recorded(
    hospital: Rx,  # noqa: F811
) -> None:
    engine = make_engine(f"sqlite:///{hospital.db}")
    room_for_a_run(engine)
    engine.dispose()
    number = hospital("refills", "start", "--cabinet", CABINET, "--json").json()["number"]

    scanned = hospital(
        "refills", "scan", number, "--pocket", POCKET, "--ndc", "98765-401-02",
        "--lot", "ON2411A", "--units", "14",
    )  # fmt: skip

    assert scanned.code == 0, scanned.message
    assert "10 of 10 units of lot ON2411A" in scanned.out
    assert "4 of the 14 units put in are more than the line had left" in " ".join(
        scanned.out.split()
    )


def test_show_says_the_lot_of_a_line_was_blocked_after_the_run_started(
    hospital: Rx,  # noqa: F811
) -> None:
    engine = make_engine(f"sqlite:///{hospital.db}")
    room_for_a_run(engine)
    engine.dispose()
    number = hospital("refills", "start", "--cabinet", CABINET, "--json").json()["number"]
    blocked = hospital(
        "--user", "tester", "quarantine", "98765-401-02", "ON2411A", "--reason", "damaged"
    )

    table = hospital("refills", "show", number)
    listed = hospital("refills", "show", number, "--json")

    assert blocked.code == 0, blocked.err
    assert table.code == 0, table.err
    assert "lot_status" in table.out and "quarantined" in table.out
    said = " ".join(table.out.split())
    assert f"line 1 {POCKET}: lot ON2411A is quarantined by tester" in said
    assert "do not take it: the scan refuses it" in said
    (line,) = listed.json()["lines"]
    assert line["lot"] == "ON2411A" and line["lot_status"] == "quarantined"
    assert line["lot_blocked"].startswith("lot ON2411A is quarantined by tester since ")
